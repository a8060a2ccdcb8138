package org.gradlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.gradlab.record.RunFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.gradlab.cli.CliTest.refusal;
import static org.gradlab.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --omega (Pascanu's regulariser) as a user meets it: recorded, shown, resumed bit for bit, refused where it does not apply. */
class RegulariserCliTest {
    private static String[] pascanu(Path out, String... more) {
        List<String> a = new java.util.ArrayList<>(List.of("train", "--model", "rnn", "--task", "temporal-order", "--hidden", "16",
                "--batch", "8", "--seq", "30", "--init", "smart-tanh", "--optimizer", "sgd", "--lr", "0.05", "--clip", "norm:1",
                "--threads", "1", "--eval", "0", "--out", out.toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void theRegulariserIsRecordedShownAndResumedBitForBit(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain"), whole = tmp.resolve("whole"), cut = tmp.resolve("cut");
        assertEquals(0, run(pascanu(plain, "--steps", "40")).code());
        CliTest.Result w = run(pascanu(whole, "--steps", "40", "--omega", "4", "--checkpoint-every", "20"));
        assertEquals(0, w.code(), w.err());
        assertEquals(4.0, new ObjectMapper().readTree(whole.resolve(RunFiles.MANIFEST).toFile()).get("config").get("omega").asDouble());
        assertTrue(!new ObjectMapper().readTree(plain.resolve(RunFiles.MANIFEST).toFile()).get("config").has("omega"),
                "a run without it reads as runs recorded before it");
        String shown = run("inspect", whole.toString()).out();
        assertTrue(shown.lines().anyMatch(l -> l.endsWith("init smart-tanh, Pascanu's regulariser \u03a9 with \u03b1 4")), shown);
        List<String> a = run("inspect", plain.toString(), "--csv").out().lines().toList(), b = run("inspect", whole.toString(), "--csv").out().lines().toList();
        assertEquals(a.get(1).split(",")[1], b.get(1).split(",")[1], "the first step's loss comes before any update");
        assertNotEquals(a.get(a.size() - 1).split(",")[1], b.get(b.size() - 1).split(",")[1], "the regulariser changes the training");

        assertEquals(0, run(pascanu(cut, "--steps", "40", "--omega", "4", "--checkpoint-every", "20", "--pause-at", "20")).code());
        CliTest.Result r = run("resume", cut.toString(), "--threads", "1");
        assertEquals(0, r.code(), r.err());
        List<String> c = run("inspect", cut.toString(), "--csv").out().lines().toList();
        assertEquals(b, c, "resumed from its checkpoint, the regularised run is the uninterrupted one");
    }

    @Test
    void impossibleWeightsAndModelsAreRefusedInOneLine(@TempDir Path tmp) {
        assertTrue(refusal("train", "--model", "lstm", "--task", "adding", "--omega", "4", "--steps", "1")
                .contains("Pascanu's regulariser (--omega) applies to the vanilla RNNs"));
        assertTrue(refusal("train", "--model", "rnn", "--task", "adding", "--omega", "-1", "--steps", "1").contains("--omega"));
        assertTrue(refusal("train", "--model", "rnn", "--task", "adding", "--omega", "NaN", "--steps", "1").contains("--omega"));
        assertTrue(refusal("experiment", "pascanu", "--arms", "norm:1+omega:x", "--out", tmp.resolve("a").toString())
                .startsWith("gradlab: arm 'norm:1+omega:x': the regulariser weight 'x' is not a number"));
        assertTrue(refusal("experiment", "pascanu", "--arms", "norm:1+omega:0", "--out", tmp.resolve("b").toString())
                .contains("must be > 0"));
        assertTrue(refusal("experiment", "pascanu", "--model", "gru", "--arms", "norm:1+omega:4", "--out", tmp.resolve("c").toString())
                .contains("vanilla RNNs"));
    }
}
