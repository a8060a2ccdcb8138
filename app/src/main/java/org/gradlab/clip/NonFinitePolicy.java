package org.gradlab.clip;

import java.util.Locale;

/**
 * What to do when a step's gradients contain NaN or ±inf. Separate from the clip strategy, and never silent:
 * propagate is what PyTorch does (report it, let the optimizer see it); skip drops the update and keeps the
 * optimizer state as it was; stop ends the run with a message.
 */
public enum NonFinitePolicy {
    PROPAGATE, SKIP, STOP;

    public static NonFinitePolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown non-finite policy '" + s + "' (expected propagate, skip or stop)");
        }
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
