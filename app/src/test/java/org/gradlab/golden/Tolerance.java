package org.gradlab.golden;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * The fixture tolerances: per tensor ‖ours − ref‖ / ‖ref‖ ≤ rel, and per element
 * |ours − ref| ≤ elemRel·|ref| + elemAbs. Non-finite reference values must be matched exactly in kind.
 */
public final class Tolerance {
    private Tolerance() {}

    public static void assertClose(String what, double[] ref, float[] ours, double rel, double elemRel, double elemAbs) {
        if (ref.length != ours.length) fail(what + ": length " + ours.length + " != reference " + ref.length);
        double diff = 0, norm = 0;
        for (int i = 0; i < ref.length; i++) {
            double r = ref[i], o = ours[i];
            if (!Double.isFinite(r) || !Double.isFinite(o)) {
                boolean same = Double.isNaN(r) ? Double.isNaN(o) : r == o;
                if (!same) fail(what + "[" + i + "]: got " + o + ", reference " + r);
                continue;
            }
            double e = Math.abs(o - r);
            diff += e * e;
            norm += r * r;
            if (e > elemRel * Math.abs(r) + elemAbs) {
                fail(what + "[" + i + "]: got " + o + ", reference " + r + " (|diff| " + e + ")");
            }
        }
        double relErr = norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
        if (relErr > rel) fail(what + ": relative error " + relErr + " > " + rel);
    }

    public static void assertScalar(String what, double ref, double ours, double rel) {
        if (!Double.isFinite(ref)) {
            boolean same = Double.isNaN(ref) ? Double.isNaN(ours) : ref == ours;
            if (!same) fail(what + ": got " + ours + ", reference " + ref);
            return;
        }
        double e = Math.abs(ours - ref);
        if (e > rel * Math.max(Math.abs(ref), 1e-30)) fail(what + ": got " + ours + ", reference " + ref + " (rel " + e / Math.abs(ref) + ")");
    }
}
