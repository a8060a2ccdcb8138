package org.gradlab.record;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;

/**
 * The one Jackson mapper for run files: tree model only (no default typing, no polymorphic binding), with
 * explicit read limits so a hostile file cannot exhaust memory or the stack.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxStringLength(1 << 20)
                    .maxNumberLength(64)
                    .maxDocumentLength(RunFiles.MAX_MANIFEST)
                    .build())
            .build());

    private Json() {}

    /** Jackson's own description of a parse problem, on one line and without its location block. */
    static String oneLine(com.fasterxml.jackson.core.JsonProcessingException e) {
        String m = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
        return m.lines().findFirst().orElse(m).trim();
    }

    static JsonNode field(JsonNode n, String name, Path file) throws RunFileException {
        JsonNode v = n.get(name);
        if (v == null || v.isNull()) throw new RunFileException(file, -1, "missing field '" + name + "'");
        return v;
    }

    static String text(JsonNode n, String name, Path file) throws RunFileException {
        JsonNode v = field(n, name, file);
        if (!v.isTextual()) throw new RunFileException(file, -1, "field '" + name + "' must be a string");
        return v.asText();
    }

    static long integer(JsonNode n, String name, Path file, long min, long max) throws RunFileException {
        JsonNode v = field(n, name, file);
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new RunFileException(file, -1, "field '" + name + "' must be a whole number in [" + min + ", " + max + "]");
        }
        return v.asLong();
    }

    static double number(JsonNode n, String name, Path file) throws RunFileException {
        JsonNode v = field(n, name, file);
        if (!v.isNumber()) throw new RunFileException(file, -1, "field '" + name + "' must be a number");
        return v.asDouble();
    }
}
