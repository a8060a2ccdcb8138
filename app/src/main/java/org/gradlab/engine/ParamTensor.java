package org.gradlab.engine;

import java.util.Arrays;

/**
 * One parameter tensor inside the flat buffer: its PyTorch-style name, shape, offset, the layer group it is
 * reported under, and how it is initialised by default.
 */
public record ParamTensor(String name, int[] shape, int offset, int size, String group, InitRule init) {
    public ParamTensor {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Rows of a PyTorch [out, in] weight (output units); a vector is one row. */
    public int rows() {
        return shape.length <= 1 ? 1 : shape[0];
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }
}
