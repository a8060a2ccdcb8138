package org.gradlab.run;

/**
 * The matrix-multiply FLOPs of one training step of each anchor model, counted exactly from its shapes: 2·m·n·k
 * per product in the forward pass, twice that in the backward pass (the input's gradient and the weight's), so
 * 3× forward in all. Elementwise work (activations, softmax, LayerNorm, the loss, the optimizer, clipping,
 * telemetry) is not counted: it is a few percent of the step's FLOPs and none of the roofline's FMAs — the
 * usual convention for model FLOP utilisation.
 */
public final class FlopCount {
    private FlopCount() {}

    /** A linear layer on `rows` rows: rows × in → rows × out. */
    public static long linear(long rows, long in, long out) {
        return 2 * rows * in * out;
    }

    /** One recurrent layer over T steps of a batch: per step the input and the recurrent products, `gates` × hidden wide. */
    public static long recurrent(long batch, long steps, long in, long hidden, int gates) {
        return steps * (linear(batch, in, gates * hidden) + linear(batch, hidden, gates * hidden));
    }

    /** Causal self-attention of one block (every score computed, masked or not) with its four projections. */
    public static long attention(long batch, long steps, long d) {
        long rows = batch * steps;
        return linear(rows, d, 3 * d) + 2 * (2 * batch * steps * steps * d) + linear(rows, d, d);
    }

    /** A transformer MLP, d → 4d → d. */
    public static long mlp(long rows, long d) {
        return linear(rows, d, 4 * d) + linear(rows, 4 * d, d);
    }

    /** Forward matrix-multiply FLOPs of an anchor model's step (any name {@link AnchorModels#known} accepts). */
    public static long forward(String anchor) {
        AnchorModels.Shape s = AnchorModels.Shape.of(anchor);
        if (s == null) throw new IllegalArgumentException("unknown anchor model '" + anchor + "'");
        long b = AnchorModels.B, t = s.seq(), v = AnchorModels.V, n = s.size();
        return switch (s.family()) {
            case "lstm", "gru" -> {
                int gates = s.family().equals("lstm") ? 4 : 3;
                yield recurrent(b, t, 64, n, gates) + recurrent(b, t, n, n, gates) + linear(b * t, n, v);
            }
            case "rnn-adding" -> recurrent(b, t, 2, n, 1) + linear(b, n, 1); // the head reads the last step only
            // six one-hot symbols in, four classes out of the last step, batch 20
            case AnchorModels.PASCANU -> recurrent(AnchorModels.PASCANU_BATCH, t, 6, n, 1) + linear(AnchorModels.PASCANU_BATCH, n, 4);
            default -> 2 * (attention(b, t, n) + mlp(b * t, n)) + linear(b * t, n, v);
        };
    }

    /** Forward and backward: 3 × forward. */
    public static long step(String anchor) {
        return 3 * forward(anchor);
    }
}
