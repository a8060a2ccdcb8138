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

// dTable[ids[r],:] += dOut[r,:] for a table of `vocab` rows. One thread per table entry (v, j) adds the rows
// with id v in row order: repeated ids never race, no float atomics (deterministic), and no thread waits on
// its own stores (a thread per column read-modify-writing the table row by row waits an L2 round trip per
// row). Work grows with vocab × rows, so the backend uses it for small tables (characters, positions).
extern "C" __global__ void embedding_backward(const int* __restrict__ ids, int rows, const float* __restrict__ dOut,
                                              int dim, int vocab, float* dTable) {
    GL_FOR(e, (long)vocab * dim) {
        int v = (int)(e / dim), j = (int)(e % dim);
        float s = 0.f;
        bool any = false;
        for (int r = 0; r < rows; r++) {
            if (ids[r] == v) {
                s += dOut[(long)r * dim + j];
                any = true;
            }
        }
        if (any) dTable[e] += s;  // rows no id touches keep their bits (even −0)
    }
}

// The same for large tables: one thread per column walks the rows in order.
extern "C" __global__ void embedding_backward_columns(const int* __restrict__ ids, int rows,
                                                      const float* __restrict__ dOut, int dim, float* dTable) {
    GL_FOR(j, dim) {
        for (int r = 0; r < rows; r++) dTable[(long)ids[r] * dim + j] += dOut[(long)r * dim + j];
    }
}
