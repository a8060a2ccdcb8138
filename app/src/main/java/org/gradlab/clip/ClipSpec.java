package org.gradlab.clip;

import java.util.Locale;

/**
 * A validated clipping spec, the one textual form used by the CLI ({@code --clip}), run files and the UI.
 * See {@link #GRAMMAR}. Bad specs are refused with a message that shows the grammar, never accepted
 * silently (PyTorch accepts 0, negative and NaN thresholds).
 */
public record ClipSpec(Kind kind, double threshold, double extra, double extra2, double extra3) {
    public enum Kind { NONE, NORM, TENSOR_NORM, VALUE, AGC, AUTOCLIP, ZCLIP, ADAGC }

    /** A spec of three numbers (every method but AdaGC). */
    public ClipSpec(Kind kind, double threshold, double extra, double extra2) {
        this(kind, threshold, extra, extra2, Double.NaN);
    }

    /** Every spec's form on one line, for help texts. */
    public static final String FORMS = "none | norm:C[:2|1|inf] | tensor-norm:C | value:V | agc:L[:eps[:nohead]] | autoclip:P[:H] "
            + "| zclip[:Z[:alpha]] | adagc[:R[:B[:W[:A]]]]";

    public static final String GRAMMAR = String.join("\n",
            "none                 no clipping (norms are still reported)",
            "norm:C[:2|1|inf]     PyTorch clip_grad_norm_: total p-norm, coefficient min(1, C/(total+1e-6))",
            "tensor-norm:C        Keras clipnorm: each tensor g*C/max(|g|, C)",
            "value:V              element-wise clamp to [-V, V]",
            "agc:L[:eps[:nohead]] adaptive (unit-wise) clipping, limit L*max(|W_i|, eps), eps default 1e-3; nohead leaves the head alone (NFNets)",
            "autoclip:P[:H]       AutoClip: threshold = P-th percentile (0<P<=100) of the last H norms (default all)",
            "zclip[:Z[:alpha]]    ZClip: EMA z-score clipping, Z default 2.5, alpha default 0.97 (0<alpha<1)",
            "adagc[:R[:B[:W[:A]]]] AdaGC: per tensor, clip at R x the EMA (beta B) of its clipped norms; the first W steps clip the "
                    + "global norm at A (defaults 1.05, 0.98, 100, 1.0)");

    /**
     * extra = norm type (2, 1 or +inf) for NORM, eps for AGC, window (0 = all) for AUTOCLIP, alpha for ZCLIP;
     * extra2 = 1 for AGC that leaves the final head layer unclipped (NFNets), 0 otherwise.
     */
    public static ClipSpec parse(String text) {
        if (text == null || text.isBlank()) throw bad(text, "empty spec");
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        String head = parts[0];
        try {
            return switch (head) {
                case "none" -> {
                    arity(text, parts, 1, 1);
                    yield new ClipSpec(Kind.NONE, Double.NaN, Double.NaN, Double.NaN);
                }
                case "norm" -> {
                    arity(text, parts, 2, 3);
                    double p = parts.length == 3 ? normType(text, parts[2]) : 2;
                    yield new ClipSpec(Kind.NORM, positive(text, parts[1], "threshold C"), p, Double.NaN);
                }
                case "tensor-norm" -> {
                    arity(text, parts, 2, 2);
                    yield new ClipSpec(Kind.TENSOR_NORM, positive(text, parts[1], "threshold C"), Double.NaN, Double.NaN);
                }
                case "value" -> {
                    arity(text, parts, 2, 2);
                    yield new ClipSpec(Kind.VALUE, positive(text, parts[1], "clip value V"), Double.NaN, Double.NaN);
                }
                case "agc" -> {
                    arity(text, parts, 2, 4);
                    double eps = parts.length >= 3 ? positive(text, parts[2], "eps") : 1e-3;
                    if (parts.length == 4 && !parts[3].equals("nohead")) throw bad(text, "the fourth field can only be 'nohead'");
                    yield new ClipSpec(Kind.AGC, positive(text, parts[1], "clipping factor"), eps, parts.length == 4 ? 1 : 0);
                }
                case "autoclip" -> {
                    arity(text, parts, 2, 3);
                    double pct = number(text, parts[1], "percentile P");
                    if (!(pct > 0 && pct <= 100)) throw bad(text, "percentile P must be in (0, 100], got " + parts[1]);
                    double window = 0;
                    if (parts.length == 3) {
                        window = number(text, parts[2], "history window H");
                        if (!(window >= 1) || window != Math.rint(window)) throw bad(text, "history window H must be a whole number >= 1");
                    }
                    yield new ClipSpec(Kind.AUTOCLIP, pct, window, Double.NaN);
                }
                case "zclip" -> {
                    arity(text, parts, 1, 3);
                    double z = parts.length >= 2 ? positive(text, parts[1], "z threshold Z") : 2.5;
                    double alpha = 0.97;
                    if (parts.length == 3) {
                        alpha = number(text, parts[2], "alpha");
                        if (!(alpha > 0 && alpha < 1)) throw bad(text, "alpha must be in (0, 1), got " + parts[2]);
                    }
                    yield new ClipSpec(Kind.ZCLIP, z, alpha, Double.NaN);
                }
                case "adagc" -> {
                    arity(text, parts, 1, 5);
                    double rel = parts.length >= 2 ? positive(text, parts[1], "relative factor R") : 1.05;
                    double beta = 0.98;
                    if (parts.length >= 3) {
                        beta = number(text, parts[2], "beta B");
                        if (!(beta >= 0 && beta < 1)) throw bad(text, "beta B must be in [0, 1), got " + parts[2]);
                    }
                    double warm = 100;
                    if (parts.length >= 4) {
                        warm = number(text, parts[3], "warm-up W");
                        if (!(warm >= 0) || warm != Math.rint(warm)) throw bad(text, "warm-up W must be a whole number >= 0");
                    }
                    double abs = parts.length == 5 ? positive(text, parts[4], "warm-up threshold A") : 1.0;
                    yield new ClipSpec(Kind.ADAGC, rel, beta, warm, abs);
                }
                default -> throw bad(text, "unknown method '" + head + "' (methods: none, norm:C, tensor-norm:C, value:V, agc:L, autoclip:P, zclip, adagc)");
            };
        } catch (IllegalArgumentException e) {
            if (e instanceof ClipSpecException) throw e;
            throw bad(text, e.getMessage());
        }
    }

