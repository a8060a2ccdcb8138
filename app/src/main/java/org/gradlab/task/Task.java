package org.gradlab.task;

/** A seeded, deterministic stream of batches: batch k depends only on (seed, k). */
public interface Task {
    String name();

    TaskShape shape();

    int batchSize();

    int seqLen();

    /** Fills and returns batch k of the training stream (the returned arrays are reused). */
    Batch batch(long k);

    /** A batch from a separate, fresh stream for evaluation (never seen in training). */
    Batch evalBatch(long k);

    /** Number of sequences of the batch the model got wrong, by the task's success criterion. */
    int errors(Batch b, float[] outputs);

    /** The paper's criterion in words, e.g. "< 1% of 10,000 fresh sequences wrong". */
    String criterion();
}
