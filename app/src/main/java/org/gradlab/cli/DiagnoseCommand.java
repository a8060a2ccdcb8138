package org.gradlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.gradlab.diagnose.BatchProbe;
import org.gradlab.diagnose.Diagnose;
import org.gradlab.diagnose.Diagnosis;
import org.gradlab.diagnose.Remedies;
import org.gradlab.diagnose.RunData;
import org.gradlab.record.EvalLog;
import org.gradlab.record.RunFileException;
import org.gradlab.record.RunFiles;
import org.gradlab.record.RunReader;
import org.gradlab.record.RunSummary;
import org.gradlab.record.tb.TbLogDir;
import org.gradlab.run.Evaluation;
import org.gradlab.run.ForkVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code gradlab diagnose RUN|LOGDIR}: reads a run as an engineer paged at night would want it read — the clip
 * regime, the spikes and what explains them, trends, NaN/inf, conditioning, threshold advice, the likely
 * causes ranked — for a GradLab run or every run of a TensorBoard log directory. {@code --probe K} rebuilds the
 * state around step K and tells a batch-tied spike from a state-tied one; {@code --try} forks the top remedies
 * from just before the first bad spike and compares them.
 */
@Command(name = "diagnose", mixinStandardHelpOptions = true,
        description = "Read a run's clipping, spikes, trends and NaN/inf, and rank their likely causes (data, learning rate, numerics, conditioning).",
        footerHeading = "%nJSON (--json), one object per run (an array for a log directory with several runs):%n",
        footer = {"  steps, clip{spec, rate, regime, windows[], changes[]}, spikes[]{step, pre_norm, score, ratio, layer, loss_before, loss_after,",
            "  recovery_steps, non_finite, explained_by}, trend, non_finite, conditioning, threshold_advice{mean_norm, healthy_window,",
            "  pascanu_range, percentiles, would_clip[]{label, threshold, rate}}, causes[]{cause, score, evidence}, probe, evaluations, notes.",
            "  regime: none | insurance (<1% of steps) | frequent | binding | constant (>=95%) | binding-from-start | unknown (not logged);",
            "  cause: data | learning-rate | numerics | conditioning | injected | none; numbers that are NaN or infinite are null."})
