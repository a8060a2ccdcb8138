package org.gradlab.model;

/**
 * A stacked recurrent model: float features (inputSize) or tokens through an embedding (vocab, embed), then
 * `layers` cells of width `hidden`, then a linear head of `outputs` units on the last step or on every step.
 */
public record SequenceModelConfig(CellType cell, int inputSize, int vocab, int embed, int hidden, int layers,
                                  int outputs, boolean everyStep, LossKind loss, int batch, int seq) {
    public SequenceModelConfig {
        if (hidden <= 0 || layers <= 0 || outputs <= 0 || batch <= 0 || seq <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + this);
        }
        if ((vocab > 0) == (inputSize > 0)) throw new IllegalArgumentException("give either vocab or inputSize");
        if (vocab > 0 && embed <= 0) throw new IllegalArgumentException("embed must be positive with a vocabulary");
    }

    public boolean tokens() {
        return vocab > 0;
    }
}
