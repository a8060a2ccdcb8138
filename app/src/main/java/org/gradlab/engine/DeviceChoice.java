package org.gradlab.engine;

import java.util.Locale;

/** Where a run trains: the CPU engine, the CUDA GPU, or the GPU when one is usable and the CPU otherwise. */
public enum DeviceChoice {
    CPU, CUDA, AUTO;

    /** "cpu", "cuda" (or "gpu") or "auto", any case. */
    public static DeviceChoice parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "cpu" -> CPU;
            case "cuda", "gpu" -> CUDA;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException("device must be cpu, cuda or auto, not '" + text + "'");
        };
    }
}
