package org.gradlab.record.tb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The TensorBoard reader on files written by real writers: TensorFlow's own C++ event writer (tf-demo, via TF
 * Java; regenerate with app/src/test/tb-writer/gen.sh) and tensorboardX's SummaryWriter (PyTorch's record
 * format), checked against what those writers logged and what TensorBoard's own reader read back.
 */
class TbLogDirTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Path resource(String name) throws Exception {
        URL u = TbLogDirTest.class.getClassLoader().getResource("tb/" + name);
        return Path.of(u.toURI());
    }

    @Test
    void maskedCrcMatchesTensorBoardsTestVector() {
        byte[] len24 = new byte[8];
        len24[0] = 24;
        assertEquals(0x224b7fa3, TfRecord.maskedCrc(len24, 0, 8));
    }

    /**
     * Every log directory with a gen.sh-style expected.json (steps, loss, layers) under the test resources' tb/ —
     * or under the folder named by -Dgradlab.tb — so logs written with other seeds and lengths are checked too.
     */
    @org.junit.jupiter.api.TestFactory
    java.util.List<org.junit.jupiter.api.DynamicTest> readsTensorFlowsOwnWriter() throws Exception {
        String prop = System.getProperty("gradlab.tb");
        Path root = prop != null && !prop.isBlank() ? Path.of(prop) : resource("tf-demo").getParent();
        java.util.List<org.junit.jupiter.api.DynamicTest> tests = new java.util.ArrayList<>();
        try (java.util.stream.Stream<Path> s = Files.walk(root, 3)) {
            for (Path e : s.filter(p -> p.getFileName().toString().equals("expected.json")).sorted().toList()) {
                JsonNode expected = JSON.readTree(e.toFile());
                if (!expected.has("loss") || !expected.has("layers")) continue;
                tests.add(org.junit.jupiter.api.DynamicTest.dynamicTest(root.relativize(e.getParent()).toString(),
                        () -> checkGenerated(e.getParent(), expected)));
            }
        }
        assertTrue(!tests.isEmpty(), "no TensorFlow-written logs under " + root);
        return tests;
    }

    private static void checkGenerated(Path dir, JsonNode expected) throws Exception {
        TbLogDir d = TbLogDir.open(dir);
        TbLogDir.Run run = d.runs().values().iterator().next();
        assertTrue(run.warnings.isEmpty(), run.warnings.toString());
        assertEquals(expected.get("steps").asInt(), run.scalars.get("train/loss").size());
        TreeMap<Long, Double> loss = run.scalars.get("train/loss");
        JsonNode want = expected.get("loss");
        assertEquals(want.size(), loss.size());
        for (int t = 0; t < want.size(); t++) assertEquals((float) want.get(t).asDouble(), loss.get((long) t).floatValue(), "step " + t);
        for (JsonNode layer : expected.get("layers")) {
            String l = layer.asText();
            TreeMap<Long, TbEvent.Histogram> h = run.histograms.get("grad/" + l);
            assertEquals(want.size(), h.size(), l);
            double n = l.contains("bias") ? 32 : 256;
            for (TbEvent.Histogram x : h.values()) assertEquals(n, x.total(), 1e-9, l + " counts every logged value");
        }
    }

    @Test
    void readsTensorboardXAsTensorBoardDid() throws Exception {
        Path dir = resource("tensorboardx");
        JsonNode expected = JSON.readTree(dir.resolve("expected.json").toFile());
        TbLogDir.Run run = TbLogDir.open(dir).runs().values().iterator().next();
        assertTrue(run.warnings.isEmpty(), run.warnings.toString());
        for (Map.Entry<String, JsonNode> e : iterable(expected.get("scalars"))) {
            TreeMap<Long, Double> got = run.scalars.get(e.getKey());
            assertEquals(e.getValue().size(), got.size(), e.getKey());
            for (JsonNode p : e.getValue()) assertEquals(p.get(1).asDouble(), got.get(p.get(0).asLong()), 0, e.getKey());
        }
        for (Map.Entry<String, JsonNode> e : iterable(expected.get("histograms"))) {
            TreeMap<Long, TbEvent.Histogram> got = run.histograms.get(e.getKey());
            assertEquals(e.getValue().size(), got.size(), e.getKey());
            for (JsonNode h : e.getValue()) {
                TbEvent.Histogram x = got.get(h.get("step").asLong());
                assertEquals(h.get("num").asDouble(), x.total(), 0, e.getKey());
                assertEquals(h.get("min").asDouble(), x.left()[0], 0);
                assertEquals(h.get("max").asDouble(), x.right()[x.right().length - 1], 0);
                double[] buckets = new double[h.get("bucket").size()];
                for (int i = 0; i < buckets.length; i++) buckets[i] = h.get("bucket").get(i).asDouble();
                double[] nonEmpty = Arrays.stream(buckets).toArray();
                int a = 0, b = nonEmpty.length - 1;
                while (a <= b && nonEmpty[a] == 0) a++;
                while (b >= a && nonEmpty[b] == 0) b--;
                assertTrue(Arrays.equals(Arrays.copyOfRange(nonEmpty, a, b + 1), x.count()), e.getKey() + " bucket counts as written");
            }
        }
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode n) {
        return n::fields;
    }

    @Test
    void truncatedTailWaitsThenContinues(@TempDir Path tmp) throws Exception {
        Path src = resource("tf-demo").resolve("events.out.tfevents.1795380284.vm.31405.0.v2");
        byte[] all = Files.readAllBytes(src);
        Path f = tmp.resolve("events.out.tfevents.1.x");
        int cut = all.length / 2 + 7;
        Files.write(f, Arrays.copyOf(all, cut));
        TbLogDir d = TbLogDir.open(tmp);
        TbLogDir.Run run = d.runs().values().iterator().next();
        int before = run.scalars.get("train/loss").size();
        assertTrue(before > 10 && before < 120);
        assertTrue(run.warnings.isEmpty(), "a torn last record is not damage: " + run.warnings);
        Files.write(f, Arrays.copyOfRange(all, cut, all.length), StandardOpenOption.APPEND);
        assertTrue(d.refresh() > 0);
        assertEquals(120, run.scalars.get("train/loss").size());
        assertTrue(run.warnings.isEmpty());
    }

    @Test
    void damageIsReportedWithFileAndOffsetAndTheRestKeepsWorking(@TempDir Path tmp) throws Exception {
        Path src = resource("tf-demo").resolve("events.out.tfevents.1795380284.vm.31405.0.v2");
        byte[] all = Files.readAllBytes(src);
        byte[] bad = all.clone();
        bad[all.length / 2] ^= 0x40;
        Files.createDirectories(tmp.resolve("a"));
        Files.createDirectories(tmp.resolve("b"));
        Files.write(tmp.resolve("a").resolve("events.out.tfevents.1.a"), bad);
        Files.write(tmp.resolve("b").resolve("events.out.tfevents.1.b"), all);
        TbLogDir d = TbLogDir.open(tmp);
        assertEquals(2, d.runs().size());
        TbLogDir.Run a = d.runs().get("a"), b = d.runs().get("b");
        assertEquals(1, a.warnings.size());
        assertTrue(a.warnings.get(0).contains("events.out.tfevents.1.a at byte "), a.warnings.get(0));
        assertEquals(120, b.scalars.get("train/loss").size());
        assertTrue(a.scalars.get("train/loss").size() < 120);
    }

    @Test
    void fuzzedRealFilesNeverThrow(@TempDir Path tmp) throws Exception {
        byte[] all = Files.readAllBytes(resource("tensorboardx").resolve("events.out.tfevents.1795384700.vm"));
        SplittableRandom rng = new SplittableRandom(8);
        Path f = tmp.resolve("events.out.tfevents.1.f");
        for (int i = 0; i < 400; i++) {
            byte[] m = all.clone();
            int kind = rng.nextInt(3);
            if (kind == 0) for (int k = 0; k < 1 + rng.nextInt(6); k++) m[rng.nextInt(m.length)] ^= (byte) (1 << rng.nextInt(8));
            else if (kind == 1) m = Arrays.copyOf(m, rng.nextInt(m.length));
            else for (int k = 0, at = rng.nextInt(m.length - 8); k < 8; k++) m[at + k] = (byte) 0xFF;
            Files.write(f, m);
            try {
                TbLogDir d = TbLogDir.open(tmp);
                for (TbLogDir.Run r : d.runs().values()) for (String w : r.warnings) assertTrue(w.contains(" at byte "), w);
            } catch (java.io.IOException e) {
                assertTrue(e.getMessage().contains(tmp.toString()), e.getMessage());
            } catch (Throwable t) {
                fail("mutation " + i + " escaped as " + t, t);
            }
        }
    }
}
