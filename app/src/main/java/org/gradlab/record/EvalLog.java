package org.gradlab.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gradlab.run.Evaluation;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * eval.jsonl: a run's evaluations on fresh sequences, one line each — {"step":…,"sequences":…,"error_rate":…,
 * "mean_loss":…,"criterion":…} — so the result a run earned is kept with it, not only printed.
 */
public final class EvalLog {
    public static final String FILE = "eval.jsonl";

    private EvalLog() {}

    public static void append(Path dir, Evaluation e) throws IOException {
        ObjectNode n = Json.MAPPER.createObjectNode().put("step", e.step()).put("sequences", e.sequences());
        putNum(n, "error_rate", e.errorRate());
        putNum(n, "mean_loss", e.meanLoss());
        n.put("criterion", e.criterion());
        byte[] line = (Json.MAPPER.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(line);
            while (b.hasRemaining()) ch.write(b);
            ch.force(false);
        }
    }

    private static void putNum(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) n.put(k, v);
        else n.putNull(k);
    }

    /** Every complete evaluation line (a torn or bad line is skipped: evaluations are a summary, not data). */
    public static List<Evaluation> read(Path dir) throws RunFileException {
        Path f = dir.resolve(FILE);
        List<Evaluation> out = new ArrayList<>();
        if (RunFiles.readable(dir, f, 1 << 20) == null) return out;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                try {
                    JsonNode n = Json.MAPPER.readTree(line);
                    if (n == null || !n.isObject()) continue;
                    out.add(new Evaluation(n.path("step").asLong(), n.path("sequences").asInt(), n.path("error_rate").asDouble(Double.NaN),
                            n.path("mean_loss").asDouble(Double.NaN), n.path("criterion").asText("")));
                } catch (IOException ignored) {
                    // a line cut short by a crash
                }
            }
        } catch (IOException e) {
            throw new RunFileException(f, -1, "cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
