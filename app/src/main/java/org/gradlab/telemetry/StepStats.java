package org.gradlab.telemetry;

import org.gradlab.clip.ClipReport;

/**
 * Everything recorded about one optimizer step. Arrays are per layer group (layout order) and must not be
 * modified. Histograms are rows of {@link org.gradlab.engine.HistogramBins#WIDTH} counts per layer, with
 * fixed bin edges for the whole run; {@code histPre} is before clipping, {@code histPost} after.
 *
 * @param step          0-based step index (the data cursor)
 * @param wallMillis    wall-clock time the step finished (epoch ms)
 * @param stepNanos     how long the step took
 * @param loss          training loss of the step's batch
 * @param lr            learning rate in force
 * @param clip          what clipping did (pre/post norms, coefficient, threshold, action…)
 * @param skipped       whether the update was dropped by the non-finite policy
 * @param weightNorms   per-layer L2 norm of the weights after the update
 * @param updateRatios  per-layer ‖Δw‖/‖w‖ of this update (0 when skipped)
 * @param histPre       per-layer pre-clip gradient histograms (null when histograms are off)
 * @param histPost      per-layer post-clip gradient histograms (null when off)
 * @param timeGrads     recurrent models: ‖∂L/∂h_t‖ per recurrent layer (bottom first) for t = 1…T, layer-major, the
 *                      gradient reaching each time step's output before clipping (null when not measured)
 * @param radii         recurrent models: the spectral radius of each square recurrent matrix after this step's
 *                      update, on the steps it was measured (null on the others)
 */
public record StepStats(long step, long wallMillis, long stepNanos, float loss, double lr, ClipReport clip,
                        boolean skipped, float[] weightNorms, float[] updateRatios, int[] histPre, int[] histPost,
                        float[] timeGrads, float[] radii) {
    /** Stats without the recurrent readings (non-recurrent models, imported logs). */
    public StepStats(long step, long wallMillis, long stepNanos, float loss, double lr, ClipReport clip,
                     boolean skipped, float[] weightNorms, float[] updateRatios, int[] histPre, int[] histPost) {
        this(step, wallMillis, stepNanos, loss, lr, clip, skipped, weightNorms, updateRatios, histPre, histPost, null, null);
    }

    public int layers() {
        return weightNorms.length;
    }

    /**
     * The one definition of a non-finite step, used by training (the non-finite policy), the pause rules, the
     * CLI, the index, the CSV and the app: a NaN/inf loss, any NaN/inf gradient value, or a pre-clip global
     * norm that overflowed to infinity although every value was finite. (A NaN pre-clip norm alone is not
     * counted: in an imported log it means "not logged".)
     */
    public static boolean isNonFinite(double loss, double preNorm, double nonFiniteValues) {
        return !Double.isFinite(loss) || nonFiniteValues > 0 || Double.isInfinite(preNorm);
    }

    public boolean nonFinite() {
        return clip == null ? !Float.isFinite(loss) : isNonFinite(loss, clip.preNorm(), clip.nonFinite());
    }
}
