package org.gradlab.golden;

import com.fasterxml.jackson.databind.JsonNode;
import org.gradlab.engine.Backend;
import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.gradlab.optim.Optimizer;
import org.gradlab.optim.OptimizerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Parameters after N optimizer steps against PyTorch, for every case of every optim_*.json fixture. */
@Tag("golden")
class OptimGoldenTest {
    static final CpuBackend BACKEND = new CpuBackend(1);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @TestFactory
    List<DynamicTest> everyOptimFixture() throws Exception {
        return cases(BACKEND);
    }

    /** One test per case of every optim_*.json fixture, run on the given backend (the GPU test reuses it). */
    static List<DynamicTest> cases(Backend be) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : GoldenFiles.files("optim_")) {
            for (JsonNode c : GoldenFiles.read(f).get("cases")) {
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + c.get("name").asText(), () -> check(be, c)));
            }
        }
        assertFalse(tests.isEmpty(), "no optim fixtures found in " + GoldenFiles.folder());
        return tests;
    }

    private static void check(Backend be, JsonNode c) {
        ParamLayout.Builder lb = new ParamLayout.Builder();
        for (JsonNode p : c.get("params")) lb.add(p.get("name").asText(), "all", InitRule.constant(0), GoldenFiles.shape(p));
        ParamStore store = new ParamStore(be, lb.build());
        for (JsonNode p : c.get("params")) store.set(p.get("name").asText(), GoldenFiles.floats(p));
        JsonNode h = c.get("hyper");
        OptimizerConfig.Kind kind = OptimizerConfig.parseKind(c.get("optimizer").asText());
        OptimizerConfig base = OptimizerConfig.defaults(kind, h.get("lr").asDouble());
        OptimizerConfig cfg = new OptimizerConfig(kind, h.get("lr").asDouble(), h.path("momentum").asDouble(0),
                h.path("dampening").asDouble(0), h.path("nesterov").asBoolean(false),
                h.has("betas") ? h.get("betas").get(0).asDouble() : base.beta1(),
                h.has("betas") ? h.get("betas").get(1).asDouble() : base.beta2(),
                h.path("eps").asDouble(base.eps()), h.path("weight_decay").asDouble(base.weightDecay()));
        if (h.path("amsgrad").asBoolean(false)) throw new AssertionError("amsgrad is not supported");
        Optimizer opt = new Optimizer(store, cfg);
        for (JsonNode stepGrads : c.get("grads_per_step")) {
            for (JsonNode g : stepGrads) {
                float[] v = GoldenFiles.floats(g);
                be.upload(v, 0, store.grads(), store.layout().get(g.get("name").asText()).offset(), v.length);
            }
            opt.step();
        }
        for (JsonNode p : c.get("expected_params")) {
            String name = p.get("name").asText();
            Tolerance.assertClose(name, GoldenFiles.doubles(p), store.get(name), 1e-4, 1e-3, 1e-6);
        }
    }
}
