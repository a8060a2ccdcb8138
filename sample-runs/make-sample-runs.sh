#!/usr/bin/env bash
# Regenerates every recorded run in sample-runs/ (deterministic: same commands, same files up to timestamps).
#   bash sample-runs/make-sample-runs.sh
set -euo pipefail
cd "$(dirname "$0")"
g=../gradlab
rm -rf adding-* spike-* fork-*

# 1. Exploding gradients: a tanh RNN (Pascanu's "basic tanh" init) on the adding task (T=20) with plain SGD at a
#    high learning rate — the "Exploding tanh RNN" scenario. Without clipping the pre-clip norm climbs by orders of
#    magnitude and the loss turns NaN within 20 steps; with PyTorch-style global-norm clipping the same run stays
#    finite, clips on well under 1% of steps, and learns (evaluated on 2,000 fresh sequences at the end).
common=(--model rnn --task adding --seq 20 --hidden 64 --batch 32 --init basic-tanh --optimizer sgd --lr 0.5
        --seed 3 --checkpoint-every 2000 --threads 1)
$g train "${common[@]}" --clip none --steps 300 --eval 0 --out adding-rnn-no-clip
$g train "${common[@]}" --clip norm:1 --steps 10000 --eval 2000 --out adding-rnn-clip-norm1

# 2. One bad batch: a character-level LSTM gets a gradient 1000x too large at step 400 — without and with clipping.
lm=(--model lstm --task charlm --hidden 64 --layers 2 --embed 32 --batch 16 --seq 32 --lr 3e-3 --steps 1000 --seed 7
    --spike 400:grad:1000 --checkpoint-every 500 --eval 0 --threads 1)
$g train "${lm[@]}" --clip none --out spike-lstm-no-clip
$g train "${lm[@]}" --clip norm:1 --out spike-lstm-clip-norm1

# 3. Three clip strategies from one state: fork the unclipped spike run just before the spike.
$g fork spike-lstm-no-clip --at 390 --clip norm:1 --clip value:0.01 --clip autoclip:10 --steps 300 --out fork-spike-3-clips --threads 1

du -sh ./*/ | sort -k2
