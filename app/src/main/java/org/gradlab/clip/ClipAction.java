package org.gradlab.clip;

/** What a clip strategy did to this step's gradients. */
public enum ClipAction {
    /** Left unchanged (no clipping configured, or the coefficient was exactly 1). */
    NONE,
    /** Every gradient multiplied by one coefficient (global-norm family). */
    SCALED,
    /** Some tensors scaled on their own (Keras clipnorm). */
    PER_TENSOR,
    /** Some elements clamped (value clipping). */
    CLAMPED,
    /** Some units (weight rows) scaled (AGC). */
    UNIT_WISE
}
