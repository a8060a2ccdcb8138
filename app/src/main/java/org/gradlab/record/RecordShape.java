package org.gradlab.record;

/** The array sizes every step record of a run has: tensors, layer groups, counters per histogram row. */
public record RecordShape(int tensors, int groups, int histogramWidth) {
    public RecordShape {
        if (tensors < 0 || groups < 0 || histogramWidth < 0 || tensors > 100_000 || groups > 100_000 || histogramWidth > 10_000) {
            throw new IllegalArgumentException("implausible record shape " + tensors + "/" + groups + "/" + histogramWidth);
        }
    }

    /**
     * A step record's size at most, roughly: scalars, pre- and post-clip norms per tensor and per layer, weight
     * norms and update ratios, and two histogram rows per layer at a few bytes per count.
     */
    public long estimatedRecordBytes() {
        return 96 + 8L * tensors + 16L * groups + 2L * groups * histogramWidth * 3;
    }
}
