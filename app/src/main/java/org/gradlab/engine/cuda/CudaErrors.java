package org.gradlab.engine.cuda;

/** Turns the CUresult names JCuda puts in its exception messages into sentences a user can act on. */
final class CudaErrors {
    /** Errors after which the CUDA context is unusable for the rest of the process (the driver's "sticky" errors). */
    private static final java.util.List<String> STICKY = java.util.List.of("CUDA_ERROR_ILLEGAL_ADDRESS",
            "CUDA_ERROR_LAUNCH_FAILED", "CUDA_ERROR_ILLEGAL_INSTRUCTION", "CUDA_ERROR_MISALIGNED_ADDRESS",
            "CUDA_ERROR_INVALID_ADDRESS_SPACE", "CUDA_ERROR_INVALID_PC", "CUDA_ERROR_HARDWARE_STACK_ERROR",
            "CUDA_ERROR_ECC_UNCORRECTABLE", "CUDA_ERROR_ASSERT", "CUDA_ERROR_LAUNCH_TIMEOUT");

    private CudaErrors() {}

    static boolean outOfMemory(String cuResult) {
        return cuResult != null && cuResult.contains("CUDA_ERROR_OUT_OF_MEMORY");
    }

    static boolean sticky(String cuResult) {
        return cuResult != null && STICKY.stream().anyMatch(cuResult::contains);
    }

    static String describe(String cuResult, String during) {
        String r = cuResult == null ? "unknown error" : CudaProbe.firstLine(cuResult);
        if (r.contains("CUDA_ERROR_NO_DEVICE")) return "the NVIDIA driver found no CUDA device";
        if (r.contains("CUDA_ERROR_INSUFFICIENT_DRIVER") || r.contains("CUDA_ERROR_UNSUPPORTED_PTX_VERSION")) {
            return "the NVIDIA driver is too old for GradLab's kernels (CUDA 13 PTX needs driver 580 or newer; " + r + ")";
        }
        if (r.contains("CUDA_ERROR_INVALID_PTX") || r.contains("CUDA_ERROR_NO_BINARY_FOR_GPU")) {
            return "the driver rejected GradLab's PTX for this GPU (" + r + ")";
        }
        if (outOfMemory(r)) return "the GPU ran out of memory while " + during;
        if (sticky(r)) {
            return "a GPU kernel faulted while " + during + " (" + r + "); the GPU cannot be used again until GradLab "
                    + "restarts, so new runs train on the CPU";
        }
        return "CUDA failed while " + during + " (" + r + ")";
    }
}
