package org.gradlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunWriter;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Trainer;
import org.gradlab.run.TrainingSession;
import org.gradlab.telemetry.StepStats;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whole training steps through the CUDA backend on the emulated device: the same losses, norms and clip
 * decisions as the CPU engine, and a device failure mid-run ends the run with a sentence, keeping the
 * recording of the steps before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmulatedTrainingTest {
    EmulatedDevice device;

    @BeforeAll
    void start() throws Exception {
        device = EmulatedDevice.startOrSkip();
    }

    @AfterAll
    void stop() {
        if (device != null) device.close();
    }

    static RunConfig config(String model) {
        return new RunConfig(model, "charlm", 24, 2, 8, 32, 2, 4, 10,
                OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 3e-3), RunConfig.DEFAULT_INIT, 5);
    }

    static List<StepStats> train(org.gradlab.engine.Backend be, String model, int steps) {
        Trainer t = new Trainer(be, config(model), ClipSpec.parse("norm:0.5"), NonFinitePolicy.PROPAGATE);
        t.runner().setTelemetry(true);
        List<StepStats> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) out.add(t.trainStep());
        return out;
    }

    @Test
    void stepsMatchTheCpuEngine() {
        for (String model : List.of("lstm", "gru", "gpt")) {
            List<StepStats> cpu, gpu;
            try (CpuBackend c = new CpuBackend(1)) {
                cpu = train(c, model, 4);
            }
            try (CudaBackend g = new CudaBackend(device)) {
                gpu = train(g, model, 4);
            }
            for (int i = 0; i < cpu.size(); i++) {
                StepStats a = cpu.get(i), b = gpu.get(i);
                assertEquals(a.loss(), b.loss(), 1e-4 * Math.abs(a.loss()), model + " loss at step " + i);
                assertEquals(a.clip().preNorm(), b.clip().preNorm(), 1e-3 * a.clip().preNorm(), model + " pre-clip norm " + i);
                assertEquals(a.clip().clipped(), b.clip().clipped(), model + " clip decision " + i);
                assertEquals(a.clip().postNorm(), b.clip().postNorm(), 1e-3 * a.clip().postNorm(), model + " post-clip norm " + i);
                long na = java.util.Arrays.stream(a.histPre()).asLongStream().sum();
                long nb = java.util.Arrays.stream(b.histPre()).asLongStream().sum();
                assertEquals(na, nb, "every gradient value counted once");
            }
        }
    }

    /** Pascanu's regulariser runs on the device through the same backend operations, to the CPU engine's numbers. */
    @Test
    void aRegularisedRnnMatchesTheCpuEngine() {
        RunConfig rc = new RunConfig("rnn", "temporal-order", 16, 1, 8, 32, 2, 4, 20,
                OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, 0.05), "smart-tanh", 5, 4.0);
        List<List<StepStats>> runs = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            try (org.gradlab.engine.Backend be = k == 2 ? new CudaBackend(device) : new CpuBackend(1)) {
                Trainer t = new Trainer(be, k == 0 ? rc.withOmega(0) : rc, ClipSpec.parse("norm:1"), NonFinitePolicy.PROPAGATE);
                t.runner().setTelemetry(true);
                List<StepStats> out = new ArrayList<>();
                for (int i = 0; i < 4; i++) out.add(t.trainStep());
                runs.add(out);
            }
        }
        List<StepStats> plain = runs.get(0), cpu = runs.get(1), gpu = runs.get(2);
        assertNotEquals(plain.get(0).clip().preNorm(), cpu.get(0).clip().preNorm(), "the regulariser is in the gradient");
        for (int i = 0; i < cpu.size(); i++) {
            StepStats a = cpu.get(i), b = gpu.get(i);
            assertEquals(a.loss(), b.loss(), 1e-4 * Math.abs(a.loss()), "loss at step " + i);
            assertEquals(a.clip().preNorm(), b.clip().preNorm(), 1e-3 * a.clip().preNorm(), "pre-clip norm " + i);
            assertEquals(a.clip().clipped(), b.clip().clipped(), "clip decision " + i);
        }
    }

    /** Sees each device call's method name before it is passed on; throwing fails that call. */
    interface Hook {
        void before(String method);
    }

    /** The device d with hook called before every operation. */
    static DeviceApi intercepted(DeviceApi d, Hook hook) {
        return (DeviceApi) java.lang.reflect.Proxy.newProxyInstance(DeviceApi.class.getClassLoader(),
                new Class<?>[] {DeviceApi.class}, (proxy, m, args) -> {
                    hook.before(m.getName());
                    try {
                        return m.invoke(d, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The emulated device, failing every launch after the first `okLaunches` as an out-of-memory GPU would. */
    static DeviceApi failingAfter(DeviceApi d, int okLaunches) {
        int[] count = {0};
        return intercepted(d, m -> {
            if (m.equals("launch") && ++count[0] > okLaunches) throw new DeviceError("CUDA_ERROR_OUT_OF_MEMORY", null);
        });
    }

    /** The emulated device with every launch failing with the given driver error. */
    static DeviceApi failing(DeviceApi d, String error) {
        return intercepted(d, m -> {
            if (m.equals("launch")) throw new DeviceError(error, null);
        });
    }

    @Test
    void aStepCopiesResultsBackOnceBeforeTheClipDecisionAndOnceAtItsEnd() {
        java.util.Map<String, Integer> calls = new java.util.TreeMap<>();
        try (CudaBackend g = new CudaBackend(intercepted(device, m -> calls.merge(m, 1, Integer::sum)), true)) {
            Trainer t = new Trainer(g, config("lstm"), ClipSpec.parse("norm:0.001"), NonFinitePolicy.PROPAGATE);
            t.runner().setTelemetry(true);
            t.trainStep();
            calls.clear();
            StepStats s = t.trainStep();
            assertTrue(s.clip().clipped() && s.histPost() != null, "clipped, with post-clip histograms");
            assertEquals(2, calls.get("download"), "loss + pre-clip statistics, then post-clip statistics + weight "
                    + "norms: " + calls);

            t.runner().setClip(ClipSpec.parse("agc:0.001"));
            t.trainStep(); // the readback area grows to hold every row norm
            calls.clear();
            t.trainStep();
            assertEquals(3, calls.get("download"), "AGC reads every tensor's row norms in one more copy: " + calls);

            t.runner().setClip(ClipSpec.parse("none"));
            t.runner().setTelemetry(false);
            calls.clear();
            s = t.trainStep();
            assertTrue(Float.isFinite(s.loss()));
            assertEquals(1, calls.get("download"), "the bare step copies back its loss only: " + calls);
        }
    }

    /** Steps of `model` taken one by one to completion (Trainer.trainStep), clipping at 0.001 (every step clips). */
    static List<StepStats> wholeSteps(org.gradlab.engine.Backend be, String model, String clip, int steps) {
        Trainer t = new Trainer(be, config(model), ClipSpec.parse(clip), NonFinitePolicy.PROPAGATE);
        List<StepStats> out = new ArrayList<>();
        for (int i = 0; i < steps; i++) out.add(t.trainStep());
        return out;
    }

    static void assertSameStep(StepStats a, StepStats b) {
        String at = "step " + a.step();
        assertEquals(a.step(), b.step());
        assertEquals(a.loss(), b.loss(), at);
        assertEquals(a.skipped(), b.skipped(), at);
        org.gradlab.clip.ClipReport x = a.clip(), y = b.clip();
        assertEquals(x.preNorm(), y.preNorm(), at);
        assertEquals(x.postNorm(), y.postNorm(), at);
        assertEquals(x.coefficient(), y.coefficient(), at);
        assertEquals(x.clippedParts(), y.clippedParts(), at);
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.tensorPost(), y.tensorPost(), at);
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.layerPost(), y.layerPost(), at);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.weightNorms(), b.weightNorms(), at);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.updateRatios(), b.updateRatios(), at);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.histPre(), b.histPre(), at);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.histPost(), b.histPost(), at);
    }

    @Test
    void queuedStepsCompleteWithTheNextStepsOneCopyAndMatchWholeSteps() {
        for (String clip : List.of("norm:0.001", "agc:0.001")) {
            List<StepStats> whole;
            try (CudaBackend g = new CudaBackend(device, false)) {
                whole = wholeSteps(g, "gru", clip, 4);
            }
            int copies = clip.startsWith("agc") ? 2 : 1; // AGC reads its row norms in a copy of their own
            java.util.Map<String, Integer> calls = new java.util.TreeMap<>();
            try (CudaBackend g = new CudaBackend(intercepted(device, m -> calls.merge(m, 1, Integer::sum)), false)) {
                Trainer t = new Trainer(g, config("gru"), ClipSpec.parse(clip), NonFinitePolicy.PROPAGATE);
                List<StepStats> queued = new ArrayList<>();
                t.queueStep(null);
                assertEquals(List.of(), t.runner().completed(), "step 0's post-clip statistics are still on the device");
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, t::trainStep,
                        "a whole step refuses to run while a queued one waits");
                for (int i = 1; i < 4; i++) {
                    if (i == 2) calls.clear(); // from the third step on, the readback area has its full size
                    t.queueStep(null);
                    if (i >= 2) assertEquals(copies, calls.get("download"), clip + ": copies in step " + i + ": " + calls);
                    calls.clear();
                    List<StepStats> done = t.runner().completed();
                    assertEquals(1, done.size(), "the previous step completed with this step's copy");
                    assertEquals(i - 1, done.get(0).step());
                    queued.addAll(done);
                }
                queued.addAll(t.runner().drain());
                assertEquals(1, calls.get("download"), "draining the last step is one copy");
                assertEquals(List.of(), t.runner().drain(), "nothing is left");
                for (int i = 0; i < 4; i++) assertSameStep(whole.get(i), queued.get(i));
            }
        }
        try (CpuBackend c = new CpuBackend(1)) {
            Trainer t = new Trainer(c, config("gru"), ClipSpec.parse("norm:0.001"), NonFinitePolicy.PROPAGATE);
            t.queueStep(null);
            assertEquals(1, t.runner().completed().size(), "the CPU fills results at once: nothing waits");
        }
    }

    /** A listener that passes every step handed out to `step` (and ignores events). */
    static org.gradlab.run.SessionListener onSteps(java.util.function.Consumer<StepStats> step) {
        return new org.gradlab.run.SessionListener() {
            @Override public void onStep(StepStats st) { step.accept(st); }
            @Override public void onEvent(org.gradlab.run.RunEvent e) { }
        };
    }

    @Test
    void aPausedSessionHasHandedOutEveryStepAndAClipChangeGovernsTheStepsAfterIt() throws Exception {
        SessionConfig sc = new SessionConfig(config("gru"), ClipSpec.parse("norm:0.001"), NonFinitePolicy.PROPAGATE, 10,
                List.of(), 0, true);
        List<StepStats> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CudaBackend g = new CudaBackend(device, true); TrainingSession s = new TrainingSession(g, sc)) {
            s.addListener(onSteps(seen::add));
            s.start(true);
            awaitPausedAt(s, s.submit(new org.gradlab.run.Command.Step(3)), 3);
            assertEquals(org.gradlab.run.SessionState.PAUSED, s.state());
            assertEquals(List.of(0L, 1L, 2L), seen.stream().map(StepStats::step).toList(),
                    "every step taken reached the listeners before the pause");
            assertEquals(3, s.step(), "the stream has handed out the step it paused at");
            s.submit(new org.gradlab.run.Command.SetClip(ClipSpec.parse("norm:1000")));
            awaitPausedAt(s, s.submit(new org.gradlab.run.Command.Step(3)), 6);
        }
        assertEquals(6, seen.size());
        for (StepStats st : seen) {
            boolean before = st.step() < 3;
            assertEquals(before ? 0.001f : 1000f, (float) st.clip().threshold(), "threshold in force at step " + st.step());
            assertEquals(before, st.clip().clipped(), "clipped at step " + st.step());
        }
    }

    static void awaitPausedAt(TrainingSession s, java.util.concurrent.CompletableFuture<Long> answer, long step) throws Exception {
        assertEquals(step, answer.get(120, TimeUnit.SECONDS), "the command answers with the step it paused at");
        assertEquals(step, s.step());
    }

    @Test
    void aRunStoppedByANonFiniteGradientHandsOutTheStepsBeforeItAndItself() throws Exception {
        // an infinite gradient spike at step 2 stops the run there (the policy is decided after step 2's copy,
        // which is also the copy that completed step 1)
        SessionConfig sc = new SessionConfig(config("gru"), ClipSpec.parse("norm:0.001"), NonFinitePolicy.STOP, 10,
                List.of(new org.gradlab.run.Spike(2, org.gradlab.run.Spike.Kind.GRAD, 1e300)), 0, true);
        List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (CudaBackend g = new CudaBackend(device, false); TrainingSession s = new TrainingSession(g, sc)) {
            s.addListener(onSteps(st -> seen.add(st.step())));
            s.start(false);
            assertTrue(s.await(120, TimeUnit.SECONDS));
            assertEquals(org.gradlab.run.SessionState.STOPPED, s.state());
            assertTrue(s.failure().startsWith("step 2: "), s.failure());
            assertEquals(List.of(0L, 1L, 2L), seen, "every step before it, and the stopping step itself (without its update)");
        }
    }

    @Test
    void aDeviceFailureEndsTheRunWithASentenceAndKeepsTheRecording(@TempDir Path tmp) throws Exception {
        int perStep;
        // count one step's launches, then fail in the middle of the fourth step
        int[] launches = {0};
        DeviceApi counting = intercepted(device, m -> {
            if (m.equals("launch")) launches[0]++;
        });
        try (CudaBackend g = new CudaBackend(counting, false)) {
            Trainer t = new Trainer(g, config("lstm"), ClipSpec.parse("norm:0.5"), NonFinitePolicy.PROPAGATE);
            t.trainStep();
            int before = launches[0];
            t.trainStep();
            perStep = launches[0] - before;
        }
        Path dir = tmp.resolve("run");
        SessionConfig sc = new SessionConfig(config("lstm"), ClipSpec.parse("norm:0.5"), NonFinitePolicy.PROPAGATE, 10,
                List.of(), 0, true);
        CudaBackend failing = new CudaBackend(failingAfter(device, perStep * 3 + perStep / 2 + 40), false);
        TrainingSession s = new TrainingSession(failing, sc);
        RunWriter w = RunWriter.create(dir, RunManifest.create(sc, s.layout(), null));
        s.addListener(w);
        s.start(false);
        assertTrue(s.await(120, TimeUnit.SECONDS));
        w.close();
        failing.close();
        assertEquals(org.gradlab.run.SessionState.FAILED, s.state());
        assertTrue(s.failure().startsWith("the GPU ran out of memory while running kernel "), s.failure());
        assertTrue(s.failure().contains("--device cpu"), "says what to do: " + s.failure());
        try (RunReader r = RunReader.open(dir)) {
            assertEquals(3, r.stepCount(), "the three completed steps are recorded");
            assertEquals(2, r.step(2).step());
        }
    }

    @Test
    void aKernelFaultSaysTheGpuIsLostAndNewRunsUseTheCpu() throws Exception {
        CudaProbe.Status before = CudaProbe.status();
        try (CudaBackend g = new CudaBackend(failing(device, "CUDA_ERROR_ILLEGAL_ADDRESS"), false)) {
            org.gradlab.engine.DeviceFailure f = org.junit.jupiter.api.Assertions.assertThrows(
                    org.gradlab.engine.DeviceFailure.class, () -> train(g, "gru", 1));
            assertTrue(f.getMessage().startsWith("a GPU kernel faulted while running kernel "), f.getMessage());
            assertTrue(f.getMessage().contains("until GradLab restarts"), f.getMessage());
            CudaProbe.Status after = CudaProbe.status();
            assertTrue(!after.available() && after.reason().startsWith("the GPU failed earlier in this session (CUDA_ERROR_ILLEGAL_ADDRESS)"),
                    after.reason());
            try (var auto = org.gradlab.engine.Backends.open(org.gradlab.engine.DeviceChoice.AUTO, 1).backend()) {
                assertTrue(auto instanceof CpuBackend, "auto falls back to the CPU after the fault");
            }
        } finally {
            CudaProbe.reset();
            assertEquals(before.available(), CudaProbe.status().available());
        }
    }

    @Test
    void graphReplaysGiveTheSameStepsAsPlainLaunches() {
        List<StepStats> plain, graphed;
        try (CudaBackend g = new CudaBackend(device, false)) {
            plain = train(g, "lstm", 5);
        }
        long replaysBefore = device.graphReplays();
        try (CudaBackend g = new CudaBackend(device, true)) {
            assertTrue(g.name().endsWith(", graphs)"), g.name());
            graphed = train(g, "lstm", 5);
            assertTrue(g.graphs().graphLaunches() >= 3, "forward + backward replay as one graph per step from the third: "
                    + g.graphs().graphLaunches());
            assertEquals(null, g.graphs().brokenReason());
            assertEquals(g.graphs().graphLaunches() + " graph replays, " + g.graphs().plainLaunches() + " plain launches",
                    g.counters(), "the bench shows these next to its timings");
        }
        assertTrue(device.graphReplays() > replaysBefore);
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).loss(), graphed.get(i).loss(), "bit-identical loss at step " + i);
            assertEquals(plain.get(i).clip().preNorm(), graphed.get(i).clip().preNorm(), "bit-identical norm at step " + i);
        }
    }

    @Test
    void aFailedCaptureFallsBackToPlainLaunches() {
        DeviceApi noCapture = intercepted(device, m -> {
            if (m.equals("captureGraph")) throw new DeviceError("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", null);
        });
        List<StepStats> plain;
        try (CudaBackend g = new CudaBackend(device, false)) {
            plain = train(g, "gru", 3);
        }
        try (CudaBackend g = new CudaBackend(noCapture, true)) {
            List<StepStats> fallback = train(g, "gru", 3);
            assertEquals("CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED", g.graphs().brokenReason());
            assertEquals(0, g.graphs().graphLaunches());
            for (int i = 0; i < plain.size(); i++) assertEquals(plain.get(i).loss(), fallback.get(i).loss());
        }
    }
}
