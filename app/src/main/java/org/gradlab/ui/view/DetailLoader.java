package org.gradlab.ui.view;

import javafx.application.Platform;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.ui.vm.RunViewModel;

import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Keeps a zoomed view exact: when the axis shows a window narrower than the run's buckets can resolve, that
 * window's records are read off the FX thread and attached to the view-model as its finer stores
 * ({@link RunViewModel#attachDetail}). Used by Replay (the run's files) and Live (its recording).
 */
final class DetailLoader {
    /** Reads the records around [from, to] into a view-model of their own (null: nothing to read). */
    interface Source {
        RunViewModel read(long from, long to) throws Exception;
    }

    private final StepAxis axis;
    private final RunViewModel data;
    private final Source source;
    private final Executor io;
    private final Consumer<String> onError;
    private volatile long asked = Long.MIN_VALUE;
    private long coveredFrom = -1, coveredTo = -1;

    DetailLoader(StepAxis axis, RunViewModel data, Source source, Executor io, Consumer<String> onError) {
        this.axis = axis;
        this.data = data;
        this.source = source;
        this.io = io;
        this.onError = onError;
        axis.fromProperty().addListener((o, a, b) -> request());
        axis.toProperty().addListener((o, a, b) -> request());
    }

    private void request() {
        long from = axis.fromProperty().get(), to = axis.toProperty().get();
        var loss = data.series(RunViewModel.Scalar.LOSS);
        if (from < 0 || to < 0 || loss.isEmpty() || loss.bucketWidth() == 1 || to - from > org.gradlab.ui.vm.ReplayModel.DETAIL_STEPS) return;
        if (loss.forWindow(from, to) != loss) return; // recent steps (live) or a detail already read cover it
        if (coveredFrom >= 0 && coveredFrom <= from && coveredTo >= Math.min(to, loss.lastStep())) return;
        long ask = from * 31 + to;
        asked = ask;
        io.execute(() -> {
            if (asked != ask) return; // a newer zoom came in first
            try {
                RunViewModel d = source.read(from, to);
                if (d == null) return;
                Platform.runLater(() -> {
                    data.attachDetail(d);
                    var l = d.series(RunViewModel.Scalar.LOSS);
                    coveredFrom = l.firstStep();
                    coveredTo = l.lastStep();
                });
            } catch (Exception e) {
                Platform.runLater(() -> onError.accept("cannot read steps " + from + "–" + to + ": " + e.getMessage()));
            }
        });
    }
}
