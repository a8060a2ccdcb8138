package org.gradlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.gradlab.engine.CpuBackend;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ‖∂L/∂h_t‖ per layer and time step against PyTorch's autograd on unrolled cells (tanh RNN, LSTM, GRU; fixture
 * written by app/src/test/python/make_time_gradients.py) and, for the tanh RNN, against central finite
 * differences of a double-precision forward with h_t nudged.
 */
class TimeGradientTest {
    static JsonNode fixture() throws Exception {
        try (InputStream in = TimeGradientTest.class.getResourceAsStream("/timegrad/time_gradients.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static float[] floats(JsonNode a) {
        float[] out = new float[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) a.get(i).asDouble();
        return out;
    }

    static int[] ints(JsonNode a) {
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).asInt();
        return out;
    }

    static SequenceModel build(CpuBackend be, JsonNode c) {
        CellType cell = CellType.parse(c.get("cell").asText());
        boolean ce = c.get("loss").asText().equals("ce");
        SequenceModel m = new SequenceModel(be, new SequenceModelConfig(cell, c.get("input").asInt(), 0, 0, c.get("hidden").asInt(),
                c.get("layers").asInt(), c.get("outputs").asInt(), c.get("everyStep").asBoolean(),
                ce ? LossKind.CROSS_ENTROPY : LossKind.MSE, c.get("batch").asInt(), c.get("seq").asInt()));
        for (Iterator<Map.Entry<String, JsonNode>> it = c.get("params").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.params().set(e.getKey(), floats(e.getValue()));
        }
        float[] x = floats(c.get("features"));
        if (ce) m.load(x, null, null, ints(c.get("targets")));
        else m.load(x, null, floats(c.get("targets")), null);
        return m;
    }

    /** Σ (∂L/∂h_t)² of a forward and backward (asked for before it), and the loss in lossOut[0] when given. */
    static double[] timeSums(SequenceModel m, float[] lossOut) {
        double[] sq = new double[m.timeGradientCount()];
        m.measureTimeGradients(sq);
        float loss = m.forwardBackward();
        if (lossOut != null) lossOut[0] = loss;
        return sq;
    }

    static float[] timeNorms(double[] sq) {
        float[] out = new float[sq.length];
        for (int i = 0; i < sq.length; i++) out[i] = (float) Math.sqrt(sq[i]);
        return out;
    }

    @Test
    void everyLayerAndTimeStepMatchesPyTorch() throws Exception {
        int cases = 0;
        for (JsonNode c : fixture().get("cases")) {
            try (CpuBackend be = new CpuBackend(2)) {
                SequenceModel m = build(be, c);
                float[] lossOut = new float[1];
                float[] got = timeNorms(timeSums(m, lossOut));
                float loss = lossOut[0];
                assertEquals(c.get("lossValue").asDouble(), loss, 1e-5 * Math.abs(c.get("lossValue").asDouble()), c.get("name").asText());
                int t = c.get("seq").asInt();
                JsonNode want = c.get("timeGradNorms");
                assertEquals(want.size() * t, got.length);
                for (int l = 0; l < want.size(); l++) {
                    for (int s = 0; s < t; s++) {
                        double w = want.get(l).get(s).asDouble();
                        assertEquals(w, got[l * t + s], 1e-4 * w + 1e-8, c.get("name").asText() + " layer " + l + " t=" + (s + 1));
                    }
                }
                cases++;
            }
        }
        assertEquals(4, cases);
    }

    /** A one-layer tanh RNN with a linear head in double precision; `nudge` is added to h_{at+1} (0-based at). */
    static double loss(JsonNode c, int at, int unit, int b0, double nudge) {
        int bsz = c.get("batch").asInt(), t = c.get("seq").asInt(), in = c.get("input").asInt(), h = c.get("hidden").asInt(),
                o = c.get("outputs").asInt();
        float[] x = floats(c.get("features")), y = floats(c.get("targets"));
        JsonNode p = c.get("params");
        float[] wih = floats(p.get("rnn.weight_ih_l0")), whh = floats(p.get("rnn.weight_hh_l0")), bih = floats(p.get("rnn.bias_ih_l0")),
                bhh = floats(p.get("rnn.bias_hh_l0")), hw = floats(p.get("head.weight")), hb = floats(p.get("head.bias"));
        boolean every = c.get("everyStep").asBoolean();
        double sum = 0;
        int count = 0;
        for (int b = 0; b < bsz; b++) {
            double[] hs = new double[h];
            for (int s = 0; s < t; s++) {
                double[] next = new double[h];
                for (int i = 0; i < h; i++) {
                    double a = bih[i] + bhh[i];
                    for (int j = 0; j < in; j++) a += wih[i * in + j] * x[(b * t + s) * in + j];
                    for (int j = 0; j < h; j++) a += whh[i * h + j] * hs[j];
                    next[i] = Math.tanh(a);
                }
                if (s == at && b == b0) next[unit] += nudge;
                hs = next;
                if (every || s == t - 1) {
                    for (int k = 0; k < o; k++) {
                        double out = hb[k];
                        for (int j = 0; j < h; j++) out += hw[k * h + j] * hs[j];
                        double d = out - y[(every ? b * t + s : b) * o + k];
                        sum += d * d;
                        count++;
                    }
                }
            }
        }
        return sum / count;
    }

    /**
     * The CPU's recurrence measures each step as its gradient is final, each thread its own rows. One and two threads
     * must give the same bits (a run's recorded readings must not depend on its thread count), here over one and two
     * layers, both single-gate cells, batches of whole groups of rows and not, and a step of 40 × 1,000 floats.
     */
    @Test
    void theRecurrencesMeasureEqualsTheSeparatePassBitForBit() {
        int[][] shapes = {{1, 50, 20, 30}, {2, 50, 7, 9}, {1, 33, 3, 5}, {1, 1000, 40, 2}}; // layers, hidden, batch, seq
        for (CellType cell : new CellType[] {CellType.RNN_TANH, CellType.RNN_SIGMOID}) {
            for (int[] sh : shapes) {
                SequenceModelConfig cfg = new SequenceModelConfig(cell, 3, 0, 0, sh[1], sh[0], 2, true, LossKind.MSE, sh[2], sh[3]);
                java.util.SplittableRandom data = new java.util.SplittableRandom(7);
                float[] x = new float[sh[2] * sh[3] * 3], y = new float[sh[2] * sh[3] * 2];
                for (int i = 0; i < x.length; i++) x[i] = (float) data.nextGaussian();
                for (int i = 0; i < y.length; i++) y[i] = (float) data.nextGaussian();
                double[][] sums = new double[2][];
                for (int threads = 1; threads <= 2; threads++) {
                    try (CpuBackend be = new CpuBackend(threads)) {
                        SequenceModel m = new SequenceModel(be, cfg);
                        m.params().initialize(new java.util.SplittableRandom(3));
                        m.load(x, null, y, null);
                        sums[threads - 1] = timeSums(m, null);
                        // asked for once: the next backward measures nothing
                        double[] before = sums[threads - 1].clone();
                        m.forwardBackward();
                        assertArrayEquals(before, sums[threads - 1]);
                    }
                }
                String where = cell + " " + java.util.Arrays.toString(sh);
                for (int i = 0; i < sums[0].length; i++) {
                    assertTrue(sums[0][i] > 0, where + " step " + i + " measured");
                    assertEquals(Double.doubleToRawLongBits(sums[1][i]), Double.doubleToRawLongBits(sums[0][i]),
                            where + " step " + i + ": " + sums[0][i] + " on one thread, " + sums[1][i] + " on two");
                }
            }
        }
    }

    @Test
    void tanhRnnMatchesFiniteDifferences() throws Exception {
        for (JsonNode c : fixture().get("cases")) {
            if (!c.get("cell").asText().equals("rnn") || c.get("layers").asInt() != 1) continue;
            int bsz = c.get("batch").asInt(), t = c.get("seq").asInt(), h = c.get("hidden").asInt();
            float[] got;
            try (CpuBackend be = new CpuBackend(1)) {
                SequenceModel m = build(be, c);
                got = timeNorms(timeSums(m, null));
            }
            double eps = 1e-6;
            for (int s = 0; s < t; s++) {
                double sq = 0;
                for (int b = 0; b < bsz; b++) {
                    for (int i = 0; i < h; i++) {
                        double g = (loss(c, s, i, b, eps) - loss(c, s, i, b, -eps)) / (2 * eps);
                        sq += g * g;
                    }
                }
                double fd = Math.sqrt(sq);
                assertTrue(fd > 0);
                assertEquals(fd, got[s], 2e-3 * fd, "t=" + (s + 1));
            }
            return;
        }
        throw new AssertionError("no one-layer tanh case in the fixture");
    }
}
