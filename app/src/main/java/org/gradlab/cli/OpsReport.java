package org.gradlab.cli;

import org.gradlab.engine.OpProfile;
import org.gradlab.run.Benchmark;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** bench --ops: a model's costliest backend calls per step, products with their GFLOP/s and share of the peak. */
final class OpsReport {
    private OpsReport() {}

    static void print(PrintStream out, String model, Benchmark.Profile p, int top, double peakGflops) {
        double total = p.ops().totalMs();
        out.printf("  where %s's step goes (%d full steps, each backend call timed to its end: %.2f ms/step, the calls %.1f%% of it):%n",
                model, p.steps(), p.wallMsPerStep(), 100 * total / p.steps() / p.wallMsPerStep());
        out.printf("    %6s  %8s  %9s  %10s  %8s%s  %s%n", "share", "ms/step", "µs/call", "calls/step", "GFLOP/s",
                Double.isNaN(peakGflops) ? "" : "  % peak", "operation");
        for (OpProfile.Line l : lines(p, top)) {
            double g = l.gflops();
            out.printf("    %5.1f%%  %8.3f  %9.1f  %10.1f  %8s%s  %s%n", 100 * l.totalMs() / total, l.totalMs() / p.steps(),
                    l.usPerCall(), (double) l.calls() / p.steps(), Double.isNaN(g) ? "" : String.format("%.1f", g),
                    Double.isNaN(peakGflops) ? "" : String.format("  %6s", Double.isNaN(g) ? "" : String.format("%.1f%%", 100 * g / peakGflops)),
                    l.op());
        }
    }

    static List<Map<String, Object>> json(Benchmark.Profile p, int top, double peakGflops) {
        double total = p.ops().totalMs();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (OpProfile.Line l : lines(p, top)) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("op", l.op());
            r.put("share_pct", round(100 * l.totalMs() / total));
            r.put("ms_per_step", round(l.totalMs() / p.steps()));
            r.put("us_per_call", round(l.usPerCall()));
            r.put("calls_per_step", round((double) l.calls() / p.steps()));
            if (!Double.isNaN(l.gflops())) {
                r.put("gflops", round(l.gflops()));
                if (!Double.isNaN(peakGflops)) r.put("pct_of_peak", round(100 * l.gflops() / peakGflops));
            }
            rows.add(r);
        }
        return rows;
    }

    private static List<OpProfile.Line> lines(Benchmark.Profile p, int top) {
        List<OpProfile.Line> all = p.ops().lines();
        return all.subList(0, Math.min(top, all.size()));
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
