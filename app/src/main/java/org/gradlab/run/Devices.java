package org.gradlab.run;

import java.util.List;
import org.gradlab.engine.cuda.CudaProbe;

/** Device choices as the app offers them, and the line it shows about the GPU (the UI stays off the engine). */
public final class Devices {
    /** What {@link TrainingSession#open} accepts: the GPU when usable, the CPU, or the GPU or nothing. */
    public static final List<String> CHOICES = List.of("auto", "cpu", "cuda");

    /**
     * Below this batch × hidden² a vanilla RNN's step runs faster on one thread than split across cores (bench, one
     * and two threads in turn, batch 32: hidden 50, 64 and 96 faster on one — 0.73-0.83 against 0.92-1.08 ms at 64;
     * hidden 128 even at T = 64 and faster on two at T = 100). Its whole recurrence is one call with no hand-off per
     * step, so a second thread only halves each step's few rows while every other call pays for the split.
     */
    static final long SMALL_RECURRENCE = 400_000;

    private Devices() {}

    /**
     * CPU threads for training `c` when the user names none: 1 for a vanilla RNN whose batch × hidden² is under
     * {@link #SMALL_RECURRENCE} (thread counts give the same bits, so this only changes the speed), else 0, every core.
     */
    public static int defaultCpuThreads(RunConfig c) {
        return Models.vanillaRnn(c.model()) && (long) c.batch() * c.hidden() * c.hidden() < SMALL_RECURRENCE ? 1 : 0;
    }

    /** Probes once per process (the first call may take a moment where a GPU exists: the driver compiles our PTX). */
    public static String gpuLine() {
        CudaProbe.Status s = CudaProbe.status();
        return s.available() ? "GPU: " + s.device() : "GPU: not used — " + s.reason();
    }
}
