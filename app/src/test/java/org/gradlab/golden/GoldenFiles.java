package org.gradlab.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds the PyTorch fixtures: every {@code <prefix>*.json} in the folder named by the system property
 * {@code gradlab.golden}, or else in the test resources' {@code golden/} folder. New files need no code.
 */
public final class GoldenFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private GoldenFiles() {}

    public static Path folder() {
        String prop = System.getProperty("gradlab.golden");
        if (prop != null && !prop.isBlank()) return Path.of(prop);
        URL url = GoldenFiles.class.getClassLoader().getResource("golden");
        if (url == null) throw new IllegalStateException("no golden/ folder on the test classpath");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Path> files(String prefix) throws IOException {
        Path dir = folder();
        if (!Files.isDirectory(dir)) throw new IllegalStateException("golden folder " + dir + " does not exist");
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> out = new ArrayList<>(s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".json");
            }).sorted().toList());
            return out;
        }
    }

    public static JsonNode read(Path p) throws IOException {
        return JSON.readTree(p.toFile());
    }

    /** A tensor's data; "NaN", "Infinity", "-Infinity" strings become the float values. */
    public static float[] floats(JsonNode tensor) {
        JsonNode data = tensor.get("data");
        float[] out = new float[data.size()];
        for (int i = 0; i < out.length; i++) out[i] = (float) number(data.get(i));
        return out;
    }

    public static double[] doubles(JsonNode tensor) {
        JsonNode data = tensor.get("data");
        double[] out = new double[data.size()];
        for (int i = 0; i < out.length; i++) out[i] = number(data.get(i));
        return out;
    }

    public static int[] ints(JsonNode tensor) {
        JsonNode data = tensor.get("data");
        int[] out = new int[data.size()];
        for (int i = 0; i < out.length; i++) out[i] = data.get(i).asInt();
        return out;
    }

    public static int[] shape(JsonNode tensor) {
        JsonNode s = tensor.get("shape");
        int[] out = new int[s.size()];
        for (int i = 0; i < out.length; i++) out[i] = s.get(i).asInt();
        return out;
    }

    public static double number(JsonNode v) {
        if (v == null || v.isNull()) return Double.NaN;
        if (v.isTextual()) {
            return switch (v.asText()) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                default -> throw new IllegalArgumentException("not a number: " + v);
            };
        }
        return v.asDouble();
    }
}
