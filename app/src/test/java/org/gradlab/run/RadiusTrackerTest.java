package org.gradlab.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The spectral radius measured while training against torch.linalg.eigvals on the fixture's matrices (written by
 * make_time_gradients.py): the first, cold measurement and the warm ones after the matrix moves a little.
 */
class RadiusTrackerTest {
    @Test
    void coldAndWarmMeasurementsAreWithinOnePercentOfTheEigenvalues() throws Exception {
        JsonNode fix;
        try (InputStream in = getClass().getResourceAsStream("/timegrad/time_gradients.json")) {
            fix = new ObjectMapper().readTree(in);
        }
        int checked = 0;
        for (JsonNode r : fix.get("radii")) {
            int n = r.get("n").asInt();
            ParamLayout.Builder b = new ParamLayout.Builder();
            b.add("rnn.weight_ih_l0", "rnn.l0", InitRule.uniform(1), n, 3);
            b.add("rnn.weight_hh_l0", "rnn.l0", InitRule.uniform(1), n, n);
            b.add("rnn.bias_hh_l0", "rnn.l0", InitRule.uniform(1), n);
            ParamLayout layout = b.build();
            assertEquals(List.of("rnn.weight_hh_l0"), RadiusTracker.names(layout));
            float[] params = new float[layout.totalSize()];
            JsonNode m = r.get("matrix");
            int off = 3 * n;
            for (int i = 0; i < n * n; i++) params[off + i] = (float) m.get(i).asDouble();
            RadiusTracker t = new RadiusTracker(layout);
            double rho = r.get("rho").asDouble();
            float first = t.measure(params)[0];
            assertEquals(rho, first, 0.01 * rho, r.get("name").asText() + " cold");
            // the tracker's vector product adds each row's sum as the scalar estimate's does: the same bits
            double[] rows = new double[n * n];
            for (int i = 0; i < rows.length; i++) rows[i] = params[off + i];
            assertEquals(Float.floatToRawIntBits((float) org.gradlab.task.SpectralRadius.estimate(rows, n)), Float.floatToRawIntBits(first),
                    r.get("name").asText() + " cold, against the scalar estimate");
            // training moves the matrix a little between measurements: the warm start follows it
            Random rnd = new Random(3);
            for (int k = 0; k < 3; k++) {
                for (int i = 0; i < n * n; i++) params[off + i] *= (float) (1 + 1e-3 * rnd.nextGaussian());
                float warm = t.measure(params)[0];
                assertEquals(rho, warm, 0.02 * rho, r.get("name").asText() + " warm " + k);
                double[] a = new double[n * n];
                for (int i = 0; i < a.length; i++) a[i] = params[off + i];
                double cold = org.gradlab.task.SpectralRadius.estimate(a, n);
                assertEquals(cold, warm, 0.01 * cold, r.get("name").asText() + " warm vs a cold estimate " + k);
            }
            checked++;
        }
        assertTrue(checked >= 4);
    }

    @Test
    void gatedCellsHaveNoSquareRecurrentMatrix() {
        ParamLayout.Builder b = new ParamLayout.Builder();
        b.add("rnn.weight_hh_l0", "rnn.l0", InitRule.uniform(1), 4 * 8, 8);
        assertTrue(RadiusTracker.names(b.build()).isEmpty());
        assertTrue(!new RadiusTracker(b.build()).any());
    }
}
