package org.gradlab.ui.view;

import org.gradlab.telemetry.HistogramLayout;
import org.gradlab.ui.chart.HeatmapChart;
import org.gradlab.overview.HistogramTimeline;
import org.gradlab.ui.vm.RunViewModel;
import org.gradlab.overview.SeriesStore;
import org.gradlab.overview.ThroughTime;

import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/** The two heatmap sources of a dashboard: layers × steps gradient norms, and one layer's histogram over time. */
final class Heatmaps {
    private Heatmaps() {}

    static HeatmapChart.Source layerNorms(RunViewModel d, boolean post) {
        return largestOf(d.layers().size(), row -> post ? d.layerPost(row) : d.layerPre(row), d.layers()::get,
                () -> d.series(RunViewModel.Scalar.LOSS).firstStep(), d::lastStep, null);
    }

    /**
     * ‖∂L/∂h_t‖ of one recurrent layer: a row per time step, t = 1 at the top (the step farthest from a loss at the
     * end of the sequence), each pixel the largest value of the steps it covers.
     */
    static HeatmapChart.Source throughTime(RunViewModel d, int layer) {
        return throughTime(d, layer, "");
    }

    /** As {@link #throughTime(RunViewModel, int)}, its title starting with `prefix` (a run's name in a comparison). */
    static HeatmapChart.Source throughTime(RunViewModel d, int layer, String prefix) {
        ThroughTime tt = d.through();
        if (tt == null) return null;
        String title = prefix + "‖∂L/∂h_t‖ per time step t, " + tt.layers().get(layer);
        return largestOf(tt.steps(), row -> tt.norm(layer, row), row -> "t=" + (row + 1),
                () -> tt.norm(layer, 0).firstStep(), () -> tt.norm(layer, 0).lastStep(), title);
    }

    /** Rows of min/max stores drawn as log10 of each pixel column's largest value (a one-step spike keeps its pixel). */
    private static HeatmapChart.Source largestOf(int rows, IntFunction<SeriesStore> stores, IntFunction<String> label,
                                                 LongSupplier first, LongSupplier last, String title) {
        return new HeatmapChart.Source() {
            /** The window being drawn: each row is read from the store that resolves it (finer when zoomed in). */
            long from = -1, to = -1;

            @Override
            public void window(long x0, long x1) {
                from = x0;
                to = x1;
            }

            SeriesStore store(int row) {
                SeriesStore s = stores.apply(row);
                return from < 0 ? s : s.forWindow(from, to);
            }

            @Override public int rows() { return rows; }
            @Override public String rowLabel(int row) { return label.apply(row); }
            @Override public long firstStep() { return first.getAsLong(); }
            @Override public long lastStep() { return last.getAsLong(); }
            @Override public String title() { return title; }

            /** log10 of the largest value; −∞ for exactly zero (a gradient that underflowed), NaN for none. */
            @Override
            public double value(int row, long from, long to) {
                float mx = largest(store(row), from, to);
                return mx > 0 ? Math.log10(mx) : mx == 0 ? Double.NEGATIVE_INFINITY : Double.NaN;
            }

            float largest(SeriesStore st, long from, long to) {
                if (st.isEmpty() || to <= st.firstStep() || from > st.lastStep()) return Float.NaN;
                float mx = Float.NaN;
                for (int b = st.bucketOf(from); b <= st.bucketOf(to - 1); b++) if (!(mx >= st.max(b))) mx = Float.isNaN(st.max(b)) ? mx : st.max(b);
                return mx;
            }

            /** The buckets overlapping [from, to) of the first row (every row's store has the same buckets). */
            @Override
            public long[] span(long from, long to) {
                SeriesStore st = store(0);
                if (st.isEmpty()) return new long[] {from, to - 1};
                long a = st.bucketStart(st.bucketOf(from)), b = st.bucketStart(st.bucketOf(to - 1)) + st.bucketWidth() - 1;
                return new long[] {Math.min(a, from), Math.min(Math.max(b, to - 1), st.lastStep())};
            }

            @Override
            public String readout(int row, long from, long to) {
                float mx = largest(store(row), from, to); // the value itself, not 10^log10 of it
                long[] sp = span(from, to);
                return Float.isNaN(mx) ? null : String.format(java.util.Locale.ROOT, sp[0] == sp[1] ? "%.4g" : "%.4g (largest)", mx);
            }

            @Override
            public boolean nonFinite(int row, long from, long to) {
                SeriesStore st = store(row);
                if (st.isEmpty() || to <= st.firstStep() || from > st.lastStep()) return false;
                for (int b = st.bucketOf(from); b <= st.bucketOf(to - 1); b++) if (st.nonFinite(b) > 0) return true;
                return false;
            }
        };
    }

