package org.gradlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.gradlab.engine.CpuBackend;
import org.gradlab.run.AnchorModels;
import org.gradlab.run.Benchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code gradlab bench}: training-step speed of the anchor models (compare with torch_cpu_bench.py). */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time training steps of the anchor models (the shapes of app/src/test/python/torch_cpu_bench.py).")
public final class BenchCommand implements Runnable {
    @Option(names = "--models", split = ",", description = "comma-separated subset of lstm, gru, rnn-adding, gpt (default: all)")
    List<String> models = new ArrayList<>(AnchorModels.NAMES);
    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    Integer threads;
    @Option(names = "--steps", defaultValue = "30", description = "timed steps per model (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup", defaultValue = "5", description = "untimed steps first (default ${DEFAULT-VALUE})")
    int warmup;
    @Option(names = "--json", description = "print a JSON list of {model, params, ms_per_step, steps_per_s, ms_per_step_bare, telemetry_overhead_pct}")
    boolean json;

    @Override
    public void run() {
        for (String m : models) {
            if (!AnchorModels.NAMES.contains(m)) throw new UserError("unknown model '" + m + "' (expected " + String.join(", ", AnchorModels.NAMES) + ")");
        }
        if (steps < 1 || warmup < 0) throw new UserError("--steps must be >= 1 and --warmup >= 0");
        List<Map<String, Object>> rows = new ArrayList<>();
        try (CpuBackend be = threads == null ? new CpuBackend() : new CpuBackend(threads)) {
            if (!json) {
                System.out.println("backend " + be.name() + ", " + warmup + " warm-up + " + steps + " timed steps per model");
                System.out.println("ms/step = Adam step with clip norm:1.0 (as torch_cpu_bench.py) and full telemetry; bare = no clipping, no telemetry");
            }
            for (String m : models) {
                Benchmark.Result r = Benchmark.run(be, m, warmup, steps);
                if (!json) {
                    System.out.printf("%-12s params=%9d  %9.2f ms/step (median %.2f)  %8.3f steps/s   bare %8.2f ms  overhead %+5.1f%%%n",
                            r.model(), r.params(), r.msPerStep(), r.msMedian(), r.stepsPerSecond(), r.msBare(), r.overheadPercent());
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", r.model());
                row.put("params", r.params());
                row.put("ms_per_step", round(r.msPerStep()));
                row.put("steps_per_s", round(r.stepsPerSecond()));
                row.put("ms_per_step_bare", round(r.msBare()));
                row.put("telemetry_overhead_pct", round(r.overheadPercent()));
                rows.add(row);
            }
        }
        if (json) {
            try {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
