package org.gradlab.cli;

import java.io.PrintStream;
import org.gradlab.engine.Backend;
import org.gradlab.engine.Backends;
import org.gradlab.engine.DeviceChoice;
import picocli.CommandLine.Option;

/** {@code --device} and {@code --threads}, shared by the commands that train. */
public final class DeviceOptions {
    @Option(names = "--device", defaultValue = "auto",
            description = "cpu, cuda, or auto: the GPU when one is usable, else the CPU (default ${DEFAULT-VALUE})")
    String device;
    @Option(names = "--threads", description = "CPU threads (default: all cores; one for a small vanilla RNN)")
    Integer threads;

    /** Opens the backend and prints the one-line note of which device and why; a refused GPU is a UserError. */
    Backend open(PrintStream note) {
        return open(note, null);
    }

    /**
     * As {@link #open(PrintStream)} to train `model` (null: any): without --threads, a vanilla RNN small enough to
     * run faster on one core gets one thread, and the note says so.
     */
    Backend open(PrintStream note, org.gradlab.run.RunConfig model) {
        DeviceChoice choice;
        try {
            choice = DeviceChoice.parse(device);
        } catch (IllegalArgumentException e) {
            throw new UserError("--device: " + e.getMessage());
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (threads != null && (threads < 1 || threads > 4 * cores)) {
            throw new UserError("--threads " + threads + ": between 1 and " + 4 * cores + " on this machine (4 × its " + cores + " cores)");
        }
        try {
            int auto = threads == null && model != null ? org.gradlab.run.Devices.defaultCpuThreads(model) : 0;
            Backends.Opened o = Backends.open(choice, threads != null ? threads : auto);
            if (note != null) {
                note.println(o.note() + (auto == 1 && o.backend() instanceof org.gradlab.engine.CpuBackend
                        ? " — one thread: a recurrence of batch " + model.batch() + " × hidden " + model.hidden()
                        + " runs faster on one core than split (--threads N to choose)" : ""));
            }
            return o.backend();
        } catch (Backends.Unavailable e) {
            throw new UserError(e.getMessage() + " (use --device cpu or auto)");
        }
    }
}