    /** A logged histogram tag's counts over its steps (GradLab's bins; rows as in {@link #histogram}). */
    static HeatmapChart.Source histogramOfTag(java.util.TreeMap<Long, long[]> rows, String title) {
        return new HeatmapChart.Source() {
            @Override public int rows() { return HistogramLayout.WIDTH; }
            @Override public String title() { return title; }
            @Override public String rowLabel(int row) { return HistogramLayout.label(counter(row)); }
            @Override public boolean keyRow(int row) { return counter(row) == HistogramLayout.ZERO; }
            @Override public long firstStep() { return rows.isEmpty() ? 0 : rows.firstKey(); }
            @Override public long lastStep() { return rows.isEmpty() ? -1 : rows.lastKey(); }

            long count(int row, long from, long to) {
                long sum = 0;
                for (long[] r : rows.subMap(from, true, to, false).values()) sum += r[counter(row)];
                return sum;
            }

            @Override
            public double value(int row, long from, long to) {
                long n = count(row, from, to);
                return n > 0 ? Math.log10(n) : Double.NaN;
            }

            @Override
            public String readout(int row, long from, long to) {
                long n = count(row, from, to);
                return n > 0 ? Long.toString(n) : null;
            }
        };
    }

    /** Row → counter: the largest positive magnitudes at the top, the largest negative at the bottom, then specials. */
    static int counter(int row) {
        int mags = 2 * HistogramLayout.SIDE;
        return row < mags ? mags - 1 - row : row;
    }

    /** Rows from the largest positive magnitudes at the top to the largest negative at the bottom, then specials. */
    static HeatmapChart.Source histogram(RunViewModel d, int layer) {
        HistogramTimeline all = d.histograms();
        int rows = HistogramLayout.WIDTH;
        return new HeatmapChart.Source() {
            /** The timeline the window is read from: finer than the whole run's columns when zoomed in. */
            HistogramTimeline t = all;

            @Override
            public void window(long x0, long x1) {
                t = all.forWindow(x0, x1);
            }

            @Override public int rows() { return rows; }
            @Override public String title() { return all.preOnly() ? "histogram over time, pre-clip only" : null; }
            @Override public boolean keyRow(int row) { return counter(row) == HistogramLayout.ZERO; }
            @Override public String rowLabel(int row) { return HistogramLayout.label(counter(row)); }
            @Override public long firstStep() { return all.firstStep(); }
            @Override public long lastStep() { return all.columns() == 0 ? -1 : all.firstStep() + all.columns() * all.columnWidth() - 1; }

            @Override
            public double value(int row, long from, long to) {
                if (t.columns() == 0 || layer >= t.layers()) return Double.NaN;
                int c0 = (int) Math.max(0, (from - t.firstStep()) / t.columnWidth());
                int c1 = (int) Math.min(t.columns() - 1, (to - 1 - t.firstStep()) / t.columnWidth());
                long sum = 0;
                boolean any = false;
                for (int c = c0; c <= c1; c++) {
                    sum += t.count(c, layer, counter(row));
                    any = true;
                }
                return any && sum > 0 ? Math.log10(sum) : Double.NaN;
            }

            @Override
            public long[] span(long from, long to) {
                if (t.columns() == 0) return new long[] {from, to - 1};
                long w = t.columnWidth();
                long a = t.firstStep() + Math.max(0, (from - t.firstStep()) / w) * w, b = t.firstStep() + ((to - 1 - t.firstStep()) / w + 1) * w - 1;
                return new long[] {Math.min(a, from), Math.max(b, to - 1)};
            }

            /** A bin's count (all of its counts over the column's steps), only for the bins that have any. */
            @Override
            public String readout(int row, long from, long to) {
                double v = value(row, from, to);
                return Double.isFinite(v) ? Long.toString(Math.round(Math.pow(10, v))) : null;
            }

            @Override
            public boolean nonFinite(int row, long from, long to) {
                int k = counter(row);
                if (k != HistogramLayout.NAN && k != HistogramLayout.POS_INF && k != HistogramLayout.NEG_INF) return false;
                return value(row, from, to) >= 0;
            }
        };
    }
}
