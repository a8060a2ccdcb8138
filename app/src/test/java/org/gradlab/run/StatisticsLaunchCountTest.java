package org.gradlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.Backend;
import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.VectorSupport;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.Test;

/**
 * Telemetry and clipping cost a fixed number of passes over all layers together, not one per tensor: the
 * statistics-family backend calls (each one kernel launch on the GPU, see CudaBackend) are counted per step.
 */
class StatisticsLaunchCountTest {
    /**
     * An optimizer update asked to measure the weights (a {@link Backend.UpdateMeasure}): the weight norms' pass, which
     * the CPU takes in the update's own pass and a GPU as a launch after it.
     */
    static final String MEASURED_UPDATE = "measured update";
    static final Set<String> STATISTICS = Set.of("segmentStats", "segmentNormsAndDiff", "timeGradientSums", "scaleSegments",
            "clampValues", "rowSumSquares", "scaleRows", MEASURED_UPDATE);

    /**
     * The gradient through time is a pass of its own only without the Vector API: the CPU's whole-sequence LSTM
     * recurrence takes it in its loop.
     */
    private static final int TIME_PASS = VectorSupport.ENABLED ? 0 : 1;

    @Test
    void normClipWithFullTelemetryIsAtMostFourPassesPerStepWhateverTheLayerCount() {
        assertEquals(List.of(3 + TIME_PASS, 3 + TIME_PASS), passesPerStep("norm:0.001"),
                "(the gradient through time of every layer,) pre-clip stats, scale + post-clip stats, weight norms (in the update)");
    }

    @Test
    void agcIsSixPassesPerStepWhateverTheLayerCount() {
        assertEquals(List.of(5 + TIME_PASS, 5 + TIME_PASS), passesPerStep("agc:0.001"),
                "(the gradient through time,) pre-clip stats, every unit's weight and gradient norms, the row scaling, "
                        + "post-clip stats, weight norms (in the update)");
    }

    /** Statistics-family calls in one clipping step with full telemetry, for 1 and 3 layers. */
    static List<Integer> passesPerStep(String clip) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int layers : new int[] {1, 3}) {
            Map<String, Integer> calls = new TreeMap<>();
            try (CpuBackend cpu = new CpuBackend(1)) {
                Backend counting = counting(cpu, calls);
                RunConfig rc = new RunConfig("lstm", "charlm", 16, layers, 8, 16, 2, 4, 8,
                        OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-2), RunConfig.DEFAULT_INIT, 3);
                Trainer t = new Trainer(counting, rc, ClipSpec.parse(clip), NonFinitePolicy.PROPAGATE);
                t.runner().setTelemetry(true);
                t.trainStep();
                calls.clear();
                StepStats s = t.trainStep();
                assertTrue(s.clip().clipped(), clip + ": the tiny threshold clips, so the scaling pass runs too");
                assertTrue(s.histPre() != null && s.histPre().length > 0, "histograms were measured");
                assertEquals(layers * 8, s.timeGrads().length, "every layer's gradient through time");
                for (float g : s.timeGrads()) assertTrue(g > 0 && Float.isFinite(g), "a gradient through time measured: " + g);
                assertEquals(1, calls.getOrDefault(MEASURED_UPDATE, 0), "the update measures the weights");
                for (float r : s.updateRatios()) assertTrue(r > 0 && Float.isFinite(r), "an update ratio measured: " + r);
                out.add(calls.entrySet().stream().filter(e -> STATISTICS.contains(e.getKey()))
                        .mapToInt(Map.Entry::getValue).sum());
            }
        }
        return out;
    }

    /** A Backend that counts calls by method name and forwards them. */
    static Backend counting(Backend target, Map<String, Integer> calls) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, m, args) -> {
                    calls.merge(m.getName(), 1, Integer::sum);
                    if (args != null && args.length > 0 && args[args.length - 1] instanceof Backend.UpdateMeasure) {
                        calls.merge(MEASURED_UPDATE, 1, Integer::sum);
                    }
                    try {
                        return m.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void theCountingBackendSeesEveryCall() {
        Map<String, Integer> calls = new TreeMap<>();
        try (CpuBackend cpu = new CpuBackend(1)) {
            Backend b = counting(cpu, calls);
            b.fill(b.alloc(4), 0, 4, 1f);
            assertEquals(Map.of("alloc", 1, "fill", 1), calls);
            assertTrue(List.of(Backend.class.getMethods()).stream().anyMatch(m -> STATISTICS.contains(m.getName())));
        }
    }
}
