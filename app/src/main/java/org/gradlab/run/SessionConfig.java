package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;

import java.util.List;

/**
 * A session: the run config plus the settings it starts with — clip strategy, non-finite policy, how many
 * steps (Long.MAX_VALUE for open-ended), spikes scheduled at given steps, checkpoint interval (0 = none),
 * and whether telemetry (histograms, weight norms) is collected.
 */
public record SessionConfig(RunConfig run, ClipSpec clip, NonFinitePolicy nonFinite, long steps, List<Spike> spikes,
                            int checkpointEvery, boolean telemetry) {
    public SessionConfig {
        spikes = List.copyOf(spikes);
        if (steps < 0) throw new IllegalArgumentException("steps must be >= 0");
        if (checkpointEvery < 0) throw new IllegalArgumentException("checkpoint interval must be >= 0");
    }

    public SessionConfig withClip(ClipSpec c) {
        return new SessionConfig(run, c, nonFinite, steps, spikes, checkpointEvery, telemetry);
    }

    public SessionConfig withSteps(long s) {
        return new SessionConfig(run, clip, nonFinite, s, spikes, checkpointEvery, telemetry);
    }
}
