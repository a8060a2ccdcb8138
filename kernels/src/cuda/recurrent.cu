// Recurrent cell steps over `batch` rows of one time step (gate pre-activations already include biases).
// One thread per (row, hidden unit). Twins: CpuCells.
#include "common.cuh"

extern "C" __global__ void rnn_tanh_forward(int batch, int hd, const float* __restrict__ xg,
                                            const float* __restrict__ hg, float* h) {
    GL_FOR(i, (long)batch * hd) h[i] = tanhf(xg[i] + hg[i]);
}

// dPre = dh ⊙ (1 − h²).
extern "C" __global__ void rnn_tanh_backward(int batch, int hd, const float* __restrict__ h,
                                             const float* __restrict__ dh, float* dPre) {
    GL_FOR(i, (long)batch * hd) {
        float y = h[i];
        dPre[i] = dh[i] * (1.f - y * y);
    }
}

// Pascanu et al.'s "sigmoid" network: h = σ(xg + hg).
extern "C" __global__ void rnn_sigmoid_forward(int batch, int hd, const float* __restrict__ xg,
                                               const float* __restrict__ hg, float* h) {
    GL_FOR(i, (long)batch * hd) h[i] = 1.f / (1.f + expf(-(xg[i] + hg[i])));
}

// dPre = dh ⊙ h(1 − h).
extern "C" __global__ void rnn_sigmoid_backward(int batch, int hd, const float* __restrict__ h,
                                                const float* __restrict__ dh, float* dPre) {
    GL_FOR(i, (long)batch * hd) {
        float y = h[i];
        dPre[i] = dh[i] * y * (1.f - y);
    }
}

// PyTorch gate order i, f, g, o; gates keeps the activated values for the backward.
extern "C" __global__ void lstm_forward(int batch, int hd, const float* __restrict__ xg, const float* __restrict__ hg,
                                        const float* __restrict__ cPrev, float* gates, float* c, float* h) {
    GL_FOR(e, (long)batch * hd) {
        long r = e / hd;
        int j = (int)(e % hd);
        long gb = r * 4 * hd;
        float ig = gl_sigmoid(xg[gb + j] + hg[gb + j]);
        float fg = gl_sigmoid(xg[gb + hd + j] + hg[gb + hd + j]);
        float gg = tanhf(xg[gb + 2 * hd + j] + hg[gb + 2 * hd + j]);
        float og = gl_sigmoid(xg[gb + 3 * hd + j] + hg[gb + 3 * hd + j]);
        gates[gb + j] = ig;
        gates[gb + hd + j] = fg;
        gates[gb + 2 * hd + j] = gg;
        gates[gb + 3 * hd + j] = og;
        float cv = fg * cPrev[e] + ig * gg;
        c[e] = cv;
        h[e] = og * tanhf(cv);
    }
}

// Uses and updates dcCarry (the cell gradient flowing to step t−1); writes the gate pre-activation grads.
extern "C" __global__ void lstm_backward(int batch, int hd, const float* __restrict__ gates,
                                         const float* __restrict__ c, const float* __restrict__ cPrev,
                                         const float* __restrict__ dh, float* dcCarry, float* dPre) {
    GL_FOR(e, (long)batch * hd) {
        long r = e / hd;
        int j = (int)(e % hd);
        long gb = r * 4 * hd;
        float ig = gates[gb + j], fg = gates[gb + hd + j], gg = gates[gb + 2 * hd + j], og = gates[gb + 3 * hd + j];
        float tc = tanhf(c[e]);
        float dhv = dh[e];
        float dcv = dcCarry[e] + dhv * og * (1.f - tc * tc);
        dPre[gb + j] = dcv * gg * ig * (1.f - ig);
        dPre[gb + hd + j] = dcv * cPrev[e] * fg * (1.f - fg);
        dPre[gb + 2 * hd + j] = dcv * ig * (1.f - gg * gg);
        dPre[gb + 3 * hd + j] = dhv * tc * og * (1.f - og);
        dcCarry[e] = dcv * fg;
    }
}

// Gate order r, z, n: n = tanh(xn + r ⊙ hn); h = (1−z) ⊙ n + z ⊙ hPrev.
extern "C" __global__ void gru_forward(int batch, int hd, const float* __restrict__ xg, const float* __restrict__ hg,
                                       const float* __restrict__ hPrev, float* gates, float* h) {
    GL_FOR(e, (long)batch * hd) {
        long r = e / hd;
        int j = (int)(e % hd);
        long gb = r * 3 * hd;
        float rg = gl_sigmoid(xg[gb + j] + hg[gb + j]);
        float z = gl_sigmoid(xg[gb + hd + j] + hg[gb + hd + j]);
        float n = tanhf(xg[gb + 2 * hd + j] + rg * hg[gb + 2 * hd + j]);
        gates[gb + j] = rg;
        gates[gb + hd + j] = z;
        gates[gb + 2 * hd + j] = n;
        h[e] = (1.f - z) * n + z * hPrev[e];
    }
}

// Writes pre-activation grads of the input part (dPreX) and the hidden part (dPreH); adds z ⊙ dh to dhPrev.
extern "C" __global__ void gru_backward(int batch, int hd, const float* __restrict__ gates,
                                        const float* __restrict__ hg, const float* __restrict__ hPrev,
                                        const float* __restrict__ dh, float* dPreX, float* dPreH, float* dhPrev) {
    GL_FOR(e, (long)batch * hd) {
        long r = e / hd;
        int j = (int)(e % hd);
        long gb = r * 3 * hd;
        float rg = gates[gb + j], z = gates[gb + hd + j], n = gates[gb + 2 * hd + j];
        float d = dh[e];
        float dn = d * (1.f - z) * (1.f - n * n);
        float dz = d * (hPrev[e] - n) * z * (1.f - z);
        float dr = dn * hg[gb + 2 * hd + j] * rg * (1.f - rg);
        dPreX[gb + j] = dr;
        dPreX[gb + hd + j] = dz;
        dPreX[gb + 2 * hd + j] = dn;
        dPreH[gb + j] = dr;
        dPreH[gb + hd + j] = dz;
        dPreH[gb + 2 * hd + j] = dn * rg;
        dhPrev[e] += d * z;
    }
}
