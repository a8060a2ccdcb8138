package org.gradlab.ui.chart;

import javafx.scene.paint.Color;

/** Colours shared by every chart, light and dark. */
public final class Palette {
    public static final Color[] SERIES = {Color.web("#1f77b4"), Color.web("#ff7f0e"), Color.web("#2ca02c"),
        Color.web("#d62728"), Color.web("#9467bd"), Color.web("#8c564b"), Color.web("#e377c2"), Color.web("#17becf")};
    public static final Color PRE = Color.web("#d62728"), POST = Color.web("#1f77b4"), THRESHOLD = Color.web("#2ca02c");
    public static final Color MARKER = Color.web("#9467bd"), CURSOR = Color.web("#ff7f0e"), NON_FINITE = Color.web("#ff0000");

    private static boolean dark;

    private Palette() {}

    private static int theme;

    public static void setDark(boolean d) {
        if (d != dark) theme++;
        dark = d;
    }

    /** Changes with every theme switch: a chart drawn in another theme redraws on its next refresh. */
    public static int theme() { return theme; }
    public static boolean dark() { return dark; }
    public static Color background() { return dark ? Color.web("#1e1f22") : Color.WHITE; }
    public static Color text() { return dark ? Color.web("#dddddd") : Color.web("#222222"); }
    public static Color grid() { return dark ? Color.web("#3a3b3f") : Color.web("#e6e6e6"); }

    public static Color series(int i) {
        return SERIES[Math.floorMod(i, SERIES.length)];
    }

    /** Viridis-like ramp for heatmaps, t in [0, 1]. */
    public static int heat(double t) {
        if (!(t >= 0)) return dark ? 0xFF1E1F22 : 0xFFFFFFFF;
        t = Math.min(1, t);
        double[][] stops = {{0.267, 0.005, 0.329}, {0.229, 0.322, 0.546}, {0.128, 0.567, 0.551}, {0.369, 0.789, 0.383}, {0.993, 0.906, 0.144}};
        double x = t * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) x);
        double f = x - i;
        int r = (int) (255 * (stops[i][0] + f * (stops[i + 1][0] - stops[i][0])));
        int g = (int) (255 * (stops[i][1] + f * (stops[i + 1][1] - stops[i][1])));
        int b = (int) (255 * (stops[i][2] + f * (stops[i + 1][2] - stops[i][2])));
        return 0xFF000000 | r << 16 | g << 8 | b;
    }
}
