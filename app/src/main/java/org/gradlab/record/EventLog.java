package org.gradlab.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gradlab.run.RunEvent;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** events.jsonl: one control event per line, {"step":…,"time":…,"type":"clip","value":"norm:1"}. */
public final class EventLog {
    private EventLog() {}

    static byte[] line(RunEvent e) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("step", e.step()).put("time", e.wallMillis()).put("type", e.type().name().toLowerCase(Locale.ROOT)).put("value", e.value());
        try {
            return (Json.MAPPER.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** An event whose value training acts on must hold a valid one: a clip spec, a learning rate, a spike. */
    private static void checkValue(RunEvent e) {
        switch (e.type()) {
            case CLIP -> org.gradlab.clip.ClipSpec.parse(e.value());
            case LR -> {
                double lr;
                try {
                    lr = Double.parseDouble(e.value());
                } catch (NumberFormatException x) {
                    throw new IllegalArgumentException("learning-rate event at step " + e.step() + ": '" + e.value() + "' is not a number");
                }
                if (!(lr > 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning-rate event at step " + e.step() + ": " + lr + " is not > 0");
            }
            case SPIKE -> org.gradlab.run.Spike.parse(e.value());
            default -> { }
        }
    }

    /**
     * Reads every complete event line. A torn last line (a crash mid-write) is ignored; any other bad line is
     * an error naming the byte offset.
     */
    public static List<RunEvent> read(Path dir) throws RunFileException {
        Path file = dir.resolve(RunFiles.EVENTS);
        List<RunEvent> out = new ArrayList<>();
        if (RunFiles.readable(dir, file, RunFiles.MAX_EVENTS) == null) return out;
        long offset = 0;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long size = Files.size(file);
            while ((line = r.readLine()) != null) {
                long start = offset;
                offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                if (line.isBlank()) continue;
                boolean last = offset >= size;
                if (line.length() > RunFiles.MAX_EVENT_LINE) throw new RunFileException(file, start, "event line too long");
                try {
                    JsonNode n = Json.MAPPER.readTree(line);
                    if (n == null || !n.isObject()) throw new IllegalArgumentException("not a JSON object");
                    String typeName = n.path("type").asText("");
                    RunEvent.Type type;
                    try {
                        type = RunEvent.Type.valueOf(typeName.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException("unknown event type '" + typeName + "'");
                    }
                    if (!n.path("step").isIntegralNumber() || !n.path("step").canConvertToLong() || n.path("step").asLong() < 0) {
                        throw new IllegalArgumentException("the step must be a whole number >= 0");
                    }
                    RunEvent e = new RunEvent(n.path("step").asLong(), n.path("time").asLong(), type, n.path("value").asText(""));
                    checkValue(e);
                    out.add(e);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    if (last && !line.endsWith("}")) break; // torn final line
                    throw new RunFileException(file, start, "bad event line: not JSON (" + Json.oneLine(e) + ")");
                } catch (IllegalArgumentException e) {
                    if (last && !line.endsWith("}")) break; // torn final line
                    throw new RunFileException(file, start, "bad event line: " + e.getMessage().lines().findFirst().orElse(""));
                }
            }
        } catch (RunFileException e) {
            throw e;
        } catch (IOException e) {
            throw new RunFileException(file, offset, "cannot read: " + e.getMessage(), e);
        }
        return out;
    }
}
