package org.gradlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.gradlab.run.AnchorModels;
import org.gradlab.record.RunWriter;
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
    @Option(names = "--models", split = ",", description = "comma-separated subset of lstm, gru, rnn-adding, gpt (default: all), "
            + "or sizes of them: lstm-h512-t256, gru-h128-t64, rnn-h50-t100, gpt-d256; or pascanu: the step experiment "
            + "pascanu trains (50 tanh units, temporal order, batch 20, T 100, SGD; time it with --threads 1)")
    List<String> models = new ArrayList<>(AnchorModels.NAMES);
    @Option(names = "--scale", description = "the scaling table instead: the LSTM at hidden 128/256/512/1024 and T 64/256, the GPT at d 128/256/512 "
            + "(compare with scripts/torch-best --scale)")
    boolean scale;
    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();
    @Option(names = "--steps", defaultValue = "30", description = "timed steps per model (default ${DEFAULT-VALUE})")
    int steps;
    @Option(names = "--warmup", description = "untimed steps first (default: 5, then up to 60 and until the JIT has compiled "
            + "nothing for 1 s, within 20 s: so that it has compiled even the kernels called a few times a step)")
    Integer warmup;
    @Option(names = "--record", description = "also time each step with recording to disk (every step, histograms) and report the overhead")
    boolean record;
    @Option(names = "--replay", paramLabel = "RUN", description = "instead: time opening a recorded run to a full overview and random access to its steps")
    java.nio.file.Path replay;
    @Option(names = "--tensorboard", paramLabel = "LOGDIR", description = "instead: time opening a TensorBoard log directory to an overview")
    java.nio.file.Path tensorboard;
    @Option(names = "--json", description = "print a JSON list of {model, params, ms_per_step, steps_per_s, ms_per_step_clipped, ms_per_step_bare, "
            + "telemetry_overhead_pct, telemetry_overhead_pct_margin, clip_and_telemetry_overhead_pct, ms_per_step_in_run, gflop_per_step, gflops, threads[, peak_gflops, pct_of_peak]}")
    boolean json;
    @Option(names = "--ops", arity = "0..1", fallbackValue = "12", paramLabel = "N", description = "also show where each model's step goes: "
            + "the N costliest backend calls (default 12) of full steps timed call by call, matrix products (and recurrences, by theirs) with their GFLOP/s")
    Integer ops;
    @Option(names = "--peak", description = "also measure this machine's fp32 FMA peak (one core and the threads used) and report each model's share of it")
    boolean peak;

    @Override
    public void run() {
        if (replay != null) {
            benchReplay();
            return;
        }
        if (tensorboard != null) {
            benchTensorBoard();
            return;
        }
        if (scale) models = new ArrayList<>(AnchorModels.SCALE);
        for (String m : models) {
            if (!AnchorModels.known(m)) throw new UserError("unknown model '" + m + "' (expected " + String.join(", ", AnchorModels.NAMES)
                    + ", " + AnchorModels.PASCANU + ", or a size such as lstm-h512-t256 or gpt-d256)");
        }
        if (steps < 1 || warmup != null && warmup < 0) throw new UserError("--steps must be >= 1 and --warmup >= 0");
        if (ops != null && ops < 1) throw new UserError("--ops must be >= 1 (the number of operations to show), got " + ops);
        Benchmark.Warmup warm = warmup == null ? Benchmark.Warmup.AUTO
                : Benchmark.Warmup.steps(warmup);
        List<Map<String, Object>> rows = new ArrayList<>();
        int threads = deviceOptions.threads != null ? deviceOptions.threads : Runtime.getRuntime().availableProcessors();
        org.gradlab.engine.FmaPeak.Peak roof = null;
        if (peak) {
            roof = org.gradlab.engine.FmaPeak.measure(threads);
            if (!json) {
                System.out.printf("peak fp32 FMA (%s): %.1f GFLOP/s on one core, %.1f on %d threads%n",
                        roof.lanes() > 1 ? "Vector API, " + roof.lanes() + " lanes" : "scalar loop", roof.oneCore(), roof.allCores(), roof.threads());
            }
        }
        try (org.gradlab.engine.Backend be = deviceOptions.open(json ? null : System.out)) {
            if (!json) {
                System.out.println("backend " + be.name() + ", " + warm + " warm-up + " + steps + " timed steps per model");
                System.out.println("ms/step = a training step with clip norm:1.0 and full telemetry, by the model's optimizer (Adam lr 0.001 as");
                System.out.println("torch_cpu_bench.py; pascanu SGD lr 0.05 as experiment pascanu); telemetry = its cost over the same");
                System.out.println("clipped step without telemetry (± = 95% interval of the rounds' paired differences); bare = no clipping,");
                System.out.println("no telemetry (overhead = clipping and telemetry together);");
                System.out.println("in a run = the same full step, consecutive steps as a training run makes them (on a GPU one copy back per step, not two)");
            }
            for (String m : models) {
                java.util.List<RunWriter> writers = new ArrayList<>();
                Benchmark.Result r = Benchmark.run(be, m, warm, steps, record ? runner -> recorder(m, runner, writers) : null);
                for (RunWriter w : writers) closeAndDelete(w);
                double gflop = org.gradlab.run.FlopCount.step(m) / 1e9, gflops = gflop / (r.msPerStep() / 1e3);
                if (!json) {
                    String counters = be.counters();
                    if (!counters.isEmpty()) System.out.println("  device counters after " + m + " (cumulative): " + counters);
                    System.out.printf("%-15s params=%9d  %9.2f ms/step (median %.2f)  %8.3f steps/s   telemetry %+5.1f%% ±%.1f   bare %8.2f ms  overhead %+5.1f%%   in a run %8.2f ms%s%n",
                            r.model(), r.params(), r.msPerStep(), r.msMedian(), r.stepsPerSecond(), r.telemetryPercent(), r.telemetryMarginPercent(), r.msBare(), r.overheadPercent(), r.msInRun(),
                            record ? String.format("   recording %+5.1f%% (%d bytes/step)", r.recordOverheadPercent(), r.recordBytesPerStep()) : "");
                    System.out.printf("%-15s %s lr %s, %.3f GFLOP/step (matrix products)  %.1f GFLOP/s on %d threads%s%n", "",
                            r.optimizer().kind().label(), r.optimizer().lr(), gflop, gflops, threads,
                            roof == null ? "" : String.format(" = %.1f%% of the %d-thread peak", 100 * gflops / roof.allCores(), threads));
                }
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", r.model());
                row.put("device", be.name());
                row.put("params", r.params());
                row.put("optimizer", r.optimizer().kind().label());
                row.put("lr", r.optimizer().lr());
                row.put("ms_per_step", round(r.msPerStep()));
                row.put("steps_per_s", round(r.stepsPerSecond()));
                row.put("ms_per_step_clipped", round(r.msClipped()));
                row.put("ms_per_step_bare", round(r.msBare()));
                row.put("telemetry_overhead_pct", round(r.telemetryPercent()));
                if (!Double.isNaN(r.telemetryMarginPercent())) row.put("telemetry_overhead_pct_margin", round(r.telemetryMarginPercent()));
                row.put("clip_and_telemetry_overhead_pct", round(r.overheadPercent()));
                row.put("ms_per_step_in_run", round(r.msInRun()));
                row.put("gflop_per_step", round(gflop));
                row.put("gflops", round(gflops));
                row.put("threads", threads);
                if (roof != null) {
                    row.put("peak_gflops", round(roof.allCores()));
                    row.put("peak_gflops_one_core", round(roof.oneCore()));
                    row.put("pct_of_peak", round(100 * gflops / roof.allCores()));
                }
                if (ops != null) {
                    Benchmark.Profile prof = Benchmark.profile(be, m, warm, steps);
                    double peakAll = roof == null ? Double.NaN : roof.allCores();
                    if (json) row.put("ops", OpsReport.json(prof, ops, peakAll));
                    else OpsReport.print(System.out, m, prof, ops, peakAll);
                }
                if (record) {
                    row.put("record_overhead_pct", round(r.recordOverheadPercent()));
                    row.put("record_bytes_per_step", r.recordBytesPerStep());
                }
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

    /** Records into a temporary run directory (the manifest describes the anchor as the nearest run config). */
    private static Benchmark.StepSink recorder(String model, org.gradlab.engine.ParamLayout layout, java.util.List<RunWriter> writers) {
        try {
            java.nio.file.Path dir = org.gradlab.record.TemporaryRuns.create("gradlab-bench-");
            AnchorModels.Shape shape = AnchorModels.Shape.of(model);
            org.gradlab.run.RunConfig rc = shape.family().equals(AnchorModels.PASCANU) ? AnchorModels.pascanuConfig(0) : nearestConfig(shape);
            org.gradlab.run.SessionConfig sc = new org.gradlab.run.SessionConfig(rc, org.gradlab.clip.ClipSpec.parse("norm:1.0"),
                    org.gradlab.clip.NonFinitePolicy.PROPAGATE, Long.MAX_VALUE, java.util.List.of(), 0, true);
            RunWriter w = RunWriter.create(dir, org.gradlab.record.RunManifest.create(sc, layout, null));
            writers.add(w);
            return new Benchmark.StepSink() {
                @Override public void accept(org.gradlab.telemetry.StepStats s) { w.onStep(s); }
                @Override public long bytes() {
                    w.flush();
                    try {
                        return java.nio.file.Files.size(dir.resolve("steps.bin"));
                    } catch (java.io.IOException e) {
                        return 0;
                    }
                }
            };
        } catch (java.io.IOException e) {
            throw new UserError("cannot create a temporary run for --record: " + e.getMessage());
        }
    }

    /** A torch anchor as the nearest run config: the manifest describes it at its size (the recorder checks every record's shape). */
    private static org.gradlab.run.RunConfig nearestConfig(AnchorModels.Shape shape) {
        String family = shape.family(), arch = family.equals("rnn-adding") ? "rnn" : family;
        org.gradlab.run.RunConfig d = org.gradlab.run.RunConfig.defaults(arch, family.equals("rnn-adding") ? "adding" : "charlm");
        boolean gpt = family.equals("gpt");
        return new org.gradlab.run.RunConfig(d.model(), d.task(), gpt ? d.hidden() : shape.size(), d.layers(),
                d.embed(), gpt ? shape.size() : d.dim(), d.heads(), d.batch(), shape.seq(), d.optimizer(), d.init(), d.seed());
    }

    private static void closeAndDelete(RunWriter w) {
        try {
            w.close();
        } catch (java.io.IOException ignored) {
            // the run is deleted either way
        }
        org.gradlab.record.TemporaryRuns.delete(w.dir());
    }

    /** Reads every record (CRC-checked, decoded) and builds the loss and gradient-norm overview series. */
    private void benchTensorBoard() {
        try {
            long bytes;
            try (java.util.stream.Stream<java.nio.file.Path> s = java.nio.file.Files.walk(tensorboard)) {
                bytes = s.filter(java.nio.file.Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
            }
            long t0 = System.nanoTime();
            org.gradlab.record.tb.TbLogDir d = org.gradlab.record.tb.TbLogDir.open(tensorboard);
            long points = 0, steps = 0;
            for (org.gradlab.record.tb.TbLogDir.Run r : d.runs().values()) {
                org.gradlab.record.tb.TbImport plan = new org.gradlab.record.tb.TbImport(r);
                var st = plan.steps();
                steps += st.size();
                for (var series : r.scalars.values()) points += series.size();
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            System.out.printf("TensorBoard logdir %s: %.1f MB, %d runs, %,d steps, %,d scalar points; opened to an overview in %.0f ms%n",
                    tensorboard, bytes / 1e6, d.runs().size(), steps, points, ms);
        } catch (java.io.IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    private void benchReplay() {
        try {
            org.gradlab.record.ReplayBenchmark.Result r = org.gradlab.record.ReplayBenchmark.run(replay, 2000, 2000);
            if (json) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("run", replay.toString());
                row.put("steps", r.steps());
                row.put("steps_bin_bytes", r.stepsBytes());
                row.put("open_overview_ms", round(r.openOverviewMs()));
                row.put("overview_buckets", r.buckets());
                row.put("read_step_mean_ms", round(r.meanReadMs()));
                row.put("read_step_p99_ms", round(r.p99ReadMs()));
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(List.of(row)));
            } else {
                System.out.printf("run %s: %d steps, steps.bin %.1f MB (%d bytes/step)%n", replay, r.steps(), r.stepsBytes() / 1e6,
                        r.stepsBytes() / Math.max(1, r.steps()));
                System.out.printf("open + full-run overview (%d buckets): %.1f ms%n", r.buckets(), r.openOverviewMs());
                System.out.printf("random access to a step's full record: mean %.3f ms, p99 %.3f ms, max %.3f ms (2000 reads)%n",
                        r.meanReadMs(), r.p99ReadMs(), r.maxReadMs());
            }
        } catch (java.io.IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
