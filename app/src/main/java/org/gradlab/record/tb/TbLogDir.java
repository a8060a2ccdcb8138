package org.gradlab.record.tb;

import org.gradlab.record.ByteSource;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A TensorBoard log directory: every folder holding {@code *tfevents*} files is a run (named by its path
 * relative to the log directory), its files read in name order. {@link #refresh()} reads whatever was
 * appended since the last call — new records in growing files and new files — so a live job can be tailed.
 * Damage follows TensorBoard's Rust reader: a truncated last record means "wait for more bytes"; a bad length
 * CRC, a bad data CRC or an undecodable event marks that file damaged (with a warning naming the file and
 * offset) and the rest keeps working.
 */
public final class TbLogDir {
    /** One run's data, tag by tag. */
    public static final class Run {
        public final String name;
        public final Map<String, TreeMap<Long, Double>> scalars = new LinkedHashMap<>();
        public final Map<String, TreeMap<Long, TbEvent.Histogram>> histograms = new LinkedHashMap<>();
        public final Map<String, String> plugins = new LinkedHashMap<>();
        public final List<String> warnings = new ArrayList<>();
        final Map<Path, FileState> files = new LinkedHashMap<>();
        int negativeSteps, longTags, tooManyTags;
        long records;

        /** Whole records read for this run so far: unchanged between two reads means its writer was quiet. */
        public long records() {
            return records;
        }

        Run(String name) {
            this.name = name;
        }
    }

    static final class FileState {
        long offset;
        boolean damaged;
    }

    private final Path dir;
    private final Map<String, Run> runs = new LinkedHashMap<>();

    private TbLogDir(Path dir) {
        this.dir = dir;
    }

    public static TbLogDir open(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a directory");
        TbLogDir d = new TbLogDir(dir);
        d.refresh();
        if (d.runs.isEmpty()) throw new IOException(dir + ": no TensorBoard event files (*tfevents*) found");
        return d;
    }

    public Path dir() { return dir; }
    public Map<String, Run> runs() { return runs; }

    /** Reads new files and new bytes; returns the number of new records. */
    public int refresh() throws IOException {
        List<Path> eventFiles;
        try (Stream<Path> s = Files.walk(dir, 8)) {
            eventFiles = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().contains("tfevents")).sorted().toList();
        }
        int n = 0;
        for (Path f : eventFiles) {
            Path parent = f.getParent();
            String name = dir.equals(parent) ? "." : dir.relativize(parent).toString();
            Run run = runs.computeIfAbsent(name, Run::new);
            FileState st = run.files.computeIfAbsent(f, k -> new FileState());
            if (!st.damaged) n += readFrom(f, st, run);
        }
        return n;
    }

    private static int readFrom(Path f, FileState st, Run run) throws IOException {
        int records = 0;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            long size = ch.size();
            while (st.offset < size && !st.damaged) {
                MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, st.offset, Math.min(size - st.offset, 1L << 30));
                int n = parse(m, st.offset, f, st, run);
                if (n <= 0) break; // damaged, or an incomplete record at the end: wait for more bytes
                records += n;
            }
        }
        return records;
    }

    /** Parses whole records from a mapped window, advancing st.offset; -1 when the file turned out damaged. */
    private static int parse(MappedByteBuffer m, long base, Path f, FileState st, Run run) {
        int records = 0, pos = 0, lim = m.limit();
        byte[] head = new byte[TfRecord.HEADER];
        while (lim - pos >= TfRecord.HEADER) {
            m.get(pos, head, 0, TfRecord.HEADER);
            long len = TfRecord.u64(head, 0);
            if (TfRecord.maskedCrc(head, 0, 8) != TfRecord.u32(head, 8)) return damage(f, st, run, base + pos, "bad length checksum");
            if (len < 0 || len > TfRecord.MAX_DATA) return damage(f, st, run, base + pos, "record length " + Long.toUnsignedString(len) + " is implausible");
            if (lim - pos - TfRecord.HEADER < len + TfRecord.FOOTER) break; // incomplete here: wait, or map the next window
            byte[] data = new byte[(int) len + TfRecord.FOOTER];
            m.get(pos + TfRecord.HEADER, data, 0, data.length);
            if (TfRecord.maskedCrc(data, 0, (int) len) != TfRecord.u32(data, (int) len)) {
                return damage(f, st, run, base + pos, "bad data checksum");
            }
            try {
                add(run, TbEvent.decode(data, 0, (int) len));
            } catch (ByteSource.Malformed e) {
                return damage(f, st, run, base + pos, "undecodable event (" + e.getMessage() + " at byte " + e.position + " of the record)");
            }
            pos += TfRecord.HEADER + (int) len + TfRecord.FOOTER;
            st.offset = base + pos;
            records++;
            run.records++;
        }
        return records;
    }

    private static int damage(Path f, FileState st, Run run, long offset, String why) {
        st.damaged = true;
        run.warnings.add(f + " at byte " + offset + ": " + why + "; the rest of this file is skipped");
        return -1;
    }

    /** A tag longer than this is not a parameter name GradLab could show (or write back: run.json bounds strings). */
    public static final int MAX_TAG = 1024;
    /** Distinct tags read per run; more is not a training log GradLab can show, and memory must stay bounded. */
    public static final int MAX_TAGS = 100_000;

    private static void add(Run run, TbEvent e) {
        if (e.step() < 0) { // TensorBoard allows them; a GradLab run's steps start at 0
            if (run.negativeSteps++ == 0) run.warnings.add("records with negative steps are skipped (GradLab's steps start at 0)");
            return;
        }
        for (TbEvent.Value v : e.values()) {
            if (v.tag().length() > MAX_TAG) {
                if (run.longTags++ == 0) run.warnings.add("tags longer than " + MAX_TAG + " characters are skipped");
                continue;
            }
            boolean known = run.scalars.containsKey(v.tag()) || run.histograms.containsKey(v.tag());
            if (!known && run.scalars.size() + run.histograms.size() >= MAX_TAGS) {
                if (run.tooManyTags++ == 0) run.warnings.add("more than " + MAX_TAGS + " tags: the others are not read");
                continue;
            }
            if (v.plugin() != null) run.plugins.putIfAbsent(v.tag(), v.plugin());
            if (v.histogram() != null) run.histograms.computeIfAbsent(v.tag(), k -> new TreeMap<>()).put(e.step(), v.histogram());
            else if (v.scalar() != null) run.scalars.computeIfAbsent(v.tag(), k -> new TreeMap<>()).put(e.step(), v.scalar());
        }
    }
}
