package org.gradlab.ui.view;

import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import org.controlsfx.control.RangeSlider;
import org.gradlab.ui.chart.StepAxis;
import org.gradlab.overview.SeriesStore;

import java.util.function.Supplier;

/**
 * Zoom on the step axis with ControlsFX's RangeSlider: the two thumbs set the shown window on the shared
 * {@link StepAxis}, so every chart of a view zooms together. With both thumbs at the ends the view follows
 * the whole run (and a live run's newest steps).
 */
final class StepZoom {
    private StepZoom() {}

    static RangeSlider attach(StepAxis axis, Supplier<SeriesStore> extent) {
        RangeSlider r = new RangeSlider(0, 1, 0, 1);
        r.setId("zoomSlider");
        r.setPrefWidth(320);
        HBox.setHgrow(r, Priority.SOMETIMES);
        // one change at a time: the thumbs moving the axis must not be moved back by the axis half-way, and the
        // thumbs being set to match the axis are not a user's zoom
        boolean[] busy = {false};
        Runnable apply = () -> {
            if (busy[0]) return;
            busy[0] = true;
            try {
                boolean all = r.getLowValue() <= r.getMin() && r.getHighValue() >= r.getMax();
                long lo = Math.round(r.getLowValue()), hi = Math.round(r.getHighValue());
                axis.fromProperty().set(all ? -1 : lo);
                axis.toProperty().set(all ? -1 : hi);
            } finally {
                busy[0] = false;
            }
        };
        r.lowValueProperty().addListener((o, a, b) -> apply.run());
        r.highValueProperty().addListener((o, a, b) -> apply.run());
        // the other way too: a wheel zoom or a drag on a chart moves the thumbs
        Runnable show = () -> {
            if (busy[0]) return;
            double lo = axis.fromProperty().get() < 0 ? r.getMin() : axis.fromProperty().get();
            double hi = axis.toProperty().get() < 0 ? r.getMax() : axis.toProperty().get();
            if (lo == r.getLowValue() && hi == r.getHighValue()) return;
            busy[0] = true;
            try {
                r.setHighValue(Math.max(hi, r.getLowValue()));
                r.setLowValue(lo);
                r.setHighValue(hi);
            } finally {
                busy[0] = false;
            }
        };
        axis.fromProperty().addListener((o, a, b) -> show.run());
        axis.toProperty().addListener((o, a, b) -> show.run());
        return r;
    }

    /** Keeps the slider's range on the run's extent; thumbs at an end stay at that end as the run grows. */
    static void follow(RangeSlider r, SeriesStore s) {
        if (s.isEmpty()) return;
        double min = s.firstStep(), max = Math.max(s.lastStep(), s.firstStep() + 1);
        if (r.getMin() == min && r.getMax() == max) return;
        boolean lowAtEnd = r.getLowValue() <= r.getMin(), highAtEnd = r.getHighValue() >= r.getMax();
        r.setMax(max);
        r.setMin(min);
        if (lowAtEnd) r.setLowValue(min);
        if (highAtEnd) r.setHighValue(max);
    }
}
