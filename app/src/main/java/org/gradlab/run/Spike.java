package org.gradlab.run;

import java.util.Locale;

/**
 * A pathological batch injected at one step (the "one bad batch" story), seeded and recorded so a replay
 * shows exactly what happened. Kinds:
 * <ul>
 *   <li>{@code grad:F} — the step's gradient multiplied by F before clipping (any model);</li>
 *   <li>{@code targets:F} — regression targets multiplied by F (adding, multiplication);</li>
 *   <li>{@code inputs:F} — float inputs multiplied by F (synthetic tasks);</li>
 *   <li>{@code tokens:F} — a fraction F ∈ (0, 1] of input tokens replaced by random ones, seeded by (seed, step)
 *       (charlm);</li>
 *   <li>{@code skip} — the remedy: the step is computed and recorded but makes no update;</li>
 *   <li>{@code replace} — the remedy: the step trains on a fresh batch instead of batch K (and without its spike).</li>
 * </ul>
 * Text form {@code STEP:KIND:FACTOR}, e.g. {@code 300:grad:1000}; {@code STEP:skip}, {@code STEP:replace}.
 */
public record Spike(long step, Kind kind, double factor) {
    public enum Kind { GRAD, TARGETS, INPUTS, TOKENS, SKIP, REPLACE;

        /** A batch edit chosen as a remedy, not a fault injected. */
        public boolean remedy() {
            return this == SKIP || this == REPLACE;
        }
    }

    public Spike {
        if (step < 0) throw new IllegalArgumentException("spike step must be >= 0");
        if (!Double.isFinite(factor)) throw new IllegalArgumentException("spike factor must be finite");
        if (kind == Kind.TOKENS && !(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("tokens spike: the factor is the fraction of tokens replaced, in (0, 1]");
        }
    }

    public static Spike parse(String s) {
        String[] p = s.trim().split(":");
        if (p.length == 2 && (p[1].equalsIgnoreCase("skip") || p[1].equalsIgnoreCase("replace")) || p.length == 3
                && (p[1].equalsIgnoreCase("skip") || p[1].equalsIgnoreCase("replace"))) {
            try {
                return new Spike(Long.parseLong(p[0]), p[1].equalsIgnoreCase("skip") ? Kind.SKIP : Kind.REPLACE, 0);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("spike '" + s + "': STEP must be a whole number");
            }
        }
        if (p.length != 3) throw new IllegalArgumentException("spike '" + s + "': expected STEP:KIND:FACTOR, e.g. 300:grad:1000 "
                + "(kinds: grad, targets, inputs, tokens), or STEP:skip, STEP:replace");
        try {
            Kind k = switch (p[1].toLowerCase(Locale.ROOT)) {
                case "grad" -> Kind.GRAD;
                case "targets" -> Kind.TARGETS;
                case "inputs" -> Kind.INPUTS;
                case "tokens" -> Kind.TOKENS;
                default -> throw new IllegalArgumentException("spike '" + s + "': unknown kind '" + p[1]
                        + "' (expected grad, targets, inputs or tokens)");
            };
            return new Spike(Long.parseLong(p[0]), k, Double.parseDouble(p[2]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("spike '" + s + "': STEP must be a whole number and FACTOR a number");
        }
    }

    public String toText() {
        return step + ":" + kind.name().toLowerCase(Locale.ROOT) + (kind.remedy() ? "" : ":" + factor);
    }
}
