package org.gradlab.ui.chart;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** Marker labels that would overprint stack into rows; labels with room stay on the first. */
class MarkerLabelsTest {
    @Test
    void neighboursStackAndLabelsWithRoomShareTheFirstRow() {
        // a fork at x=100 and a spike at x=110 (labels 30 and 90 px wide), then a clip change far right
        assertArrayEquals(new int[] {0, 1, 0}, CanvasChart.labelRows(new double[] {100, 110, 400}, new double[] {30, 90, 40}));
        // three at one spot take three rows; the fourth, past the first row's label, goes back to it
        assertArrayEquals(new int[] {0, 1, 2, 0}, CanvasChart.labelRows(new double[] {50, 50, 50, 120}, new double[] {40, 40, 40, 40}));
        assertArrayEquals(new int[] {0, 0}, CanvasChart.labelRows(new double[] {0, 200}, new double[] {50, 50}));
    }
}
