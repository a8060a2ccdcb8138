package org.gradlab.engine;

/** Floats for lane-math tests that must hold for every float, not just the usual ones. */
final class FloatPatterns {
    private FloatPatterns() {}

    /** One float in every `stride` bit patterns (an odd stride meets every exponent and sign, NaN payloads included). */
    static float[] spread(int stride) {
        float[] out = new float[(int) ((1L << 32) / stride) + 1];
        int k = 0;
        for (long bits = 0; bits < 1L << 32; bits += stride) out[k++] = Float.intBitsToFloat((int) bits);
        return java.util.Arrays.copyOf(out, k);
    }
}
