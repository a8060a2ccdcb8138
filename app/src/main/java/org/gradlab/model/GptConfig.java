package org.gradlab.model;

/** Tiny GPT: token + learned position embeddings, pre-LN blocks (attention, GELU MLP 4×), final LN, head. */
public record GptConfig(int vocab, int dim, int heads, int layers, int blockSize, float lnEps, boolean geluTanh,
                        int batch, int seq) {
    public GptConfig {
        if (vocab <= 0 || dim <= 0 || heads <= 0 || layers <= 0 || batch <= 0 || seq <= 0) {
            throw new IllegalArgumentException("sizes must be positive: " + this);
        }
        if (dim % heads != 0) throw new IllegalArgumentException("dim " + dim + " is not divisible by heads " + heads);
        if (seq > blockSize) throw new IllegalArgumentException("seq " + seq + " exceeds block size " + blockSize);
    }
}
