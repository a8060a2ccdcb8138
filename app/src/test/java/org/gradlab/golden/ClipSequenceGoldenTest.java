package org.gradlab.golden;

import com.fasterxml.jackson.databind.JsonNode;
import org.gradlab.clip.ClipReport;
import org.gradlab.clip.ClipStrategy;
import org.gradlab.clip.GradientSegments;
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
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case of every clipseq_*.json fixture (in the golden folder, or -Dgradlab.golden): a stateful strategy
 * (AutoClip, ZClip, AdaGC) fed the case's sequence of gradient sets from a fresh state must give, at every
 * step, the reference code's pre-clip global norm and clipped gradients (fp32: 1e-6 relative + 1e-6 absolute),
 * so its state evolves exactly as the authors' code's does.
 */
@Tag("golden")
class ClipSequenceGoldenTest {
    static final CpuBackend BACKEND = new CpuBackend(1);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @TestFactory
    List<DynamicTest> everyStepOfEverySequence() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        Set<String> methods = new TreeSet<>();
        for (Path f : GoldenFiles.files("clipseq_")) {
            for (JsonNode c : GoldenFiles.read(f).get("cases")) {
                methods.add(c.get("spec").asText().split(":")[0]);
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + c.get("name").asText(), () -> check(c)));
            }
        }
        assertFalse(tests.isEmpty(), "no clipseq fixtures found in " + GoldenFiles.folder());
        assertTrue(methods.containsAll(List.of("adagc", "autoclip", "zclip")) || System.getProperty("gradlab.golden") != null,
                "the shipped sequences cover AutoClip, ZClip and AdaGC: " + methods);
        return tests;
    }

    private static void check(JsonNode c) {
        JsonNode steps = c.get("steps");
        ParamLayout.Builder lb = new ParamLayout.Builder();
        for (JsonNode g : steps.get(0).get("grads")) lb.add(g.get("name").asText(), g.get("name").asText(), InitRule.constant(0), GoldenFiles.shape(g));
        ParamStore store = new ParamStore(BACKEND, lb.build());
        GradientSegments segments = new GradientSegments(store);
        ClipStrategy strategy = ClipStrategy.parse(c.get("spec").asText());
        for (int k = 0; k < steps.size(); k++) {
            JsonNode step = steps.get(k);
            for (JsonNode g : step.get("grads")) {
                float[] v = GoldenFiles.floats(g);
                BACKEND.upload(v, 0, store.grads(), store.layout().get(g.get("name").asText()).offset(), v.length);
            }
            ClipReport report = strategy.apply(segments);
            String at = c.get("name").asText() + " step " + (k + 1) + " of " + steps.size();
            Tolerance.assertScalar(at + ": pre-clip norm", GoldenFiles.number(step.get("expected_pre_norm")), report.preNorm(), 1e-6);
            for (JsonNode e : step.get("expected_grads")) {
                String name = e.get("name").asText();
                float[] got = new float[store.layout().get(name).size()];
                BACKEND.download(store.grads(), store.layout().get(name).offset(), got, 0, got.length);
                Tolerance.assertClose(at + ": " + name, GoldenFiles.doubles(e), got, 1e-6, 1e-6, 1e-30);
            }
        }
    }
}
