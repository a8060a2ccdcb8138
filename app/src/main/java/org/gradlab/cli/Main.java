package org.gradlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gradlab}: the headless commands. Bad input gives one line on stderr and exit code 2, never a trace. */
@Command(name = "gradlab", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train small RNNs and transformers and watch their gradients.",
        subcommands = {TrainCommand.class, ForkCommand.class, InspectCommand.class, CompareCommand.class, ImportCommand.class,
            ExportCommand.class, BenchCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("gradlab: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try 'gradlab " + commandPath(ex.getCommandLine()) + "--help'.");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof UserError) {
                c.getErr().println("gradlab: " + ex.getMessage());
                return 2;
            }
            c.getErr().println("gradlab: internal error: " + ex);
            if (Boolean.getBoolean("gradlab.debug")) ex.printStackTrace(c.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    private static String commandPath(CommandLine c) {
        String name = c.getCommandName();
        return name.equals("gradlab") ? "" : name + " ";
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
