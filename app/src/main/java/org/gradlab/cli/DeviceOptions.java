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
    @Option(names = "--threads", description = "CPU threads (default: all cores)")
    Integer threads;

    /** Opens the backend and prints the one-line note of which device and why; a refused GPU is a UserError. */
    Backend open(PrintStream note) {
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
            Backends.Opened o = Backends.open(choice, threads == null ? 0 : threads);
            if (note != null) note.println(o.note());
            return o.backend();
        } catch (Backends.Unavailable e) {
            throw new UserError(e.getMessage() + " (use --device cpu or auto)");
        }
    }
}
