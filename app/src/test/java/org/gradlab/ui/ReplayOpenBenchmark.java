package org.gradlab.ui;

import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.InitRule;
import org.gradlab.engine.ParamLayout;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.view.DashboardPane;
import org.gradlab.ui.vm.ReplayModel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * The replay benchmark (a main, not a timed test), through the app's own path: a synthetic recorded run of N
 * steps × 8 layer groups with every step's histograms (written by the real recorder, once, into DIR), then
 * {@link ReplayModel#load} — from the recorder's summary.bin, or reading every record where there is none — and the dashboard's first full frame, then scrubbing:
 * the cursor moved to 100 random steps, each move reading that step's record and redrawing, as the Replay tab's
 * scrubber does. Run with {@code bash scripts/ui-bench.sh replay N DIR} (headless, Monocle).
 */
public final class ReplayOpenBenchmark {
    private ReplayOpenBenchmark() {}

    static void write(Path dir, long steps) throws Exception {
        ParamLayout.Builder b = new ParamLayout.Builder();
        for (int l = 0; l < UiBenchmark.LAYERS; l++) {
            b.add("layer" + l + ".weight", "layer" + l, InitRule.uniform(1), 8, 8);
            b.add("layer" + l + ".bias", "layer" + l, InitRule.uniform(1), 8);
        }
        RunConfig rc = new RunConfig("rnn", "adding", 8, 1, 8, 16, 2, 4, 16, OptimizerConfig.defaults(OptimizerConfig.Kind.ADAM, 1e-3),
                RunConfig.DEFAULT_INIT, 1);
        SessionConfig sc = new SessionConfig(rc, ClipSpec.parse("norm:1"), NonFinitePolicy.PROPAGATE, steps, List.of(), 0, true);
        SplittableRandom rng = new SplittableRandom(1);
        try (RunWriter w = RunWriter.create(dir, RunManifest.create(sc, b.build(), null))) {
            for (long k = 0; k < steps; k++) w.onStep(UiBenchmark.synthetic(k, rng));
        }
    }

    /** On the FX thread: the dashboard's first full frame, then 100 cursor moves; {first frame ms, ms per move}. */
    static double[] firstFrameAndScrub(ReplayModel m, int sitting) throws Exception {
        long a = System.nanoTime();
        DashboardPane dash = new DashboardPane(m.data(), new StepAxis());
        dash.setFollowLatest(false);
        Stage stage = new Stage();
        stage.setScene(new Scene(dash, 1500, 900));
        stage.show();
        dash.frame();
        dash.layout();
        long first = System.nanoTime();
        SplittableRandom r = new SplittableRandom(sitting);
        long work = 0;
        for (int i = 0; i < 100; i++) {
            long s0 = System.nanoTime();
            long k = r.nextLong(m.firstStep(), m.lastStep() + 1);
            dash.axis().cursorProperty().set(k);
            StepStats s = m.record(k);
            dash.showHistogram(s);
            dash.frame();
            work += System.nanoTime() - s0;
        }
        stage.close();
        return new double[] {(first - a) / 1e6, work / 1e6 / 100};
    }

    public static void main(String[] args) throws Exception {
        long steps = Long.parseLong(args[0]);
        Path dir = Path.of(args[1]);
        if (!Files.exists(dir.resolve("run.json"))) {
            long t0 = System.nanoTime();
            write(dir, steps);
            System.out.printf("wrote %,d steps in %.1f s%n", steps, (System.nanoTime() - t0) / 1e9);
        }
        Platform.setImplicitExit(false); // each sitting closes its window
        Platform.startup(() -> { });
        for (int sit = 0; sit < 3; sit++) {
            int sitting = sit;
            long t0 = System.nanoTime();
            ReplayModel m = ReplayModel.load(dir);
            long t1 = System.nanoTime();
            CompletableFuture<double[]> frame = new CompletableFuture<>();
            Platform.runLater(() -> {
                try {
                    frame.complete(firstFrameAndScrub(m, sitting));
                } catch (Throwable e) {
                    frame.completeExceptionally(e);
                }
            });
            double[] f = frame.get();
            System.out.printf("sitting %d: %,d steps: load (%s) %.0f ms, first full frame %.0f ms, total to first frame %.0f ms; "
                    + "scrubbing: %.1f ms per cursor move = %.0f moves/s%n", sitting + 1, m.data().steps(), m.summarised() ? "summary.bin" : "every record", (t1 - t0) / 1e6, f[0],
                    (t1 - t0) / 1e6 + f[0], f[1], 1000 / f[1]);
            m.close();
        }
        Platform.exit();
        System.exit(0);
    }
}
