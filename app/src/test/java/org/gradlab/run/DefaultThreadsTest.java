package org.gradlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which runs get one CPU thread when the user names none: vanilla RNNs under batch × hidden² = 400,000, no others. */
class DefaultThreadsTest {
    private static RunConfig cfg(String model, int batch, int hidden) {
        return new RunConfig(model, model.equals("gpt") ? "charlm" : "adding", hidden, 1, 32, 64, 4, batch, 100, org.gradlab.optim.OptimizerConfig.defaults(org.gradlab.optim.OptimizerConfig.Kind.SGD, 0.1), RunConfig.DEFAULT_INIT, 1);
    }

    @Test
    void smallVanillaRnnsRunOnOneThreadAndTheRestOnEveryCore() {
        assertEquals(1, Devices.defaultCpuThreads(cfg("rnn", 20, 50)), "Pascanu's size");
        assertEquals(1, Devices.defaultCpuThreads(cfg("rnn-sigmoid", 32, 96)), "32 × 96² = 294,912");
        assertEquals(0, Devices.defaultCpuThreads(cfg("rnn", 32, 128)), "32 × 128² = 524,288: faster split");
        assertEquals(0, Devices.defaultCpuThreads(cfg("rnn", 160, 50)), "160 × 50² = 400,000: the bound itself is split");
        assertEquals(0, Devices.defaultCpuThreads(cfg("lstm", 20, 50)), "gated layers are split at every size");
        assertEquals(0, Devices.defaultCpuThreads(cfg("gpt", 4, 8)));
    }
}
