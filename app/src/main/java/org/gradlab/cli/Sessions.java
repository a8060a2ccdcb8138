package org.gradlab.cli;

import org.gradlab.record.RunManifest;
import org.gradlab.record.RunWriter;
import org.gradlab.run.Command;
import org.gradlab.run.PauseRules;
import org.gradlab.run.SessionItem;
import org.gradlab.run.SessionListener;
import org.gradlab.run.SessionState;
import org.gradlab.run.TrainingSession;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a session to its end from the CLI, recording it when asked; Ctrl-C stops it cleanly (flushed). */
final class Sessions {
    private Sessions() {}

    static RunWriter recordTo(TrainingSession s, Path out, RunManifest.Parent parent) throws IOException {
        if (out == null) return null;
        return RunWriter.record(s, out, parent);
    }

    /** Starts the session and waits for it; returns its failure message or null. */
    static String runToEnd(TrainingSession s, RunWriter writer) throws IOException {
        Thread hook = new Thread(() -> {
            s.close();
            try {
                if (writer != null) writer.close();
            } catch (IOException ignored) {
                // shutting down: the data already forced is what survives
            }
        });
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            s.start(false);
            while (!s.await(1, TimeUnit.SECONDS)) {
                // wait; the session thread does the work
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            s.close();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        String closing = null;
        if (writer != null) {
            try {
                writer.close();
            } catch (IOException e) {
                closing = e.getMessage(); // the recorder's failure, when the session did not see it first
            }
        }
        return s.failure() != null ? s.failure() : closing;
    }

    /**
     * The CLI's time control: a speed limit, a breakpoint and pause rules, set before the session starts. A
     * headless run has nobody to press Play, so where the session pauses the CLI stops it (recorded up to
     * there, with a checkpoint at that step); the returned holder says where and why.
     */
    static java.util.concurrent.atomic.AtomicReference<SessionItem.Status> timeControl(TrainingSession s, Long pauseAt, String pauseOn,
                                                                                      Double speed) {
        java.util.concurrent.atomic.AtomicReference<SessionItem.Status> paused = new java.util.concurrent.atomic.AtomicReference<>();
        if (speed != null) s.submit(new Command.SetSpeed(speed));
        if (pauseOn != null) s.submit(new Command.SetPauseRules(PauseRules.parse(pauseOn)));
        if (pauseAt != null) {
            if (pauseAt < 1) throw new UserError("--pause-at must be a step >= 1");
            s.submit(new Command.PauseAt(pauseAt));
        }
        if (pauseAt == null && pauseOn == null) return paused;
        s.addListener(new SessionListener() {
            @Override
            public void onStatus(SessionItem.Status st) {
                if (st.state() == SessionState.PAUSED && paused.compareAndSet(null, st)) s.submit(new Command.Stop());
            }
        });
        return paused;
    }

    /** A command's answer, waiting at most a minute; a refusal is a one-line user error. */
    static <T> T answer(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new UserError(e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new UserError("the session did not answer within a minute");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted");
        }
    }
}
