package org.gradlab.ui.vm;

import org.gradlab.record.tb.TbImport;
import org.gradlab.record.tb.TbLogDir;
import org.gradlab.telemetry.StepStats;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * A TensorBoard run shown with GradLab's views: its logs are mapped onto GradLab records ({@link TbImport}) and
 * fed into a {@link RunViewModel}. {@link #poll} (on a background thread) reads whatever the writer appended
 * and hands the new records to the FX thread, which is how a live job is tailed: a poll that reads nothing new
 * for the run also completes its newest step, so a finished log is delivered whole by a second poll.
 */
public final class TbRunModel {
    private final TbLogDir dir;
    private final String run;
    private final TbImport plan;
    private final RunViewModel data;
    private long lastStep = Long.MIN_VALUE, recordsSeen = -1;
    private int warningsSeen;

    private TbRunModel(TbLogDir dir, String run) {
        this.dir = dir;
        this.run = run;
        this.plan = new TbImport(dir.runs().get(run));
        String name = (dir.dir().getFileName() == null ? dir.dir().toString() : dir.dir().getFileName().toString())
                + (run.equals(".") ? "" : "/" + run);
        this.data = new RunViewModel(name, plan.groups());
        data.markLogged();
    }

    /** Opens every run of a log directory (call off the FX thread). */
    public static List<TbRunModel> open(Path logdir) throws IOException {
        TbLogDir d = TbLogDir.open(logdir);
        List<TbRunModel> out = new ArrayList<>();
        for (String r : d.runs().keySet()) out.add(new TbRunModel(d, r));
        return out;
    }

    public RunViewModel data() { return data; }

    /** Shows a polled step (on the FX thread): what the log does not hold at that step stays absent. */
    public void append(StepStats s) {
        data.append(s, plan.lossLogged(s.step()), plan.normLogged(s.step()));
    }
    public TbLogDir logDir() { return dir; }
    /** The run's name in its log directory ("." for files at the top). */
    public String runName() { return run; }

    /** Histogram tags are listed as "tag (histogram)". */
    public static final String HISTOGRAM = " (histogram)";

    /** Every tag the run holds so far: scalars by name, histograms as "tag (histogram)" (call off the FX thread). */
    public synchronized List<String> tags() {
        TbLogDir.Run r = dir.runs().get(run);
        List<String> out = new ArrayList<>();
        if (r == null) return out;
        out.addAll(r.scalars.keySet());
        for (String t : r.histograms.keySet()) out.add(t + HISTOGRAM);
        return out;
    }

    /**
     * A histogram tag's counts at each step on GradLab's bins (each logged bucket's count in the bin of its
     * centre, as the importer does; call off the FX thread). Empty for a scalar tag.
     */
    public synchronized java.util.TreeMap<Long, long[]> histogramRows(String tag) {
        TbLogDir.Run r = dir.runs().get(run);
        java.util.TreeMap<Long, long[]> out = new java.util.TreeMap<>();
        if (r == null || !tag.endsWith(HISTOGRAM)) return out;
        var h = r.histograms.get(tag.substring(0, tag.length() - HISTOGRAM.length()));
        if (h != null) for (var e : h.entrySet()) out.put(e.getKey(), TbImport.rebin(e.getValue()));
        return out;
    }

    /**
     * A copy of one tag's values by step (call off the FX thread): a scalar's logged values, or for a histogram
     * tag the L2 norm of its values — √(sum of squares) where the writer logged the sum of squares; a step whose
     * histogram lacks it is absent, never estimated from the buckets.
     */
    public synchronized java.util.TreeMap<Long, Double> values(String tag) {
        TbLogDir.Run r = dir.runs().get(run);
        java.util.TreeMap<Long, Double> out = new java.util.TreeMap<>();
        if (r == null) return out;
        if (tag.endsWith(HISTOGRAM)) {
            var h = r.histograms.get(tag.substring(0, tag.length() - HISTOGRAM.length()));
            if (h != null) for (var e : h.entrySet()) if (!Double.isNaN(e.getValue().sumSquares())) out.put(e.getKey(), Math.sqrt(e.getValue().sumSquares()));
        } else if (r.scalars.containsKey(tag)) {
            out.putAll(r.scalars.get(tag));
        }
        return out;
    }
    public List<String> otherTags() { return plan.otherTags(); }

    public List<String> warnings() {
        TbLogDir.Run r = dir.runs().get(run);
        return r == null ? List.of() : List.copyOf(r.warnings);
    }

    /**
     * New records since the last poll (reading the files first when refresh is set), delivered through
     * `deliver(records, newWarnings)`; call off the FX thread and apply the records on it.
     */
    public synchronized void poll(boolean refresh, BiConsumer<List<StepStats>, List<String>> deliver) throws IOException {
        if (refresh) dir.refresh();
        TbLogDir.Run r = dir.runs().get(run);
        long records = r == null ? 0 : r.records();
        // Writers flush a step's tags in pieces: a step is complete once a later step appears, or once a re-read
        // finds nothing new for this run. Until then the newest step is held back, so a tag still on its way is
        // never shown as a missing value (a NaN loss, a "divergence").
        boolean quiet = refresh && records == recordsSeen;
        recordsSeen = records;
        java.util.TreeSet<Long> steps = plan.steps();
        long newest = steps.isEmpty() ? Long.MIN_VALUE : steps.last();
        List<StepStats> fresh = new ArrayList<>();
        for (long k : steps.tailSet(lastStep, false)) {
            if (k == newest && !quiet) break;
            fresh.add(plan.at(k));
            lastStep = k;
        }
        List<String> w = warnings();
        List<String> newWarnings = w.subList(Math.min(warningsSeen, w.size()), w.size());
        warningsSeen = w.size();
        if (!fresh.isEmpty() || !newWarnings.isEmpty()) deliver.accept(fresh, List.copyOf(newWarnings));
    }
}
