package org.gradlab.record;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Spike;

import java.util.List;

/** Small session configs for recording tests. */
final class RecordFixtures {
    private RecordFixtures() {}

    static SessionConfig small(String model, String task, long steps, int checkpointEvery, List<Spike> spikes) {
        RunConfig rc = new RunConfig(model, task, 12, 2, 8, 16, 2, 4, task.equals("charlm") ? 12 : 16,
                OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 3e-3), RunConfig.DEFAULT_INIT, 5);
        return new SessionConfig(rc, ClipSpec.parse("norm:0.5"), NonFinitePolicy.PROPAGATE, steps, spikes, checkpointEvery, true);
    }
}
