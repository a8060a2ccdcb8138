// Causal multi-head attention over qkv rows [B*T, 3d] (q | k | v; head h in columns h*dh..), probabilities
// att [B, heads, T, T]. Twin: CpuAttention. One block per (query row, batch·head) for the forward and the
// dQ pass, one block per (key row, batch·head) for dK and dV; every sum is taken by one thread in index
// order, so results are deterministic. Dynamic shared memory: (T + dh) floats.
#include "common.cuh"

extern "C" __global__ void attention_forward(int seq, int dim, int heads, const float* __restrict__ qkv,
                                             float* att, float* out) {
    extern __shared__ float sm[];
    __shared__ float red[GL_THREADS];
    int dh = dim / heads, row3 = 3 * dim;
    int i = blockIdx.x, bh = blockIdx.y, b = bh / heads, h = bh % heads;
    float* p = sm;         // [seq] scores, then probabilities
    float* q = sm + seq;   // [dh]
    const float* base = qkv + (long)b * seq * row3 + h * dh;
    for (int e = threadIdx.x; e < dh; e += blockDim.x) q[e] = base[(long)i * row3 + e];
    __syncthreads();
    float scale = rsqrtf((float)dh);
    float mx = -INFINITY;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) {
        const float* k = base + (long)j * row3 + dim;
        float s = 0.f;
        for (int e = 0; e < dh; e++) s += q[e] * k[e];
        s *= scale;
        p[j] = s;
        mx = fmaxf(mx, s);
    }
    mx = gl_block_maxf(mx, red);
    float sum = 0.f;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) {
        float ex = expf(p[j] - mx);
        p[j] = ex;
        sum += ex;
    }
    float inv = 1.f / gl_block_sumf(sum, red);
    float* a = att + ((long)bh * seq + i) * seq;
    for (int j = threadIdx.x; j < seq; j += blockDim.x) {
        float v = j <= i ? p[j] * inv : 0.f;
        if (j <= i) p[j] = v;
        a[j] = v;
    }
    __syncthreads();
    float* o = out + ((long)b * seq + i) * dim + h * dh;
    for (int e = threadIdx.x; e < dh; e += blockDim.x) {
        float s = 0.f;
        for (int j = 0; j <= i; j++) s += p[j] * base[(long)j * row3 + 2 * dim + e];
        o[e] = s;
    }
}

// Pass 1, per query row i: dP = dOut_i·Vᵀ, dS = P ⊙ (dP − Σ P·dP)·scale (kept in dS for pass 2),
// dQ_i = dS·K.
extern "C" __global__ void attention_backward_q(int seq, int dim, int heads, const float* __restrict__ qkv,
                                                const float* __restrict__ att, const float* __restrict__ dOut,
                                                float* dS, float* dqkv) {
    extern __shared__ float sm[];
    __shared__ float red[GL_THREADS];
    int dh = dim / heads, row3 = 3 * dim;
    int i = blockIdx.x, bh = blockIdx.y, b = bh / heads, h = bh % heads;
    float* ds = sm;        // [seq]
    float* g = sm + seq;   // [dh] = dOut_i
    const float* base = qkv + (long)b * seq * row3 + h * dh;
    const float* gi = dOut + ((long)b * seq + i) * dim + h * dh;
    for (int e = threadIdx.x; e < dh; e += blockDim.x) g[e] = gi[e];
    __syncthreads();
    const float* a = att + ((long)bh * seq + i) * seq;
    float dot = 0.f;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) {
        const float* v = base + (long)j * row3 + 2 * dim;
        float s = 0.f;
        for (int e = 0; e < dh; e++) s += g[e] * v[e];
        ds[j] = s;
        dot += a[j] * s;
    }
    dot = gl_block_sumf(dot, red);
    float scale = rsqrtf((float)dh);
    float* dsRow = dS + ((long)bh * seq + i) * seq;
    for (int j = threadIdx.x; j <= i; j += blockDim.x) {
        float v = a[j] * (ds[j] - dot) * scale;
        ds[j] = v;
        dsRow[j] = v;
    }
    __syncthreads();
    float* dq = dqkv + ((long)b * seq + i) * row3 + h * dh;
    for (int e = threadIdx.x; e < dh; e += blockDim.x) {
        float s = 0.f;
        for (int j = 0; j <= i; j++) s += ds[j] * base[(long)j * row3 + dim + e];
        dq[e] = s;
    }
}

// Pass 2, per key row j: dK_j = Σ_{i≥j} dS[i,j]·Q_i and dV_j = Σ_{i≥j} P[i,j]·dOut_i.
extern "C" __global__ void attention_backward_kv(int seq, int dim, int heads, const float* __restrict__ qkv,
                                                 const float* __restrict__ att, const float* __restrict__ dOut,
                                                 const float* __restrict__ dS, float* dqkv) {
    int dh = dim / heads, row3 = 3 * dim;
    int j = blockIdx.x, bh = blockIdx.y, b = bh / heads, h = bh % heads;
    const float* base = qkv + (long)b * seq * row3 + h * dh;
    const float* g0 = dOut + (long)b * seq * dim + h * dh;
    const float* dsCol = dS + (long)bh * seq * seq + j;
    const float* aCol = att + (long)bh * seq * seq + j;
    float* dk = dqkv + ((long)b * seq + j) * row3 + dim + h * dh;
    float* dv = dk + dim;
    for (int e = threadIdx.x; e < dh; e += blockDim.x) {
        float sk = 0.f, sv = 0.f;
        for (int i = j; i < seq; i++) {
            sk += dsCol[(long)i * seq] * base[(long)i * row3 + e];
            sv += aCol[(long)i * seq] * g0[(long)i * dim + e];
        }
        dk[e] = sk;
        dv[e] = sv;
    }
}
