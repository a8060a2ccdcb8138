package org.gradlab.overview;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * A recurrent run's own readings over training: ‖∂L/∂h_t‖ for every recurrent layer and time step t (one
 * min/max store per (layer, t), so a heatmap column shows the true extremes of every step it covers) and
 * the spectral radius of each recurrent matrix on the steps it was measured, with the line ρ = 1 beside it.
 */
public final class ThroughTime {
    /** Enough buckets for any heatmap width; T stores per layer, so fewer than the scalars get. */
    static final int CAPACITY = 1024, RECENT = 2048;
    /** Buckets of the radius series (as many as a scalar series gets). */
    static final int RADIUS_CAPACITY = 4096;

    private final List<String> layers, matrices;
    private final int steps;
    private final SeriesStore[][] norms;
    private final SeriesStore[] radii;
    private SeriesStore one = new SeriesStore(RADIUS_CAPACITY);
    private float[] latest;
    private long latestStep = -1;

    /** recent: whether the latest steps are also kept one per bucket (live), or a zoom reads records (replay). */
    public ThroughTime(List<String> layers, int steps, List<String> matrices, boolean recent) {
        this.layers = List.copyOf(layers);
        this.steps = steps;
        this.matrices = List.copyOf(matrices);
        norms = new SeriesStore[layers.size()][steps];
        for (SeriesStore[] layer : norms) for (int t = 0; t < layer.length; t++) layer[t] = new SeriesStore(CAPACITY, recent ? RECENT : 0);
        radii = new SeriesStore[matrices.size()];
        for (int m = 0; m < radii.length; m++) radii[m] = new SeriesStore(RADIUS_CAPACITY);
    }

    public List<String> layers() { return layers; }
    public int steps() { return steps; }
    public List<String> matrices() { return matrices; }

    /** Zoomed windows that d covers are drawn from its finer stores (a replay's detail read); null detaches. */
    public void setDetail(ThroughTime d) {
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
        if (timeGrads != null && timeGrads.length == norms.length * steps) {
            for (int l = 0; l < norms.length; l++) {
                for (int t = 0; t < steps; t++) norms[l][t].append(k, timeGrads[l * steps + t]);
            }
            latest = timeGrads;
            latestStep = k;
        }
        if (rho != null && rho.length == radii.length) {
            for (int m = 0; m < radii.length; m++) radii[m].append(k, rho[m]);
            one.append(k, 1f);
        }
    }

    /** The stores (not the recent or detail ones) for a run's summary file. */
    void write(DataOutput out) throws IOException {
        for (SeriesStore[] layer : norms) for (SeriesStore s : layer) s.write(out);
        for (SeriesStore s : radii) s.write(out);
        one.write(out);
        out.writeLong(latestStep);
        out.writeBoolean(latest != null);
        if (latest != null) for (float v : latest) out.writeFloat(v);
    }

    /** Reads what {@link #write} wrote into this (freshly made, same shape) one. */
    void read(DataInput in) throws IOException {
        for (SeriesStore[] layer : norms) for (int t = 0; t < layer.length; t++) layer[t] = SeriesStore.read(in, CAPACITY);
        for (int m = 0; m < radii.length; m++) radii[m] = SeriesStore.read(in, RADIUS_CAPACITY);
        one = SeriesStore.read(in, RADIUS_CAPACITY);
        latestStep = in.readLong();
        if (in.readBoolean()) {
            latest = new float[norms.length * steps];
            for (int i = 0; i < latest.length; i++) latest[i] = in.readFloat();
        }
    }
}
