package org.gradlab.model;

/** Mean squared error (regression) or softmax cross-entropy (classes, tokens); both averaged over rows. */
public enum LossKind { MSE, CROSS_ENTROPY }
