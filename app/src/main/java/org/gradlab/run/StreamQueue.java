package org.gradlab.run;

import org.gradlab.telemetry.StepStats;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A session's stream handed from the training thread to a slower one (the UI's frame): the trainer never
 * waits. Events and status items are always kept; when more than `capacity` steps wait, the oldest waiting
 * step is dropped and counted, so the consumer always gets the latest steps and knows how many it missed.
 * An optional callback runs when an item arrives at an empty queue, so a consumer can sleep while idle.
 */
public final class StreamQueue implements SessionListener {
    private final int capacity;
    private final ArrayDeque<SessionItem> items = new ArrayDeque<>();
    private int steps;
    private long dropped;
    private volatile boolean ended;
    private volatile Runnable onArrival = () -> { };

    public StreamQueue(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
    }

    /** Runs (on the producer's thread, so keep it short) whenever an item arrives at an empty queue. */
    public void setOnArrival(Runnable r) {
        onArrival = r == null ? () -> { } : r;
    }

    @Override
    public void onStep(StepStats s) {
        offer(new SessionItem.StepDone(s));
    }

    @Override
    public void onEvent(RunEvent e) {
        offer(new SessionItem.Event(e));
    }

    @Override
    public void onStatus(SessionItem.Status s) {
        offer(s);
    }

    @Override
    public void onEnd(String error) {
        ended = true;
    }

    public void offer(SessionItem item) {
        boolean wasEmpty;
        synchronized (this) {
            wasEmpty = items.isEmpty();
            if (item instanceof SessionItem.StepDone) {
                if (steps == capacity) dropOldestStep();
                steps++;
            }
            items.add(item);
        }
        if (wasEmpty) onArrival.run();
    }

    private void dropOldestStep() {
        for (Iterator<SessionItem> it = items.iterator(); it.hasNext(); ) {
            if (it.next() instanceof SessionItem.StepDone) {
                it.remove();
                steps--;
                dropped++;
                return;
            }
        }
    }

    /** Everything waiting, in stream order; empties the queue. */
    public synchronized List<SessionItem> drain() {
        List<SessionItem> out = new ArrayList<>(items);
        items.clear();
        steps = 0;
        return out;
    }

    public synchronized boolean isEmpty() {
        return items.isEmpty();
    }

    /** Steps dropped because the consumer was slow, since the start. */
    public synchronized long dropped() {
        return dropped;
    }

    /** The session has ended (whatever is still queued is its last items). */
    public boolean ended() {
        return ended;
    }
}
