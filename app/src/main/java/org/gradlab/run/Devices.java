package org.gradlab.run;

import java.util.List;
import org.gradlab.engine.cuda.CudaProbe;

/** Device choices as the app offers them, and the line it shows about the GPU (the UI stays off the engine). */
public final class Devices {
    /** What {@link TrainingSession#open} accepts: the GPU when usable, the CPU, or the GPU or nothing. */
    public static final List<String> CHOICES = List.of("auto", "cpu", "cuda");

    private Devices() {}

    /** Probes once per process (the first call may take a moment where a GPU exists: the driver compiles our PTX). */
    public static String gpuLine() {
        CudaProbe.Status s = CudaProbe.status();
        return s.available() ? "GPU: " + s.device() : "GPU: not used — " + s.reason();
    }
}
