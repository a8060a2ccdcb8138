package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;

import java.util.List;

/**
 * A session: the run config plus the settings it starts with — clip strategy, non-finite policy, how many
 * steps (Long.MAX_VALUE for open-ended), spikes scheduled at given steps, checkpoint interval (0 = none),
 * whether telemetry (histograms, weight norms, the gradient through time) is collected, and every how many
 * steps a vanilla RNN's recurrent spectral radius is measured (0 = never).
 */
public record SessionConfig(RunConfig run, ClipSpec clip, NonFinitePolicy nonFinite, long steps, List<Spike> spikes,
                            int checkpointEvery, boolean telemetry, int radiusEvery) {
    public SessionConfig {
        spikes = List.copyOf(spikes);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0");
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0");
        if (radiusEvery < 0) throw new IllegalArgumentException("spectral radius interval must be >= 0");
    }

    /** A session measuring the spectral radius every {@link StepRunner#DEFAULT_RADIUS_EVERY} steps. */
    public SessionConfig(RunConfig run, ClipSpec clip, NonFinitePolicy nonFinite, long steps, List<Spike> spikes,
                         int checkpointEvery, boolean telemetry) {
        this(run, clip, nonFinite, steps, spikes, checkpointEvery, telemetry, StepRunner.DEFAULT_RADIUS_EVERY);
    }

    public SessionConfig withRun(RunConfig r) {
        return new SessionConfig(r, clip, nonFinite, steps, spikes, checkpointEvery, telemetry, radiusEvery);
    }

    public SessionConfig withClip(ClipSpec c) {
        return new SessionConfig(run, c, nonFinite, steps, spikes, checkpointEvery, telemetry, radiusEvery);
    }

    public SessionConfig withSteps(long s) {
        return new SessionConfig(run, clip, nonFinite, s, spikes, checkpointEvery, telemetry, radiusEvery);
    }

    public SessionConfig withRadiusEvery(int n) {
        return new SessionConfig(run, clip, nonFinite, steps, spikes, checkpointEvery, telemetry, n);
    }
}
