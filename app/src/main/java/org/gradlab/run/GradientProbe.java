package org.gradlab.run;

import org.gradlab.engine.Backend;

/** Gradient norms of chosen batches at chosen states, without training: what a batch probe measures. */
public final class GradientProbe {
    private GradientProbe() {}

    /**
     * The pre-clip global L2 norm of batch `batch` at the state `at` of a run with config `sc` (with a data
     * spike's change applied to the batch, when given).
     */
    public static double norm(Backend be, SessionConfig sc, Snapshot at, long batch, Spike dataSpike) {
        Trainer t = new Trainer(be, sc.run(), sc.clip(), sc.nonFinite());
        t.restore(at);
        t.runner().setTelemetry(false);
        return t.gradientNorm(batch, dataSpike);
    }

    /** The norms of several batches at one state, on a backend of its own for the device ("cpu", "cuda", "auto"). */
    public static double[] norms(String device, SessionConfig sc, Snapshot at, long[] batches, Spike[] dataSpikes) {
        org.gradlab.engine.Backends.Opened o;
        try {
            o = org.gradlab.engine.Backends.open(org.gradlab.engine.DeviceChoice.parse(device), 0);
        } catch (org.gradlab.engine.Backends.Unavailable e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        try (Backend be = o.backend()) {
            Trainer t = new Trainer(be, sc.run(), sc.clip(), sc.nonFinite());
            t.restore(at);
            t.runner().setTelemetry(false);
            double[] out = new double[batches.length];
            for (int i = 0; i < batches.length; i++) out[i] = t.gradientNorm(batches[i], dataSpikes[i]);
            return out;
        }
    }
}
