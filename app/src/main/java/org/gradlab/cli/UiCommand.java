package org.gradlab.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code gradlab ui}: opens the desktop app (also what {@code gradlab} alone does), optionally with a run
 * to replay, runs to compare or a TensorBoard log directory. The app lives in a package above the CLI, so the
 * launcher hands in how to start it ({@link #setLauncher}); the options are checked here first, so a typo is
 * a one-line error instead of an app that opens without what was asked.
 */
@Command(name = "ui", mixinStandardHelpOptions = true, description = "Open the desktop app (the same as running gradlab with no command).")
public final class UiCommand implements Runnable {
    private static Consumer<List<String>> launcher = args -> {
        throw new UserError("the desktop app is not available from here");
    };

    @Option(names = "--open", paramLabel = "RUN", description = "a recorded run to open for replay")
    Path open;
    @Option(names = "--compare", paramLabel = "RUN", arity = "1..*", description = "recorded runs to open side by side")
    List<Path> compare = new ArrayList<>();
    @Option(names = "--tensorboard", paramLabel = "LOGDIR", description = "a TensorBoard log directory to open")
    Path tensorboard;

    /** Set by the launcher: starts the app with its arguments (--open RUN, --compare RUN…, --tensorboard DIR). */
    public static void setLauncher(Consumer<List<String>> l) {
        launcher = l;
    }

    @Override
    public void run() {
        List<String> args = new ArrayList<>();
        if (open != null) {
            exists(open, "--open");
            args.add("--open");
            args.add(open.toString());
        }
        if (!compare.isEmpty()) {
            args.add("--compare");
            for (Path p : compare) {
                exists(p, "--compare");
                args.add(p.toString());
            }
        }
        if (tensorboard != null) {
            exists(tensorboard, "--tensorboard");
            args.add("--tensorboard");
            args.add(tensorboard.toString());
        }
        launcher.accept(args);
    }

    private static void exists(Path p, String option) {
        if (!Files.isDirectory(p)) throw new UserError(option + " " + p + ": no such directory");
    }
}
