package org.gradlab.record.tb;

import org.gradlab.clip.ClipReport;
import org.gradlab.engine.HistogramBins;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunReader;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a GradLab run as a TensorBoard event file: per step the loss, lr, pre/post-clip global norm, clip
 * coefficient and threshold, per-layer pre/post norms as scalars, and per-layer gradient histograms (pre and
 * post clip) as legacy histograms whose buckets are GradLab's bins; zero counts form a bucket around 0,
 * non-finite counts are logged as scalars since a histogram cannot hold them.
 */
public final class TbExport {
    private TbExport() {}

    /**
     * Writes the event file under a temporary name that no TensorBoard reader picks up, forces it, then gives
     * it a name of its own (never one another export already took): an export that is killed leaves no
     * truncated event file behind, and two exports at once leave two files.
     */
    public static Path export(Path runDir, Path outDir) throws IOException {
        try (RunReader r = RunReader.open(runDir)) {
            Files.createDirectories(outDir);
            Path tmp = Files.createTempFile(outDir, ".gradlab-export-", ".partial");
            try {
                RunManifest m = r.manifest();
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE);
                     OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch), 1 << 16)) {
                    out.write(TfRecord.frame(new ProtoWriter().dbl(1, System.currentTimeMillis() / 1e3).int64(2, 0)
                            .string(3, "brain.Event:2").bytes()));
                    for (int i = 0; i < r.stepCount(); i++) {
                        StepStats s = r.step(r.index().stepAt(i));
                        out.write(TfRecord.frame(event(s, m)));
                    }
                    out.flush();
                    ch.force(true);
                }
                String base = "events.out.tfevents." + (System.currentTimeMillis() / 1000) + ".gradlab." + ProcessHandle.current().pid();
                for (int n = 0; ; n++) {
                    Path file = outDir.resolve(base + (n == 0 ? "" : "." + n));
                    try {
                        Files.createFile(file); // claims the name (atomic), then the whole file replaces the claim
                    } catch (java.nio.file.FileAlreadyExistsException e) {
                        continue; // taken by another export in the same second
                    }
                    Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    return file;
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private static byte[] event(StepStats s, RunManifest m) {
        List<byte[]> values = new ArrayList<>();
        values.add(scalar("loss", s.loss()));
        values.add(scalar("lr", (float) s.lr()));
        ClipReport c = s.clip();
        if (c != null) {
            values.add(scalar("grad_norm/pre_clip", (float) c.preNorm()));
            values.add(scalar("grad_norm/post_clip", (float) c.postNorm()));
            values.add(scalar("clip/coefficient", (float) c.coefficient()));
            values.add(scalar("clip/threshold", (float) c.threshold()));
            values.add(scalar("clip/clipped", c.clipped() ? 1 : 0));
            for (int g = 0; g < m.groups().size(); g++) {
                values.add(scalar("grad_norm_layer/" + m.groups().get(g) + "/pre_clip", c.layerPre()[g]));
                values.add(scalar("grad_norm_layer/" + m.groups().get(g) + "/post_clip", c.layerPost()[g]));
            }
        }
        if (s.histPre() != null) {
            for (int g = 0; g < m.groups().size(); g++) {
                String layer = m.groups().get(g);
                double preSq = c == null ? Double.NaN : (double) c.layerPre()[g] * c.layerPre()[g];
                double postSq = c == null ? Double.NaN : (double) c.layerPost()[g] * c.layerPost()[g];
                values.add(histogram("grad_hist/" + layer + "/pre_clip", s.histPre(), g, preSq));
                if (s.histPost() != null) values.add(histogram("grad_hist/" + layer + "/post_clip", s.histPost(), g, postSq));
                int w = HistogramBins.WIDTH, bad = s.histPre()[g * w + HistogramBins.NAN] + s.histPre()[g * w + HistogramBins.POS_INF]
                        + s.histPre()[g * w + HistogramBins.NEG_INF];
                if (bad > 0) values.add(scalar("nonfinite/" + layer, bad));
            }
        }
        ProtoWriter summary = new ProtoWriter();
        for (byte[] v : values) summary.bytes(1, v);
        return new ProtoWriter().dbl(1, s.wallMillis() / 1e3).int64(2, s.step()).bytes(5, summary.bytes()).bytes();
    }

    private static byte[] scalar(String tag, float v) {
        return new ProtoWriter().string(1, tag).flt(2, v).bytes();
    }

    /** Signed edges ascending; the zero counter becomes the bucket (−2^-40, 2^-40]. */
    /** sumSquares (the layer's squared L2 norm, known exactly from the clip report) is written when known. */
    private static byte[] histogram(String tag, int[] rows, int layer, double sumSquares) {
        int w = HistogramBins.WIDTH, side = HistogramBins.SIDE, base = layer * w;
        List<Double> limits = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        double num = 0;
        for (int k = side - 1; k >= 0; k--) { // negative bins, most negative first
            limits.add(k == 0 ? -HistogramBins.magnitudeEdge(0) : -HistogramBins.magnitudeEdge(k));
            counts.add((double) rows[base + side - 1 - k]);
        }
        limits.add(HistogramBins.magnitudeEdge(0));
        counts.add((double) rows[base + HistogramBins.ZERO]);
        for (int k = 0; k < side; k++) {
            limits.add(HistogramBins.magnitudeEdge(k + 1));
            counts.add((double) rows[base + side + k]);
        }
        int first = -1, last = -1;
        for (int i = 0; i < counts.size(); i++) {
            if (counts.get(i) > 0) {
                if (first < 0) first = i;
                last = i;
            }
            num += counts.get(i);
        }
        double min = first < 0 ? 0 : first == 0 ? -HistogramBins.magnitudeEdge(side) : limits.get(first - 1);
        double max = last < 0 ? 0 : limits.get(last);
        double[] lim = limits.stream().mapToDouble(Double::doubleValue).toArray();
        double[] cnt = counts.stream().mapToDouble(Double::doubleValue).toArray();
        ProtoWriter hw = new ProtoWriter().dbl(1, min).dbl(2, max).dbl(3, num);
        if (Double.isFinite(sumSquares)) hw.dbl(5, sumSquares);
        byte[] histo = hw.packedDoubles(6, lim).packedDoubles(7, cnt).bytes();
        return new ProtoWriter().string(1, tag).bytes(5, histo).bytes();
    }
}
