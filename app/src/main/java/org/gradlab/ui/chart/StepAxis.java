package org.gradlab.ui.chart;

import javafx.beans.property.LongProperty;
import javafx.beans.property.SimpleLongProperty;

/**
 * The step range shown, shared by every chart of a view (that is what synchronises their x axes): follow
 * the latest step (live) or a fixed window. from = -1 means "from the first step", to = -1 "to the last".
 */
public final class StepAxis {
    private final LongProperty from = new SimpleLongProperty(-1), to = new SimpleLongProperty(-1);
    private final LongProperty cursor = new SimpleLongProperty(-1);

    public LongProperty fromProperty() { return from; }
    public LongProperty toProperty() { return to; }
    /** The highlighted step (replay position, hover); -1 for none. Shared by all charts of a view. */
    public LongProperty cursorProperty() { return cursor; }

    private final LongProperty hover = new SimpleLongProperty(-1);

    /** The step under the mouse in any chart of the view (-1: none): every chart draws its crosshair and readout there. */
    public LongProperty hoverProperty() { return hover; }

    public long resolveFrom(long first) {
        return from.get() < 0 ? first : Math.max(first, from.get());
    }

    public long resolveTo(long last) {
        return to.get() < 0 ? last : to.get();
    }
}
