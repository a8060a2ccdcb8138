package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounded queue between the trainer and a slow consumer (a chart): the trainer never waits; when the
 * queue is full the oldest entry is dropped and counted, so the consumer always gets the latest steps and
 * knows how many it missed.
 */
public final class StepStatsQueue {
    private final StepStats[] ring;
    private int head, size;
    private long dropped;

    public StepStatsQueue(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        ring = new StepStats[capacity];
    }

    public synchronized void offer(StepStats s) {
        if (size == ring.length) {
            head = (head + 1) % ring.length;
            size--;
            dropped++;
        }
        ring[(head + size) % ring.length] = s;
        size++;
    }

    /** Everything queued, oldest first; empties the queue. */
    public synchronized List<StepStats> drain() {
        List<StepStats> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            out.add(ring[(head + i) % ring.length]);
            ring[(head + i) % ring.length] = null;
        }
        head = 0;
        size = 0;
        return out;
    }

    /** Steps dropped because the consumer was slow, since the start. */
    public synchronized long dropped() {
        return dropped;
    }
}
