package org.gradlab.golden;

import com.fasterxml.jackson.databind.JsonNode;
import org.gradlab.clip.ClipReport;
import org.gradlab.clip.ClipStrategy;
import org.gradlab.clip.GradientSegments;
import org.gradlab.engine.Backend;
import org.gradlab.engine.CpuBackend;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Every case of every clip_*.json fixture: the spec's strategy applied to the recorded gradients (and
 * weights, for AGC) must give PyTorch's (or the stated formula's) gradients and returned norm, fp32 1e-6.
 */
@Tag("golden")
class ClipGoldenTest {
    static final CpuBackend BACKEND = new CpuBackend(1);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @TestFactory
    List<DynamicTest> everyClipFixture() throws Exception {
        return cases(BACKEND);
    }

    /** One test per case of every clip_*.json fixture, run on the given backend (the GPU test reuses it). */
    static List<DynamicTest> cases(Backend be) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : GoldenFiles.files("clip_")) {
            for (JsonNode c : GoldenFiles.read(f).get("cases")) {
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + c.get("name").asText(), () -> check(be, c)));
            }
        }
        assertFalse(tests.isEmpty(), "no clip fixtures found in " + GoldenFiles.folder());
        return tests;
    }

    private static void check(Backend be, JsonNode c) {
        ParamLayout.Builder lb = new ParamLayout.Builder();
        for (JsonNode g : c.get("grads")) lb.add(g.get("name").asText(), g.get("name").asText(), InitRule.constant(0), GoldenFiles.shape(g));
        ParamStore store = new ParamStore(be, lb.build());
        for (JsonNode g : c.get("grads")) {
            float[] v = GoldenFiles.floats(g);
            be.upload(v, 0, store.grads(), store.layout().get(g.get("name").asText()).offset(), v.length);
        }
        if (c.has("weights") && !c.get("weights").isNull()) {
            for (JsonNode w : c.get("weights")) store.set(w.get("name").asText(), GoldenFiles.floats(w));
        }
        ClipStrategy strategy = ClipStrategy.parse(c.get("spec").asText());
        ClipReport report = strategy.apply(new GradientSegments(store));
        for (JsonNode e : c.get("expected_grads")) {
            String name = e.get("name").asText();
            float[] got = new float[store.layout().get(name).size()];
            be.download(store.grads(), store.layout().get(name).offset(), got, 0, got.length);
            Tolerance.assertClose(name, GoldenFiles.doubles(e), got, 1e-6, 1e-6, 1e-30);
        }
        JsonNode total = c.get("expected_total_norm");
        if (total != null && !total.isNull()) {
            Tolerance.assertScalar("returned total norm", GoldenFiles.number(total), report.strategyNorm(), 1e-6);
        }
    }
}
