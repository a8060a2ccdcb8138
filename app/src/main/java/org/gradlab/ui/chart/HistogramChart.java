package org.gradlab.ui.chart;

import javafx.geometry.VPos;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.text.TextAlignment;
import org.gradlab.telemetry.HistogramLayout;

/**
 * One step's gradient histogram for one layer on the fixed signed log-magnitude bins: pre-clip (red) and
 * post-clip (blue) bars on a log count axis, with zero, +inf, −inf and NaN counts shown as their own bars.
 */
public class HistogramChart extends CanvasChart {
    private int[] pre, post;
    private int layer;
    private String caption = "";

    public HistogramChart() {
        super(0);
    }

    /** What the panel says it shows (e.g. "step 400 histogram of rnn.l0 …"). */
    public String caption() { return caption; }

    public void show(int[] histPre, int[] histPost, int layerIndex, String text) {
        pre = histPre;
        post = histPost;
        layer = layerIndex;
        caption = text;
        redraw();
    }

    @Override
    public void redraw() {
        double w = canvas.getWidth(), h = canvas.getHeight();
        GraphicsContext g = begin(caption);
        if (pre == null) return;
        int width = HistogramLayout.WIDTH, base = layer * width;
        if (base + width > pre.length) return;
        double left = 10, right = 10, top = 34, bottom = 30;
        double pw = w - left - right, ph = h - top - bottom;
        int bars = width;
        double bw = pw / (bars + 2);
        long max = 1;
        for (int i = 0; i < width; i++) max = Math.max(max, Math.max(pre[base + i], post == null ? 0 : post[base + i]));
        double lmax = Math.log10(max + 1);
        for (int i = 0; i < width; i++) {
            double x = left + (i < 2 * HistogramLayout.SIDE ? i : i + 2) * bw;
            double hp = ph * Math.log10(pre[base + i] + 1) / lmax;
            boolean special = i >= 2 * HistogramLayout.SIDE;
            g.setFill(Palette.PRE.deriveColor(0, 1, 1, 0.55));
            g.fillRect(x, top + ph - hp, Math.max(1, bw * 0.5), hp);
            if (post == null) continue; // not in the data: no post-clip bars, not the pre-clip ones again
            double hq = ph * Math.log10(post[base + i] + 1) / lmax;
            g.setFill(special && i != HistogramLayout.ZERO && post[base + i] > 0 ? Palette.NON_FINITE : Palette.POST);
            g.fillRect(x + bw * 0.45, top + ph - hq, Math.max(1, bw * 0.5), hq);
        }
        g.setFill(Palette.text());
        g.setTextAlign(TextAlignment.CENTER);
        g.setTextBaseline(VPos.TOP);
        g.fillText("−2^14", left + bw, top + ph + 2);
        g.fillText("−1e-12 | +1e-12", left + HistogramLayout.SIDE * bw, top + ph + 2);
        g.fillText("+2^14", left + (2 * HistogramLayout.SIDE - 1) * bw, top + ph + 2);
        g.fillText("0  +inf  −inf  NaN", left + (2 * HistogramLayout.SIDE + 4) * bw, top + ph + 14);
        g.setTextAlign(TextAlignment.LEFT);
        g.setFill(Palette.PRE);
        g.fillText("■ pre-clip", 6, 18);
        g.setFill(Palette.POST);
        g.fillText(post == null ? "post-clip: not in the data" : "■ post-clip", 80, 18);
        g.setFill(Palette.text());
        g.fillText("log count, signed log-magnitude bins (×4 each)", post == null ? 250 : 170, 18);
    }
}