    /** Thrown for an invalid spec; the message names the problem and lists the grammar. */
    public static final class ClipSpecException extends IllegalArgumentException {
        ClipSpecException(String message) {
            super(message);
        }
    }

    private static ClipSpecException bad(String text, String why) {
        return new ClipSpecException("invalid clip spec '" + text + "': " + why + "\nexpected one of:\n" + GRAMMAR);
    }

    private static void arity(String text, String[] parts, int min, int max) {
        if (parts.length < min || parts.length > max) throw bad(text, "wrong number of ':'-separated fields");
    }

    private static double number(String text, String s, String what) {
        try {
            double v = Double.parseDouble(s);
            if (!Double.isFinite(v)) throw bad(text, what + " must be finite, got " + s);
            return v;
        } catch (NumberFormatException e) {
            throw bad(text, what + " is not a number: '" + s + "'");
        }
    }

    private static double positive(String text, String s, String what) {
        double v = number(text, s, what);
        if (!(v > 0)) throw bad(text, what + " must be > 0, got " + s);
        return v;
    }

    private static double normType(String text, String s) {
        return switch (s) {
            case "2" -> 2;
            case "1" -> 1;
            case "inf" -> Double.POSITIVE_INFINITY;
            default -> throw bad(text, "norm type must be 2, 1 or inf, got '" + s + "'");
        };
    }

    /** The canonical text of this spec (parse(toText()) equals this). */
    public String toText() {
        return switch (kind) {
            case NONE -> "none";
            case NORM -> "norm:" + num(threshold) + (extra == 2 ? "" : extra == 1 ? ":1" : ":inf");
            case TENSOR_NORM -> "tensor-norm:" + num(threshold);
            case VALUE -> "value:" + num(threshold);
            case AGC -> "agc:" + num(threshold) + (extra == 1e-3 && extra2 != 1 ? "" : ":" + num(extra)) + (extra2 == 1 ? ":nohead" : "");
            case AUTOCLIP -> "autoclip:" + num(threshold) + (extra == 0 ? "" : ":" + (long) extra);
            case ZCLIP -> "zclip:" + num(threshold) + (extra == 0.97 ? "" : ":" + num(extra));
            case ADAGC -> "adagc:" + num(threshold) + ":" + num(extra) + ":" + num(extra2) + ":" + num(extra3);
        };
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    @Override
    public String toString() {
        return toText();
    }
}
