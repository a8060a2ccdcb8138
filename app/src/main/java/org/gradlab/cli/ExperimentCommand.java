package org.gradlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.CpuBackend;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.record.EvalLog;
import org.gradlab.record.RunWriter;
import org.gradlab.run.Evaluation;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.TrainingSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code gradlab experiment pascanu}: Pascanu, Mikolov and Bengio's Figure 7 as a command — the success rate of a
 * small RNN on a long-memory task as the sequences get longer, with and without clipping. Every cell (length,
 * seed, arm) trains until it solves the task (under 1% of fresh sequences wrong, confirmed on 10,000) or runs
 * out of steps; cells run in parallel on all cores; each is recorded as a run; the table and a PNG of success
 * rate against length come at the end.
 */
@Command(name = "experiment", mixinStandardHelpOptions = true, description = "Run a published experiment as a grid of recorded runs.",
        subcommands = {ExperimentCommand.Pascanu.class})
public final class ExperimentCommand implements Runnable {
    @Override
    public void run() {
        throw new UserError("name the experiment: gradlab experiment pascanu (see --help)");
    }

    @Command(name = "pascanu", mixinStandardHelpOptions = true,
            description = "Pascanu et al. 2013, Fig. 7: success rate against sequence length, with and without clipping "
                    + "(and with their regulariser: an arm norm:1+omega:4).")
    public static final class Pascanu implements Runnable {
        @Option(names = "--lengths", split = ",", defaultValue = "20,35,50,70", description = "sequence lengths (default ${DEFAULT-VALUE})")
        List<Integer> lengths;
        @Option(names = "--seeds", defaultValue = "5", description = "seeds per length and arm (default ${DEFAULT-VALUE})")
        int seeds;
        @Option(names = "--steps", defaultValue = "30000", description = "most steps a cell trains (default ${DEFAULT-VALUE})")
        long steps;
        @Option(names = "--arms", split = ",", defaultValue = "none,norm:1", description = "arms compared: clip specs, each optionally with "
                + "Pascanu's regulariser as SPEC+omega:ALPHA (none = their SGD, norm:1 = SGD-C, norm:1+omega:4 = SGD-CR; default ${DEFAULT-VALUE})")
        List<String> arms;
        @Option(names = "--task", defaultValue = "temporal-order", description = "the task (default ${DEFAULT-VALUE})")
        String task;
        @Option(names = "--model", defaultValue = "rnn", description = "rnn or rnn-sigmoid (default ${DEFAULT-VALUE})")
        String model;
        @Option(names = "--init", defaultValue = "smart-tanh", description = "sigmoid, basic-tanh or smart-tanh (default ${DEFAULT-VALUE})")
        String init;
        @Option(names = "--lr", defaultValue = "0.05", description = "SGD learning rate, no momentum (default ${DEFAULT-VALUE}; the paper: 0.01 for up to 5M updates)")
        double lr;
        @Option(names = "--hidden", defaultValue = "50", description = "hidden units (default ${DEFAULT-VALUE})")
        int hidden;
        @Option(names = "--batch", defaultValue = "20", description = "sequences per batch (default ${DEFAULT-VALUE})")
        int batch;
        @Option(names = "--eval-every", defaultValue = "1000", description = "steps between success checks (default ${DEFAULT-VALUE})")
        long evalEvery;
        @Option(names = "--parallel", description = "cells trained at once (default: one per core)")
        Integer parallel;
        @Option(names = "--out", defaultValue = "runs/pascanu", description = "folder for the cells' runs, results.json and pascanu.png "
                + "(default ${DEFAULT-VALUE})")
        Path out;

        /** One cell's outcome. */
        record Cell(int length, long seed, String arm, boolean solved, long steps, double errorRate, Path run, boolean diverged, double clipRate) {}

