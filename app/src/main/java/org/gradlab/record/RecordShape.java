package org.gradlab.record;

/**
 * The array sizes every step record of a run has: tensors, layer groups, counters per histogram row, and for a
 * recurrent model the gradient-through-time readings (T per recurrent layer) and the recurrent matrices whose
 * spectral radius is measured.
 */
public record RecordShape(int tensors, int groups, int histogramWidth, int timeLayers, int timeSteps, int radii) {
    public RecordShape {
        if (tensors < 0 || groups < 0 || histogramWidth < 0 || tensors > 100_000 || groups > 100_000 || histogramWidth > 10_000
                || timeLayers < 0 || timeSteps < 0 || radii < 0 || timeLayers > 1024 || timeSteps > 1 << 16 || radii > 1024) {
            throw new IllegalArgumentException("implausible record shape " + tensors + "/" + groups + "/" + histogramWidth
                    + "/" + timeLayers + "x" + timeSteps + "/" + radii);
        }
    }

    public RecordShape(int tensors, int groups, int histogramWidth) {
        this(tensors, groups, histogramWidth, 0, 0, 0);
    }

    /** Floats of ‖∂L/∂h_t‖ per record that has them. */
    public int timeValues() {
        return timeLayers * timeSteps;
    }

    /**
     * A step record's size at most, roughly: scalars, pre- and post-clip norms per tensor and per layer, weight
     * norms and update ratios, two histogram rows per layer at a few bytes per count, the gradient through time.
     */
    public long estimatedRecordBytes() {
        return 96 + 8L * tensors + 16L * groups + 2L * groups * histogramWidth * 3 + 4L * (timeValues() + radii);
    }
}
