package org.gradlab.run;

import org.gradlab.task.TaskShape;

import java.util.Locale;

/**
 * How much memory a run will take, from its config alone — checked before anything is allocated, so an
 * impossible size (a hidden size of 65,536, 64 layers of 4,096, a batch of 65,536 sequences of 65,536
 * steps) is a one-line refusal instead of an overflow or an out-of-memory error minutes later. An estimate
 * within a factor of two, counted in floats: weights with their gradients and optimizer state, and the
 * activations a step keeps for its backward pass.
 */
public final class MemoryEstimate {
    private MemoryEstimate() {}

    /** Parameters of the model this config builds for this task. */
    public static double parameters(RunConfig c, TaskShape shape) {
        boolean lm = shape.kind() == TaskShape.Kind.LANGUAGE_MODEL;
        if (c.model().equals("gpt")) {
            double d = c.dim();
            return shape.vocab() * d + (double) c.seq() * d + c.layers() * (12 * d * d + 13 * d) + 2 * d + d * shape.vocab() + shape.vocab();
        }
        double g = gates(c.model()), h = c.hidden(), in = lm ? c.embed() : shape.inputSize();
        double p = g * h * (in + h) + 2 * g * h + (c.layers() - 1) * (g * h * 2 * h + 2 * g * h) + h * shape.outputs() + shape.outputs();
        return lm ? p + (double) shape.vocab() * c.embed() : p;
    }

    /** Bytes a training step of this run needs, roughly. */
    public static double bytes(RunConfig c, TaskShape shape) {
        double tb = (double) c.seq() * c.batch(), acts;
        if (c.model().equals("gpt")) {
            acts = c.layers() * tb * c.dim() * 16 + (double) c.layers() * c.heads() * c.batch() * c.seq() * c.seq() * 2 + tb * shape.vocab() * 3;
        } else {
            acts = c.layers() * tb * c.hidden() * (gates(c.model()) + 3) * 2 + tb * Math.max(shape.outputs(), shape.vocab()) * 3;
        }
        return 4 * (5 * parameters(c, shape) + acts);
    }

    /**
     * Refuses a run that cannot fit in the memory this JVM may use (with a line saying how much it needs and
     * what to do), or whose arrays would be too long for Java.
     */
    public static void check(RunConfig c, TaskShape shape) {
        double need = bytes(c, shape), may = Runtime.getRuntime().maxMemory();
        if (need > 0.8 * may) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "this run needs about %s of memory (%,.0f parameters, batch %d × T=%d); "
                    + "this JVM may use %s: choose smaller sizes, or give it more with GRADLAB_JAVA_OPTS=-Xmx…", human(need),
                    parameters(c, shape), c.batch(), c.seq(), human(may)));
        }
        if (parameters(c, shape) > Integer.MAX_VALUE - 64) throw new IllegalArgumentException("more than 2^31 parameters: too large for this engine");
    }

    private static double gates(String model) {
        return switch (model) {
            case "lstm" -> 4;
            case "gru" -> 3;
            default -> 1;
        };
    }

    static String human(double bytes) {
        return bytes >= 1 << 30 ? String.format(Locale.ROOT, "%.1f GB", bytes / (1 << 30)) : String.format(Locale.ROOT, "%.0f MB", bytes / (1 << 20));
    }
}
