package org.gradlab.run;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The FLOP counts by hand, layer type by layer type, and the anchors' totals. */
class FlopCountTest {
    @Test
    void eachLayerTypeMatchesAHandCount() {
        assertEquals(2L * 3 * 4 * 5, FlopCount.linear(3, 4, 5), "3×4 by 4×5: 60 multiply-adds");
        // an LSTM layer, batch 2, 3 steps, input 5, hidden 7: per step x·W_ih (2×5 by 5×28) and h·W_hh (2×7 by 7×28)
        assertEquals(3L * (2 * 2 * 5 * 28 + 2 * 2 * 7 * 28), FlopCount.recurrent(2, 3, 5, 7, 4));
        // GRU: three gates
        assertEquals(3L * (2 * 2 * 5 * 21 + 2 * 2 * 7 * 21), FlopCount.recurrent(2, 3, 5, 7, 3));
        // attention, batch 2, 4 steps, width 8: qkv (8 rows × 8 → 24), QKᵀ and AV (2·4·4·8 each, per batch), out (8 → 8)
        assertEquals(2L * 8 * 8 * 24 + 2 * (2L * 2 * 4 * 4 * 8) + 2L * 8 * 8 * 8, FlopCount.attention(2, 4, 8));
        assertEquals(2L * 8 * 8 * 32 + 2L * 8 * 32 * 8, FlopCount.mlp(8, 8));
    }

    @Test
    void theAnchorsTotals() {
        // LSTM V65 E64 H256 L2 T64 B32: 1.342 G (layer 0) + 2.147 G (layer 1) + 0.068 G (head) forward
        long lstm = 64L * (2 * 32 * 64 * 1024 + 2 * 32 * 256 * 1024) + 64L * (2 * 32 * 256 * 1024 * 2) + 2L * 32 * 64 * 256 * 65;
        assertEquals(lstm, FlopCount.forward("lstm"));
        assertEquals(3 * lstm, FlopCount.step("lstm"));
        assertEquals(3_557_818_368L, FlopCount.forward("lstm"), "1,342,177,280 + 2,147,483,648 + 68,157,440: ≈ 3.56 GFLOP forward, as the engine issue measured");
        assertEquals(100L * (2 * 32 * 2 * 128 + 2 * 32 * 128 * 128) + 2L * 32 * 128, FlopCount.forward("rnn-adding"));
        long gptBlock = 2L * 2048 * 128 * 384 + 4L * 32 * 64 * 64 * 128 + 2L * 2048 * 128 * 128 + 2L * 2048 * 128 * 512 * 2;
        assertEquals(2 * gptBlock + 2L * 2048 * 128 * 65, FlopCount.forward("gpt"));
    }

    @Test
    void sizedAnchorsForTheScalingTable() {
        assertEquals(FlopCount.forward("lstm"), FlopCount.forward("lstm-h256-t64"), "the default LSTM is h256, T 64");
        assertEquals(FlopCount.forward("gpt"), FlopCount.forward("gpt-d128"));
        // LSTM hidden 512, T 256: per step layer 0 is 32×64 by 64×2048 and 32×512 by 512×2048, layer 1 twice 32×512 by 512×2048
        long lstm = 256L * (2 * 32 * 64 * 2048 + 2 * 32 * 512 * 2048) + 256L * (2 * 32 * 512 * 2048 * 2) + 2L * 32 * 256 * 512 * 65;
        assertEquals(lstm, FlopCount.forward("lstm-h512-t256"));
        long gru = 64L * (2 * 32 * 64 * 384 + 2 * 32 * 128 * 384) + 64L * (2 * 32 * 128 * 384 * 2) + 2L * 32 * 64 * 128 * 65;
        assertEquals(gru, FlopCount.forward("gru-h128-t64"));
        // GPT d 256 (T 64, B 32: 2,048 rows): qkv, QKᵀ and AV, the projection, the 4× MLP; two blocks and the head
        long block = 2L * 2048 * 256 * 768 + 4L * 32 * 64 * 64 * 256 + 2L * 2048 * 256 * 256 + 2L * 2048 * 256 * 1024 * 2;
        assertEquals(2 * block + 2L * 2048 * 256 * 65, FlopCount.forward("gpt-d256"));
        assertEquals(FlopCount.forward("rnn-adding"), FlopCount.forward("rnn-h128-t100"));
        assertEquals(100L * (2 * 32 * 2 * 50 + 2 * 32 * 50 * 50) + 2L * 32 * 50, FlopCount.forward("rnn-h50-t100"), "Pascanu's size on the adding task");
        // Pascanu's step: batch 20, T 100, six one-hot symbols into 50 tanh units, four classes from the last step
        assertEquals(100L * (2 * 20 * 6 * 50 + 2 * 20 * 50 * 50) + 2L * 20 * 50 * 4, FlopCount.forward(AnchorModels.PASCANU));
        for (String name : AnchorModels.SCALE) org.junit.jupiter.api.Assertions.assertTrue(AnchorModels.known(name), name);
        for (String bad : new String[] {"lstm-h4-t64", "lstm-h128", "gpt-d130", "gpt-d99999", "rnn-h50", "lstm-h128-t1"}) {
            org.junit.jupiter.api.Assertions.assertFalse(AnchorModels.known(bad), bad);
        }
    }

    @Test
    void aSizedAnchorIsBuiltAtItsSize() {
        try (org.gradlab.engine.CpuBackend be = new org.gradlab.engine.CpuBackend(1)) {
            // embedding 65×64; LSTM layer 0: 4·32·(64+32) + 2·4·32; layer 1: 4·32·(32+32) + 2·4·32; head 32·65 + 65
            long want = 65L * 64 + (4L * 32 * (64 + 32) + 2 * 4 * 32) + (4L * 32 * (32 + 32) + 2 * 4 * 32) + 32L * 65 + 65;
            AnchorModels.Anchor a = AnchorModels.create("lstm-h32-t8", be, 1);
            assertEquals(want, a.model().params().size());
            assertEquals(8, a.batches().apply(0).seq());
        }
    }
}