        @Override
        public void run() {
            if (seeds < 1 || steps < 1 || evalEvery < 1 || lengths.isEmpty() || arms.isEmpty()) {
                throw new UserError("--seeds, --steps, --eval-every must be >= 1 and --lengths, --arms not empty");
            }
            for (String a : arms) PascanuArm.parse(a);
            int workers = parallel != null ? parallel : Runtime.getRuntime().availableProcessors();
            if (workers < 1 || workers > 4 * Runtime.getRuntime().availableProcessors()) throw new UserError("--parallel must be 1–" + 4 * Runtime.getRuntime().availableProcessors());
            List<Object[]> plan = new ArrayList<>();
            for (int t : lengths) for (long s = 1; s <= seeds; s++) for (String a : arms) plan.add(new Object[] {t, s, a});
            // check every cell's config before anything trains
            for (Object[] p : plan) {
                String problem = org.gradlab.run.RunSettings.problem(config((int) p[0], (long) p[1], (String) p[2]));
                if (problem != null) throw new UserError(problem);
            }
            try (var entries = Files.exists(out) ? Files.list(out) : java.util.stream.Stream.<Path>empty()) {
                if (entries.findAny().isPresent()) throw new UserError("--out " + out + " is not empty: give the experiment a new folder");
            } catch (java.io.IOException e) {
                throw new UserError("cannot read --out " + out + ": " + e.getMessage());
            }
            System.out.printf(Locale.ROOT, "Pascanu et al. Fig. 7: %s, %d-unit %s (%s init), SGD lr %g, batch %d; lengths %s × %d seeds × arms %s = %d cells, "
                    + "up to %,d steps each, %d at a time; success: < 1%% of fresh sequences wrong (checked every %,d steps, confirmed on 10,000)%n",
                    task, hidden, model, init, lr, batch, lengths, seeds, arms, plan.size(), steps, workers, evalEvery);
            long units = 0;
            for (Object[] p : plan) units += steps * (int) p[0];
            List<Cell> cells = new ArrayList<>();
            double wall;
            ExecutorService pool = Executors.newFixedThreadPool(workers);
            try (GridProgress progress = new GridProgress(System.out, System.console() != null, units, plan.size())) {
                List<Future<Cell>> futures = new ArrayList<>();
                for (Object[] p : plan) {
                    futures.add(pool.submit(() -> {
                        Cell c = train((int) p[0], (long) p[1], (String) p[2], progress);
                        String outcome = c.solved() ? String.format(Locale.ROOT, "solved at step %,d (%.2f%% wrong)", c.steps(), 100 * c.errorRate())
                                : c.diverged() ? String.format(Locale.ROOT, "diverged (NaN/inf) by step %,d", c.steps())
                                : String.format(Locale.ROOT, "not solved in %,d steps (%.1f%% wrong)", c.steps(), 100 * c.errorRate());
                        if (PascanuArm.parse(c.arm()).clips()) outcome += String.format(Locale.ROOT, "; clipped %.1f%% of steps", 100 * c.clipRate());
                        progress.cellDone((steps - c.steps()) * c.length(), String.format(Locale.ROOT, "%.0f s  T=%d seed %d %s: %s",
                                progress.elapsedSeconds(), c.length(), c.seed(), c.arm(), outcome));
                        return c;
                    }));
                }
                pool.shutdown();
                for (Future<Cell> f : futures) cells.add(f.get());
                wall = progress.elapsedSeconds();
            } catch (Exception e) {
                pool.shutdownNow();
                throw new UserError("the experiment stopped: " + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
            }
            printTable(cells, wall);
            try {
                Files.createDirectories(out);
                writeJson(cells, wall, out.resolve("results.json"));
                PascanuPlot.write(cells, lengths, arms, seeds, out.resolve("pascanu.png"), title());
                System.out.println("runs, results.json and pascanu.png in " + out);
            } catch (java.io.IOException e) {
                throw new UserError("cannot write the results: " + e.getMessage());
            }
        }

        String title() {
            return String.format(Locale.ROOT, "%s, %d-unit %s (%s), SGD lr %s, %d seeds, up to %,d steps", task, hidden, model, init, lr, seeds, steps);
        }

        private SessionConfig config(int length, long seed, String arm) {
            OptimizerConfig oc = OptimizerConfig.defaults(OptimizerConfig.Kind.SGD, lr);
            PascanuArm a = PascanuArm.parse(arm);
            RunConfig rc = new RunConfig(model, task, hidden, 1, 32, 64, 4, batch, length, oc, init, seed, a.omega());
            // telemetry on: a cell that failed is recorded with its gradient norms, so diagnose can say what they did
            return new SessionConfig(rc, a.clip(), NonFinitePolicy.PROPAGATE, steps, List.of(), 0, true);
        }

        private Cell train(int length, long seed, String arm, GridProgress progress) throws Exception {
            Path dir = out.resolve(String.format(Locale.ROOT, "T%d-seed%d-%s", length, seed, PascanuArm.parse(arm).fileName()));
            try (CpuBackend be = new CpuBackend(1)) {
                TrainingSession s = new TrainingSession(be, config(length, seed, arm));
                java.util.concurrent.atomic.AtomicLong clipped = new java.util.concurrent.atomic.AtomicLong();
                s.addListener(new org.gradlab.run.SessionListener() {
                    @Override
                    public void onStep(org.gradlab.telemetry.StepStats st) {
                        if (st.clip() != null && st.clip().clipped()) clipped.incrementAndGet();
                    }
                });
                RunWriter w = RunWriter.record(s, dir, null);
                Evaluation last = null;
                boolean ok = false, diverged = false;
                long at = 0;
                try {
                    s.start(true);
                    long chunk = Math.min(evalEvery, 200); // the bar moves between checks
                    while (at < steps) {
                        long next = Math.min(at + chunk, steps);
                        s.submit(new org.gradlab.run.Command.RunTo(next)).get();
                        progress.add((next - at) * length);
                        at = next;
                        if (at % evalEvery != 0 && at < steps) continue;
                        last = s.submit(new org.gradlab.run.Command.Evaluate(1000)).get();
                        if (Double.isNaN(last.meanLoss()) || Double.isInfinite(last.meanLoss())) {
                            diverged = true;
                            break;
                        }
                        if (last.errorRate() < 0.01) {
                            last = s.submit(new org.gradlab.run.Command.Evaluate(10_000)).get();
                            if (last.solved()) {
                                ok = true;
                                break;
                            }
                        }
                    }
                } finally {
                    s.close();
                    w.close();
                }
                if (last != null) EvalLog.append(dir, last);
                return new Cell(length, seed, arm, ok, at, last == null ? Double.NaN : last.errorRate(), dir, diverged,
                        at == 0 ? 0 : (double) clipped.get() / at);
            }
        }

        private void printTable(List<Cell> cells, double wall) {
            System.out.printf(Locale.ROOT, "%nsuccess rate (solved seeds / %d), median steps to success, mean share of steps clipped; %.1f min on %d cores%n", seeds, wall / 60,
                    Runtime.getRuntime().availableProcessors());
            StringBuilder head = new StringBuilder(String.format("%8s", "length"));
            for (String a : arms) head.append(String.format("  %-34s", a));
            System.out.println(head);
            for (int t : lengths) {
                StringBuilder row = new StringBuilder(String.format("%8d", t));
                for (String a : arms) {
                    List<Cell> cs = cells.stream().filter(c -> c.length() == t && c.arm().equals(a)).toList();
                    long ok = cs.stream().filter(Cell::solved).count();
                    long[] st = cs.stream().filter(Cell::solved).mapToLong(Cell::steps).sorted().toArray();
                    double clip = cs.stream().mapToDouble(Cell::clipRate).average().orElse(0);
                    List<String> notes = new ArrayList<>();
                    if (st.length > 0) notes.add(String.format(Locale.ROOT, "median %,d", st[st.length / 2]));
                    if (PascanuArm.parse(a).clips()) notes.add(String.format(Locale.ROOT, "clips %.1f%%", 100 * clip));
                    row.append(String.format(Locale.ROOT, "  %-34s", ok + "/" + cs.size() + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")")));
                }
                System.out.println(row);
            }
        }

        private void writeJson(List<Cell> cells, double wall, Path file) throws java.io.IOException {
            ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode root = m.createObjectNode().put("experiment", "pascanu-fig7").put("task", task).put("model", model).put("init", init)
                    .put("lr", lr).put("hidden", hidden).put("batch", batch).put("max_steps", steps).put("seeds", seeds).put("wall_seconds", wall);
            ArrayNode a = root.putArray("cells");
            for (Cell c : cells) {
                ObjectNode n = a.addObject().put("length", c.length()).put("seed", c.seed()).put("arm", c.arm()).put("solved", c.solved())
                        .put("steps", c.steps()).put("diverged", c.diverged()).put("clip_rate", c.clipRate()).put("run", out.relativize(c.run()).toString());
                if (Double.isFinite(c.errorRate())) n.put("error_rate", c.errorRate());
                else n.putNull("error_rate");
            }
            Files.writeString(file, m.writeValueAsString(root));
        }
    }
}
