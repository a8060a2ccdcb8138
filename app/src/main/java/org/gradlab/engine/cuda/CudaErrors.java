package org.gradlab.engine.cuda;

/** Turns the CUresult names JCuda puts in its exception messages into sentences a user can act on. */
final class CudaErrors {
    private CudaErrors() {}

    static String describe(String cuResult, String during) {
        String r = cuResult == null ? "unknown error" : CudaProbe.firstLine(cuResult);
        if (r.contains("CUDA_ERROR_NO_DEVICE")) return "the NVIDIA driver found no CUDA device";
        if (r.contains("CUDA_ERROR_INSUFFICIENT_DRIVER") || r.contains("CUDA_ERROR_UNSUPPORTED_PTX_VERSION")) {
            return "the NVIDIA driver is too old for GradLab's kernels (CUDA 13 PTX needs driver 580 or newer; " + r + ")";
        }
        if (r.contains("CUDA_ERROR_INVALID_PTX") || r.contains("CUDA_ERROR_NO_BINARY_FOR_GPU")) {
            return "the driver rejected GradLab's PTX for this GPU (" + r + ")";
        }
        if (r.contains("CUDA_ERROR_OUT_OF_MEMORY")) return "the GPU ran out of memory while " + during;
        return "CUDA failed while " + during + " (" + r + ")";
    }
}
