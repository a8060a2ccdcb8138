package org.gradlab.ui.chart;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Thinned heatmap row labels keep the key row's own (a histogram's zero bin) and crowd no label beside it. */
class RowLabelsTest {
    static HeatmapChart.Source rows(int n, int key) {
        return new HeatmapChart.Source() {
            @Override public int rows() { return n; }
            @Override public String rowLabel(int row) { return "r" + row; }
            @Override public long firstStep() { return 0; }
            @Override public long lastStep() { return 1; }
            @Override public double value(int row, long from, long to) { return 0; }
            @Override public boolean keyRow(int row) { return row == key; }
        };
    }

    @Test
    void theKeyRowIsLabelledAndNoOtherLabelSitsWithinARowSpacingOfIt() {
        for (int every : new int[] {1, 2, 5, 6, 7}) {
            List<Integer> l = HeatmapChart.labelledRows(rows(58, 54), 58, every);
            assertTrue(l.contains(54), every + ": " + l);
            for (int r : l) assertFalse(r != 54 && Math.abs(r - 54) < every, every + ": " + r + " crowds the key row in " + l);
            if (every == 5) assertFalse(l.contains(55), "+inf (55) no longer stands where the zero row is: " + l);
        }
        assertEquals(List.of(0, 2, 4), HeatmapChart.labelledRows(rows(5, -1), 5, 2), "without a key row: every other row");
    }
}
