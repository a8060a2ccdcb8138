package org.gradlab.cli;

import org.gradlab.clip.ClipSpec;

import java.util.Locale;

/**
 * One arm of the Pascanu experiment: a clip spec, optionally with the paper's regulariser, written
 * {@code SPEC[+omega:α]} — {@code none} is their SGD, {@code norm:1} SGD-C, {@code norm:1+omega:4} SGD-CR.
 */
record PascanuArm(String text, ClipSpec clip, double omega) {
    private static final String OMEGA = "+omega:";

    /** The arm as written; a one-line UserError when it is not one. */
    static PascanuArm parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        int at = t.indexOf(OMEGA);
        double omega = 0;
        if (at >= 0) {
            String a = t.substring(at + OMEGA.length());
            try {
                omega = Double.parseDouble(a);
            } catch (NumberFormatException e) {
                throw new UserError("arm '" + text + "': the regulariser weight '" + a + "' is not a number");
            }
            if (!(omega > 0) || Double.isInfinite(omega)) throw new UserError("arm '" + text + "': the regulariser weight must be > 0");
        }
        try {
            return new PascanuArm(t, ClipSpec.parse(at >= 0 ? t.substring(0, at) : t), omega);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage().lines().findFirst().orElse("invalid clip spec in arm '" + text + "'"));
        }
    }

    boolean clips() {
        return clip.kind() != ClipSpec.Kind.NONE;
    }

    /** For the figure's legend: "no clipping", "clip norm:1", "clip norm:1 + Ω (α 4)". */
    String label() {
        String c = clips() ? "clip " + clip.toText() : "no clipping";
        return omega > 0 ? c + " + \u03a9 (\u03b1 " + org.gradlab.run.RunSettings.num(omega) + ")" : c;
    }

    /** A folder-name form: "norm_1", "norm_1+omega_4". */
    String fileName() {
        return text.replace(':', '_');
    }
}
