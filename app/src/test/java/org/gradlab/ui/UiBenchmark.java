package org.gradlab.ui;

import javafx.animation.AnimationTimer;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.gradlab.clip.ClipAction;
import org.gradlab.clip.ClipReport;
import org.gradlab.run.SessionItem;
import org.gradlab.run.StreamQueue;
import org.gradlab.telemetry.HistogramLayout;
import org.gradlab.telemetry.StepStats;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.view.DashboardPane;
import org.gradlab.ui.vm.RunViewModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * The UI benchmark (a main, not a timed test): a synthetic 1,000,000-step, 8-layer run goes through the real
 * view-model and the real dashboard renderers, then a producer thread pushes 1,000 more steps per second
 * while an AnimationTimer drains them and redraws, as the live view does. Reports frames per second and
 * how busy the FX thread is. Run it with {@code bash scripts/ui-bench.sh} (headless, Monocle).
 */
public final class UiBenchmark {
    static final int LAYERS = 8;

    private UiBenchmark() {}

    static StepStats synthetic(long step, SplittableRandom rng) {
        float[] tPre = new float[LAYERS * 2], tPost = new float[LAYERS * 2], lPre = new float[LAYERS], lPost = new float[LAYERS];
        float pre = (float) Math.exp(rng.nextGaussian() * 0.5 - 0.5 + (step % 50_000 == 0 ? 6 : 0));
        float coef = Math.min(1f, 1f / pre);
        for (int l = 0; l < LAYERS; l++) {
            lPre[l] = pre * (0.2f + 0.1f * l);
            lPost[l] = lPre[l] * coef;
        }
        ClipReport c = new ClipReport(pre, pre, pre * coef, coef, coef < 1, 1.0, 0, coef < 1 ? ClipAction.SCALED : ClipAction.NONE,
                coef < 1 ? 1 : 0, tPre, tPost, lPre, lPost);
        int[] h = new int[LAYERS * HistogramLayout.WIDTH];
        for (int l = 0; l < LAYERS; l++) {
            for (int b = 14; b < 24; b++) {
                h[l * HistogramLayout.WIDTH + b] = 100 + rng.nextInt(900);
                h[l * HistogramLayout.WIDTH + 2 * HistogramLayout.SIDE - 1 - b] = 100 + rng.nextInt(900);
            }
        }
        float[] w = new float[LAYERS], r = new float[LAYERS];
        Arrays.fill(w, 10f);
        Arrays.fill(r, 1e-3f);
        return new StepStats(step, 0, 0, (float) (3 * Math.exp(-step / 2e5) + 0.1 * rng.nextDouble()), 1e-3, c, false, w, r, h, h);
    }

    public static void main(String[] args) throws Exception {
        long preSteps = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<String> layers = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) layers.add("layer" + l);
        RunViewModel data = new RunViewModel("synthetic", layers);
        SplittableRandom rng = new SplittableRandom(1);
        long t0 = System.nanoTime();
        for (long k = 0; k < preSteps; k++) data.append(synthetic(k, rng));
        double fillS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("view-model filled with %,d steps × %d layers in %.2f s (%.2f µs/step)%n", preSteps, LAYERS, fillS,
                fillS * 1e6 / preSteps);

        CountDownLatch started = new CountDownLatch(1);
        Platform.startup(started::countDown);
        started.await();
        StreamQueue queue = new StreamQueue(1 << 16);
        long[] work = new long[1];
        List<Long> frameWork = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(1);
        long[] frames = new long[1], begin = new long[1];
        Platform.runLater(() -> {
            DashboardPane dash = new DashboardPane(data, new StepAxis());
            Stage stage = new Stage();
            stage.setScene(new Scene(dash, 1500, 900));
            stage.show();
            new AnimationTimer() {
                @Override
                public void handle(long now) {
                    long a = System.nanoTime();
                    for (SessionItem s : queue.drain()) if (s instanceof SessionItem.StepDone d) data.append(d.stats());
                    dash.frame();
                    long b = System.nanoTime();
                    if (begin[0] == 0) begin[0] = b;
                    frames[0]++;
                    work[0] += b - a;
                    frameWork.add(b - a);
                    if (b - begin[0] > seconds * 1_000_000_000L) {
                        stop();
                        done.countDown();
                    }
                }
            }.start();
        });
        Thread producer = new Thread(() -> {
            SplittableRandom r = new SplittableRandom(2);
            long k = preSteps, start = System.nanoTime();
            while (done.getCount() > 0) {
                long due = (System.nanoTime() - start) / 1_000_000; // 1,000 steps per second
                while (k - preSteps < due) queue.onStep(synthetic(k++, r));
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        producer.setDaemon(true);
        producer.start();
        done.await();
        double elapsed = (System.nanoTime() - begin[0]) / 1e9;
        long[] fw = frameWork.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf("live: %d frames in %.1f s = %.1f fps; FX thread busy %.1f%%; frame work mean %.2f ms, p95 %.2f ms, "
                        + "max %.2f ms; %,d steps in the view-model at the end%n", frames[0], elapsed, frames[0] / elapsed,
                100.0 * work[0] / 1e9 / elapsed, fw.length == 0 ? 0 : Arrays.stream(fw).average().orElse(0) / 1e6,
                fw.length == 0 ? 0 : fw[(int) (fw.length * 0.95)] / 1e6, fw.length == 0 ? 0 : fw[fw.length - 1] / 1e6, data.steps());
        Platform.exit();
        System.exit(0);
    }
}
