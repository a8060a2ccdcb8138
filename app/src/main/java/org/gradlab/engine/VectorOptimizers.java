package org.gradlab.engine;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ParamUpdate}'s loops a float vector at a time: each lane does the scalar loop's operations in its order
 * (multiplies and adds apart, a correctly rounded square root and divide), so the bits are the scalar loop's. C2 left
 * the scalar Adam loop scalar (its square root taken in double): the GRU anchor's 663k weights took ~760 µs a step.
 */
final class VectorOptimizers {
    private static final VectorSpecies<Float> S = VectorGemm.S;

    private VectorOptimizers() {}

    /** SGD over the whole vectors of [from, to); returns where they end. */
    static int sgd(ParamUpdate u, int from, int to) {
        float[] p = u.p, g = u.g, buf = u.m;
        FloatVector lr = FloatVector.broadcast(S, u.lr), wd = FloatVector.broadcast(S, u.wd);
        FloatVector mom = FloatVector.broadcast(S, u.momentum), keep = FloatVector.broadcast(S, 1f - u.dampening);
        boolean decay = u.wd != 0f, momentum = u.momentum != 0f;
        int i = from, l = S.length();
        for (; i + l <= to; i += l) {
            FloatVector w = FloatVector.fromArray(S, p, i), d = FloatVector.fromArray(S, g, i);
            if (decay) d = d.add(wd.mul(w));
            if (momentum) {
                FloatVector b = u.first ? d : mom.mul(FloatVector.fromArray(S, buf, i)).add(keep.mul(d));
                b.intoArray(buf, i);
                d = u.nesterov ? d.add(mom.mul(b)) : b;
            }
            w.sub(lr.mul(d)).intoArray(p, i);
        }
        return i;
    }

    /** Adam (AdamW when u.decoupled) over the whole vectors of [from, to); returns where they end. */
    static int adam(ParamUpdate u, int from, int to) {
        float[] p = u.p, g = u.g, m = u.m, v = u.v;
        FloatVector b1 = FloatVector.broadcast(S, u.b1), c1 = FloatVector.broadcast(S, 1f - u.b1);
        FloatVector b2 = FloatVector.broadcast(S, u.b2), c2 = FloatVector.broadcast(S, 1f - u.b2);
        FloatVector step = FloatVector.broadcast(S, u.stepSize), root = FloatVector.broadcast(S, u.sqrtBc2);
        FloatVector eps = FloatVector.broadcast(S, u.eps), wd = FloatVector.broadcast(S, u.wd);
        FloatVector decay = FloatVector.broadcast(S, u.decay);
        boolean coupled = !u.decoupled && u.wd != 0f, decoupled = u.decoupled;
        int i = from, l = S.length();
        for (; i + l <= to; i += l) {
            FloatVector w = FloatVector.fromArray(S, p, i), d = FloatVector.fromArray(S, g, i);
            if (coupled) d = d.add(wd.mul(w));
            if (decoupled) w = w.mul(decay);
            FloatVector mi = b1.mul(FloatVector.fromArray(S, m, i)).add(c1.mul(d));
            FloatVector vi = b2.mul(FloatVector.fromArray(S, v, i)).add(c2.mul(d).mul(d));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            w.sub(step.mul(mi).div(vi.sqrt().div(root).add(eps))).intoArray(p, i);
        }
        return i;
    }
}