public final class DiagnoseCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN|LOGDIR", description = "a GradLab run or a TensorBoard log directory")
    Path target;
    @Option(names = "--json", description = "print the diagnosis as JSON (the contract above)")
    boolean json;
    @Option(names = "--probe", paramLabel = "STEP", description = "GradLab runs: rebuild the state around STEP and tell whether its spike is tied to its batch or to the weights")
    Long probe;
    @Option(names = "--try", description = "GradLab runs: fork the top remedies from just before the first bad spike and compare them")
    boolean tryRemedies;
    @Option(names = "--try-steps", paramLabel = "N", description = "steps each remedy trains (default: until 150 steps after the spike)")
    Long trySteps;
    @Option(names = "--threshold", paramLabel = "C", description = "logs that do not say what clipping did: the global-norm threshold the job "
            + "clipped at (Hugging Face's Trainer: max_grad_norm, 1.0 by default)")
    Double threshold;
    @Option(names = "--out", description = "with --try: where the remedy branches are recorded (default: RUN-remedies)")
    Path out;
    @picocli.CommandLine.Mixin
    DeviceOptions deviceOptions = new DeviceOptions();

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public void run() {
        if (!Files.exists(target)) throw new UserError("no such run or log directory: " + target);
        try {
            if (Files.exists(target.resolve(RunFiles.MANIFEST), LinkOption.NOFOLLOW_LINKS)) diagnoseRun();
            else diagnoseLogs();
        } catch (RunFileException e) {
            throw new UserError(e.getMessage());
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    private void diagnoseRun() throws IOException {
        Diagnosis d;
        try (RunReader r = RunReader.open(target)) {
            RunData data = RunData.of(r);
            if (data.size() == 0) throw new UserError(target + " has no recorded steps: nothing to diagnose");
            BatchProbe.Verdict v = null;
            if (probe != null) {
                try {
                    BatchProbe.check(r, probe);
                    if (!json) System.out.println("probing step " + probe + " (rebuilding the states around it)…");
                    v = BatchProbe.probe(r, probe);
                } catch (IllegalArgumentException e) {
                    throw new UserError(e.getMessage());
                }
            }
            List<String> evals = new ArrayList<>();
            for (Evaluation e : EvalLog.read(target)) {
                evals.add(String.format(Locale.ROOT, "step %d: %.2f%% of %d fresh sequences wrong (%s), mean loss %.4g", e.step(),
                        100 * e.errorRate(), e.sequences(), e.criterion(), e.meanLoss()));
            }
            d = Diagnose.of(data, v, evals);
            print(List.of(d));
            if (tryRemedies) tryThem(r, d);
        }
    }

    private void diagnoseLogs() throws IOException {
        if (probe != null || tryRemedies) throw new UserError("--probe and --try need a GradLab run (logs hold no training state)");
        if (threshold != null && !(threshold > 0 && Double.isFinite(threshold))) throw new UserError("--threshold must be a finite number > 0");
        TbLogDir dir;
        try {
            dir = TbLogDir.open(target);
        } catch (IOException e) {
            throw new UserError(target + " is neither a GradLab run (no run.json) nor a TensorBoard log directory (" + e.getMessage() + ")");
        }
        List<Diagnosis> all = new ArrayList<>();
        for (TbLogDir.Run run : dir.runs().values()) {
            RunData data;
            try {
                data = RunData.of(dir, run, threshold == null ? Double.NaN : threshold);
            } catch (IllegalArgumentException e) {
                throw new UserError(e.getMessage());
            }
            if (data.size() == 0) continue;
            all.add(Diagnose.of(data, null, List.of()));
        }
        if (all.isEmpty()) throw new UserError(target + ": no logged steps to diagnose");
        print(all);
    }

    private void print(List<Diagnosis> ds) throws IOException {
        if (json) {
            if (ds.size() == 1) {
                System.out.println(MAPPER.writeValueAsString(ds.get(0).json()));
            } else {
                ArrayNode a = MAPPER.createArrayNode();
                ds.forEach(d -> a.add(d.json()));
                System.out.println(MAPPER.writeValueAsString(a));
            }
        } else {
            for (Diagnosis d : ds) System.out.println(d.text());
        }
    }

    /** Forks the remedies the diagnosis suggests and prints how each did over the same steps. */
    private void tryThem(RunReader r, Diagnosis d) throws IOException {
        Remedies.Plan plan = Remedies.plan(d, r.manifest().session(), r.firstStep());
        if (plan == null) {
            System.out.println("nothing to try: no spike or NaN/inf to fix");
            return;
        }
        long steps = trySteps != null ? trySteps : Math.max(100, plan.problemStep() + 150 - plan.forkAt());
        Path dir = out != null ? out : target.resolveSibling(target.getFileName() + "-remedies");
        System.out.println("trying remedies from step " + plan.forkAt() + " (before the " + plan.problem() + " at step " + plan.problemStep() + "):");
        List<Path> branches;
        try (org.gradlab.engine.Backend be = deviceOptions.open(System.out)) {
            branches = Branches.run(target, r, plan.forkAt(), plan.variants(), steps, dir, be, System.out);
        }
        long from = plan.problemStep(), to = plan.forkAt() + steps - 1;
        System.out.printf("%nremedies compared over steps %d–%d (the problem and after):%n", from, to);
        System.out.printf("  %-40s %12s %13s %10s %9s%n", "branch", "mean loss", "max pre-norm", "clip rate", "NaN/inf");
        for (int i = 0; i < branches.size(); i++) {
            try (RunReader b = RunReader.open(branches.get(i))) {
                RunSummary s = RunSummary.of(b.index(), Double.NaN);
                ForkVariant v = plan.variants().get(i);
                System.out.printf("  %-40s %12s %13s %9.1f%% %9d%n", v.label() + (i == 0 ? " (as recorded)" : ""),
                        InspectCommand.num((float) RunSummary.meanLoss(b.index(), from, to)), InspectCommand.num(s.maxPreNorm()),
                        100 * s.clipRate(), s.nonFiniteSteps());
            }
        }
    }
}
