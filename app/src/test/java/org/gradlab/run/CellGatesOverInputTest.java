package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.Backend;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.Optimizer;
import org.gradlab.optim.OptimizerConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CPU's LSTM and GRU cells write a step's gates over its input projection (Backend#cellGatesOverInput):
 * training must give the same bits as with the gates in a buffer of their own.
 */
class CellGatesOverInputTest {
    @Test
    void gatesOverTheInputProjectionTrainBitForBitAsInTheirOwnBuffer() {
        for (String anchor : new String[] {"lstm-h16-t4", "gru-h16-t4", "lstm-h40-t7"}) {
            for (int threads : new int[] {1, 2}) {
                try (CpuBackend cpu = new CpuBackend(threads)) {
                    assertTrue(cpu.cellGatesOverInput());
                    float[] over = train(cpu, anchor), apart = train(separateGates(cpu), anchor);
                    assertEquals(over.length, apart.length);
                    assertArrayEquals(apart, over, anchor + " on " + threads + " threads");
                }
            }
        }
    }

    /** Parameters after four clipped Adam steps. */
    private static float[] train(Backend be, String anchor) {
        AnchorModels.Anchor a = AnchorModels.create(anchor, be, 3);
        Optimizer opt = new Optimizer(a.model().params(), OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-2));
        StepRunner r = new StepRunner(a.model(), opt, ClipSpec.parse("norm:1.0"), NonFinitePolicy.PROPAGATE);
        for (long k = 0; k < 4; k++) r.run(k, a.batches().apply(k));
        float[] p = new float[a.model().params().size()];
        be.download(a.model().params().params(), 0, p, 0, p.length);
        return p;
    }

    /** The same backend, except that it asks for the gates in a buffer of their own. */
    private static Backend separateGates(Backend inner) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("cellGatesOverInput")) return false;
            try {
                return m.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
