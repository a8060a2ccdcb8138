package org.gradlab.ui.chart;

import javafx.geometry.VPos;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Region;
import javafx.scene.text.Font;
import javafx.scene.text.TextAlignment;

/** What every chart shares: a Canvas that follows the region's size, and a cleared background with a title. */
abstract class CanvasChart extends Region {
    protected final Canvas canvas = new Canvas();
    private final long minRedrawNanos;
    private long drawnVersion = -1, drawnAt;

    /** minRedrawNanos: the shortest interval between redraws caused by new data (see {@link #refresh}). */
    CanvasChart(long minRedrawNanos) {
        this.minRedrawNanos = minRedrawNanos;
        getChildren().add(canvas);
        setMinSize(200, 120);
        setPrefSize(420, 200);
    }

    public Canvas canvas() {
        return canvas;
    }

    @Override
    protected void layoutChildren() {
        if (canvas.getWidth() != getWidth() || canvas.getHeight() != getHeight()) {
            canvas.setWidth(getWidth());
            canvas.setHeight(getHeight());
            redraw();
        }
    }

    public abstract void redraw();

    /** Redraws when the data version changed, at most once per minRedrawNanos; called every frame by the view. */
    public void refresh(long version) {
        long now = System.nanoTime();
        if (version != drawnVersion && now - drawnAt >= minRedrawNanos) {
            drawnVersion = version;
            drawnAt = now;
            redraw();
        }
    }

    /** Clears to the theme's background and writes the title top-left; leaves text settings for labels. */
    protected GraphicsContext begin(String title) {
        GraphicsContext g = canvas.getGraphicsContext2D();
        g.setFill(Palette.background());
        g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
        g.setFont(Font.font(11));
        g.setFill(Palette.text());
        g.setTextAlign(TextAlignment.LEFT);
        g.setTextBaseline(VPos.TOP);
        g.fillText(title, 6, 4);
        return g;
    }
}
