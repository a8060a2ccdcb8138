// Embedding lookup and its gradient. Twins: CpuBackend.embeddingForward / embeddingBackward.
#include "common.cuh"

// out[r,:] = (accumulate ? out[r,:] : 0) + table[ids[r],:].
extern "C" __global__ void embedding_forward(const int* __restrict__ ids, int rows, const float* __restrict__ table,
                                             int dim, float* out, int accumulate) {
    GL_FOR(e, (long)rows * dim) {
        long r = e / dim;
        int j = (int)(e % dim);
        float v = table[(long)ids[r] * dim + j];
        out[e] = accumulate ? out[e] + v : v;
    }
}

// dTable[ids[r],:] += dOut[r,:]. One thread per column walks the rows in order: repeated ids land in the
// same thread, so there are no races and no float atomics (results are deterministic).
extern "C" __global__ void embedding_backward(const int* __restrict__ ids, int rows, const float* __restrict__ dOut,
                                              int dim, float* dTable) {
    GL_FOR(j, dim) {
        for (int r = 0; r < rows; r++) dTable[(long)ids[r] * dim + j] += dOut[(long)r * dim + j];
    }
}
