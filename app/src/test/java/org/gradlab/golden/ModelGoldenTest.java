package org.gradlab.golden;

import com.fasterxml.jackson.databind.JsonNode;
import org.gradlab.engine.Backend;
import org.gradlab.engine.CpuBackend;
import org.gradlab.model.CellType;
import org.gradlab.model.GptConfig;
import org.gradlab.model.GptModel;
import org.gradlab.model.LossKind;
import org.gradlab.model.Model;
import org.gradlab.model.SequenceModel;
import org.gradlab.model.SequenceModelConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Loss and every parameter gradient against PyTorch, for every case of every model_*.json fixture. */
@Tag("golden")
class ModelGoldenTest {
    static final CpuBackend BACKEND = new CpuBackend(2);

    @AfterAll
    static void close() {
        BACKEND.close();
    }

    @TestFactory
    List<DynamicTest> everyModelFixture() throws Exception {
        return cases(BACKEND);
    }

    /** One test per case of every model_*.json fixture, run on the given backend (the GPU test reuses it). */
    static List<DynamicTest> cases(Backend be) throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path f : GoldenFiles.files("model_")) {
            for (JsonNode c : GoldenFiles.read(f).get("cases")) {
                tests.add(DynamicTest.dynamicTest(f.getFileName() + " " + c.get("name").asText(), () -> check(be, c)));
            }
        }
        assertFalse(tests.isEmpty(), "no model fixtures found in " + GoldenFiles.folder());
        return tests;
    }

    /** Builds the fixture's model with its recorded weights (shared with other golden-driven tests). */
    static Model build(Backend be, JsonNode c) {
        JsonNode cfg = c.get("config");
        String arch = c.get("arch").asText();
        int[] inShape = GoldenFiles.shape(c.get("inputs"));
        int b = inShape[0], t = inShape[1];
        Model m = switch (arch) {
            case "rnn-regression" -> new SequenceModel(be, new SequenceModelConfig(
                    CellType.parse(cfg.get("cell").asText()), cfg.get("input_size").asInt(), 0, 0,
                    cfg.get("hidden").asInt(), cfg.get("layers").asInt(),
                    GoldenFiles.shape(c.get("targets"))[1], false, LossKind.MSE, b, t));
            case "rnn-lm" -> new SequenceModel(be, new SequenceModelConfig(
                    CellType.parse(cfg.get("cell").asText()), 0, cfg.get("vocab").asInt(), cfg.get("embed").asInt(),
                    cfg.get("hidden").asInt(), cfg.get("layers").asInt(), cfg.get("vocab").asInt(), true,
                    LossKind.CROSS_ENTROPY, b, t));
            case "gpt" -> new GptModel(be, new GptConfig(cfg.get("vocab").asInt(), cfg.get("d").asInt(),
                    cfg.get("heads").asInt(), cfg.get("layers").asInt(), cfg.get("block_size").asInt(),
                    (float) cfg.path("ln_eps").asDouble(1e-5), "tanh".equals(cfg.path("gelu").asText("erf")), b, t));
            default -> throw new IllegalArgumentException("unknown arch " + arch);
        };
        for (JsonNode p : c.get("params")) m.params().set(p.get("name").asText(), GoldenFiles.floats(p));
        if (arch.equals("rnn-regression")) {
            m.load(GoldenFiles.floats(c.get("inputs")), null, GoldenFiles.floats(c.get("targets")), null);
        } else {
            m.load(null, GoldenFiles.ints(c.get("inputs")), null, GoldenFiles.ints(c.get("targets")));
        }
        return m;
    }

    private static void check(Backend be, JsonNode c) {
        Model m = build(be, c);
        float loss = m.forwardBackward();
        Tolerance.assertScalar("loss", c.get("expected_loss").asDouble(), loss, 1e-4);
        int n = 0;
        for (JsonNode g : c.get("expected_grads")) {
            String name = g.get("name").asText();
            Tolerance.assertClose(name, GoldenFiles.doubles(g), m.params().grad(name), 1e-4, 1e-3, 1e-6);
            n++;
        }
        if (n != m.params().layout().tensors().size()) {
            throw new AssertionError("fixture has " + n + " gradients, model has " + m.params().layout().tensors().size());
        }
        // forward alone gives the same loss
        Tolerance.assertScalar("forward-only loss", loss, m.forward(), 1e-6);
    }
}
