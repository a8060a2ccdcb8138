package org.gradlab.ui.vm;

import org.gradlab.record.RunManifest;

import java.util.List;

/**
 * A recurrent run's own readings over training: ‖∂L/∂h_t‖ for every recurrent layer and time step t (one
 * min/max store per (layer, t), so a heatmap column shows the true extremes of every step it covers) and
 * the spectral radius of each recurrent matrix on the steps it was measured, with the line ρ = 1 beside it.
 */
public final class ThroughTime {
    /** Enough buckets for any heatmap width; T stores per layer, so fewer than the scalars get. */
    static final int CAPACITY = 1024, RECENT = 2048;

    private final RunManifest.Recurrent shape;
    private final SeriesStore[][] norms;
    private final SeriesStore[] radii;
    private final SeriesStore one = new SeriesStore(RunViewModel.CAPACITY);
    private float[] latest;
    private long latestStep = -1;

    public ThroughTime(RunManifest.Recurrent shape) {
        this.shape = shape;
        norms = new SeriesStore[shape.layers().size()][shape.steps()];
        for (SeriesStore[] layer : norms) for (int t = 0; t < layer.length; t++) layer[t] = new SeriesStore(CAPACITY, RECENT);
        radii = new SeriesStore[shape.matrices().size()];
        for (int m = 0; m < radii.length; m++) radii[m] = new SeriesStore(RunViewModel.CAPACITY);
    }

    public List<String> layers() { return shape.layers(); }
    public int steps() { return shape.steps(); }
    public List<String> matrices() { return shape.matrices(); }

    /** Zoomed windows that d covers are drawn from its finer stores (a replay's detail read); null detaches. */
    void setDetail(ThroughTime d) {
        for (int l = 0; l < norms.length; l++) {
            for (int t = 0; t < norms[l].length; t++) {
                norms[l][t].setDetail(d == null || l >= d.norms.length || t >= d.norms[l].length ? null : d.norms[l][t]);
            }
        }
    }

    /** ‖∂L/∂h_{t+1}‖ of layer l over training (t 0-based). */
    public SeriesStore norm(int layer, int t) { return norms[layer][t]; }
    public SeriesStore radius(int m) { return radii[m]; }
    /** 1 at every step a radius was measured: the line between fading and growing. */
    public SeriesStore one() { return one; }

    /** The newest step's ‖∂L/∂h_t‖ (layer-major), or null before the first. */
    public float[] latest() { return latest; }
    public long latestStep() { return latestStep; }

    /** A step's readings; either may be null (not measured at this step). */
    public void append(long k, float[] timeGrads, float[] rho) {
        if (timeGrads != null && timeGrads.length == norms.length * shape.steps()) {
            for (int l = 0; l < norms.length; l++) {
                for (int t = 0; t < shape.steps(); t++) norms[l][t].append(k, timeGrads[l * shape.steps() + t]);
            }
            latest = timeGrads;
            latestStep = k;
        }
        if (rho != null && rho.length == radii.length) {
            for (int m = 0; m < radii.length; m++) radii[m].append(k, rho[m]);
            one.append(k, 1f);
        }
    }
}
