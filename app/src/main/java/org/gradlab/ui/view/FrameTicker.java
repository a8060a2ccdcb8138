package org.gradlab.ui.view;

import javafx.animation.AnimationTimer;

import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * The window's frame clock, which runs only while something changes. An AnimationTimer makes JavaFX pulse
 * 60 times a second whether or not anything moves; this one stops itself once everything it draws has been
 * idle for a quarter of a second (long enough for throttled charts to draw their last data) and starts again
 * on {@link #wake()} — a user action, a stream item arriving, a replay playing. So a paused run or an open
 * replay costs no CPU.
 */
final class FrameTicker {
    private static final long IDLE_STOP_NANOS = 250_000_000L;

    private final AnimationTimer timer;
    private boolean running;
    private long idleSince = -1;

    FrameTicker(LongConsumer frame, BooleanSupplier busy) {
        timer = new AnimationTimer() {
            @Override
            public void handle(long now) {
                frame.accept(now);
                if (busy.getAsBoolean()) {
                    idleSince = -1;
                } else if (idleSince < 0) {
                    idleSince = now;
                } else if (now - idleSince > IDLE_STOP_NANOS) {
                    stop();
                    running = false;
                }
            }
        };
    }

    /** Starts drawing frames (FX thread); a no-op while already running. */
    void wake() {
        idleSince = -1;
        if (running) return;
        running = true;
        timer.start();
    }

    boolean running() {
        return running;
    }

    void stop() {
        timer.stop();
        running = false;
    }
}
