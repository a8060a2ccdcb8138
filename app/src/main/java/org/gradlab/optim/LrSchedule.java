package org.gradlab.optim;

import java.util.Locale;

/**
 * How the learning rate moves over a run, as a factor on the base rate at training step k (k counts from 0):
 * <ul>
 *   <li>{@code constant} — 1;</li>
 *   <li>{@code warmup:W} — linear warm-up, (k+1)/W for k &lt; W, then 1;</li>
 *   <li>{@code cosine:W:T[:M]} — warm-up over W steps, then a cosine from 1 down to M (default 0) at step T,
 *       and M after it;</li>
 *   <li>{@code step:S:G} — multiplied by G every S steps.</li>
 * </ul>
 * A live change of the learning rate changes the base rate; the schedule keeps applying on top of it.
 */
public record LrSchedule(Kind kind, long warmup, long total, double minFactor, long every, double gamma) {
    public enum Kind { CONSTANT, WARMUP, COSINE, STEP }

    public static final LrSchedule CONSTANT = new LrSchedule(Kind.CONSTANT, 0, 0, 1, 0, 1);
    public static final String GRAMMAR = "constant | warmup:W | cosine:W:T[:MIN] | step:S:GAMMA";

    public LrSchedule {
        if (warmup < 0 || total < 0 || every < 0) throw new IllegalArgumentException("schedule steps must be >= 0");
        if (kind == Kind.WARMUP && warmup < 1) throw new IllegalArgumentException("warmup:W needs W >= 1");
        if (kind == Kind.COSINE && !(total > warmup)) throw new IllegalArgumentException("cosine:W:T needs T > W");
        if (!(minFactor >= 0 && minFactor <= 1)) throw new IllegalArgumentException("the cosine's floor MIN must be in [0, 1]");
        if (kind == Kind.STEP && (every < 1 || !(gamma > 0 && gamma <= 1))) {
            throw new IllegalArgumentException("step:S:GAMMA needs S >= 1 and GAMMA in (0, 1]");
        }
    }

    /** The factor on the base learning rate at training step k. */
    public double factor(long k) {
        return switch (kind) {
            case CONSTANT -> 1;
            case WARMUP -> k < warmup ? (k + 1.0) / warmup : 1;
            case COSINE -> {
                if (k < warmup) yield (k + 1.0) / warmup;
                double p = Math.min(1, (double) (k - warmup) / (total - warmup));
                yield minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * p));
            }
            case STEP -> Math.pow(gamma, (double) (k / every));
        };
    }

    public static LrSchedule parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        String[] p = t.split(":");
        try {
            return switch (p[0]) {
                case "constant", "" -> {
                    only(p, 1, text);
                    yield CONSTANT;
                }
                case "warmup" -> {
                    only(p, 2, text);
                    yield new LrSchedule(Kind.WARMUP, whole(p, 1, text), 0, 1, 0, 1);
                }
                case "cosine" -> {
                    if (p.length < 3 || p.length > 4) throw bad(text, "cosine needs W:T and an optional MIN");
                    yield new LrSchedule(Kind.COSINE, whole(p, 1, text), whole(p, 2, text), p.length == 4 ? Double.parseDouble(p[3]) : 0, 0, 1);
                }
                case "step" -> {
                    only(p, 3, text);
                    yield new LrSchedule(Kind.STEP, 0, 0, 1, whole(p, 1, text), Double.parseDouble(p[2]));
                }
                default -> throw bad(text, "unknown schedule '" + p[0] + "'");
            };
        } catch (NumberFormatException e) {
            throw bad(text, "not a number");
        } catch (IllegalArgumentException e) {
            if (e.getMessage().startsWith("invalid schedule")) throw e;
            throw bad(text, e.getMessage());
        }
    }

    private static void only(String[] p, int n, String text) {
        if (p.length != n) throw bad(text, "wrong number of ':'-separated fields");
    }

    private static long whole(String[] p, int i, String text) {
        if (i >= p.length) throw bad(text, "missing a step count");
        return Long.parseLong(p[i]);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("invalid schedule '" + text + "': " + why + " (" + GRAMMAR + ")");
    }

    public String toText() {
        return switch (kind) {
            case CONSTANT -> "constant";
            case WARMUP -> "warmup:" + warmup;
            case COSINE -> "cosine:" + warmup + ":" + total + (minFactor == 0 ? "" : ":" + minFactor);
            case STEP -> "step:" + every + ":" + gamma;
        };
    }
}
