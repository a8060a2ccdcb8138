package org.gradlab.task;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A character-level corpus: the text, its sorted alphabet, and the text as ids. The shipped corpus is
 * Genesis–Deuteronomy of the King James Version (public domain), from Debian's bible-kjv package.
 */
public final class CharCorpus {
    public static final String BUNDLED = "kjv-pentateuch.txt";

    private final char[] alphabet;
    private final int[] ids;
    private final String source;

    public CharCorpus(String text, String source) {
        if (text.length() < 2) throw new IllegalArgumentException("corpus " + source + " is too short");
        this.source = source;
        alphabet = text.chars().distinct().sorted().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append).toString().toCharArray();
        ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) ids[i] = Arrays.binarySearch(alphabet, text.charAt(i));
    }

    public static CharCorpus bundled() {
        try (InputStream in = CharCorpus.class.getResourceAsStream(BUNDLED)) {
            if (in == null) throw new IllegalStateException("bundled corpus " + BUNDLED + " is missing from the jar");
            return new CharCorpus(new String(in.readAllBytes(), StandardCharsets.UTF_8), BUNDLED);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int vocab() { return alphabet.length; }
    public int length() { return ids.length; }
    public int id(int pos) { return ids[pos]; }
    public char symbol(int id) { return alphabet[id]; }
    public String source() { return source; }

    /** Entropy in nats of the unigram character distribution: the loss of a model that ignores context. */
    public double unigramEntropy() {
        long[] counts = new long[alphabet.length];
        for (int id : ids) counts[id]++;
        double h = 0;
        for (long c : counts) {
            if (c == 0) continue;
            double p = (double) c / ids.length;
            h -= p * Math.log(p);
        }
        return h;
    }
}
