package org.gradlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.SplittableRandom;
import org.gradlab.engine.Backend;
import org.gradlab.engine.CpuBackend;
import org.junit.jupiter.api.Test;

/**
 * On a GPU every backend call is a kernel launch, and a recurrent layer's launches grow with the sequence:
 * per time step it costs exactly four — the hidden GEMM (its bias added in the same pass) and the cell,
 * forward and backward. Everything else is done once per sequence. The CPU backend runs a layer's whole
 * recurrence in one call each way (a single-gate RNN's always; an LSTM's or GRU's on one thread, as here, or
 * where the batch splits into whole shares), so there its calls do not grow with the sequence at all.
 */
class RecurrentLaunchCountTest {
    @Test
    void eachTimeStepCostsFourBackendCallsPerLayer() {
        for (CellType cell : CellType.values()) {
            for (int layers : new int[] {1, 2}) {
                int shortRun = callsPerStep(cell, layers, 8, true), longRun = callsPerStep(cell, layers, 16, true);
                assertEquals(4 * 8 * layers, longRun - shortRun, cell + ", " + layers + " layer(s)");
            }
        }
    }

    @Test
    void theCpuRunsEachRecurrenceInOneCallEachWay() {
        for (CellType cell : CellType.values()) {
            int shortRun = callsPerStep(cell, 2, 8, false), longRun = callsPerStep(cell, 2, 16, false);
            assertEquals(0, longRun - shortRun, cell.toString());
        }
    }

    /**
     * Backend calls of one forward + backward of a small token model; with `stepwise` the backend's default methods
     * (the whole-sequence ones among them) run as their defaults, as on a backend without its own (the GPU's), and
     * the calls they make count instead of them.
     */
    static int callsPerStep(CellType cell, int layers, int seq, boolean stepwise) {
        int[] calls = {0};
        try (CpuBackend cpu = new CpuBackend(1)) {
            Backend counting = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(),
                    new Class<?>[] {Backend.class}, (proxy, m, args) -> {
                        // a default method is no launch of its own: it is made of the calls it makes (counted)
                        if (stepwise && m.isDefault()) return java.lang.reflect.InvocationHandler.invokeDefault(proxy, m, args);
                        calls[0]++;
                        try {
                            return m.invoke(cpu, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            int batch = 3, vocab = 11;
            SequenceModel m = new SequenceModel(counting, new SequenceModelConfig(cell, 0, vocab, 4, 6, layers, vocab,
                    true, LossKind.CROSS_ENTROPY, batch, seq));
            m.params().initialize(new SplittableRandom(1));
            int[] ids = new int[batch * seq];
            for (int i = 0; i < ids.length; i++) ids[i] = i % vocab;
            m.load(null, ids, null, ids);
            calls[0] = 0;
            m.forwardBackward();
            return calls[0];
        }
    }
}
