package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** Vector-API halves of {@link Activations}; loaded only when the incubator module is present. */
final class VectorActivations {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final FloatVector ONE = VectorMath.ONE, TWO = VectorMath.c(2f);

    private VectorActivations() {}

    static void sigmoid(float[] x, int off, int n) {
        int i = off, end = off + n;
        for (; i + S.length() <= end; i += S.length()) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            ONE.div(VectorMath.exp(v.neg()).add(1f)).intoArray(x, i);
        }
        for (; i < end; i++) x[i] = Activations.sigmoid(x[i]);
    }

    static void tanh(float[] x, int off, int n) {
        int i = off, end = off + n;
        for (; i + S.length() <= end; i += S.length()) {
            tanh(FloatVector.fromArray(S, x, i)).intoArray(x, i);
        }
        for (; i < end; i++) x[i] = Activations.tanh(x[i]);
    }

    /** 1 − 2/(e^{2v} + 1) per lane: the vector half of {@link Activations#tanh(float)}. */
    static FloatVector tanh(FloatVector v) {
        return ONE.sub(TWO.div(VectorMath.exp(v.mul(2f)).add(1f)));
    }
}
