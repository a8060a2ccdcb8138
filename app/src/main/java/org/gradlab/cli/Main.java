package org.gradlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code gradlab}: the headless commands. Bad input gives one line on stderr and exit code 2, never a trace. */
@Command(name = "gradlab", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Train small RNNs and transformers and watch their gradients.",
        subcommands = {TrainCommand.class, ForkCommand.class, InspectCommand.class, CompareCommand.class, ImportCommand.class,
            ExportCommand.class, DiagnoseCommand.class, WatchCommand.class, LessonsCommand.class, ExperimentCommand.class, BenchCommand.class, ResumeCommand.class, UiCommand.class,
            RenderCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code (used by tests). */
    /** The command line with every option, the run settings' included (for help, and for tests). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        TrainCommand.addSettings(cl.getSubcommands().get("train").getCommandSpec());
        return cl;
    }

    public static int run(String... args) {
        CommandLine cl = commandLine();
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("gradlab: " + parameterMessage(ex, a));
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

    /**
     * What was wrong with the arguments, in the user's words: an unknown option is named before any missing
     * one (picocli reports the missing ones first), and a missing run directory says so.
     */
    static String parameterMessage(CommandLine.ParameterException ex, String[] args) {
        var spec = ex.getCommandLine().getCommandSpec();
        if (ex instanceof CommandLine.MissingParameterException || ex instanceof CommandLine.UnmatchedArgumentException) {
            boolean afterCommand = spec.parent() == null;
            for (String a : args) {
                if (!afterCommand) {
                    afterCommand = a.equals(spec.name());
                    continue;
                }
                if (a.equals("--")) break;
                String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                if (name.startsWith("--") && spec.findOption(name) == null) {
                    return "unknown option '" + name + "' for " + ("gradlab " + commandPath(ex.getCommandLine())).trim();
                }
            }
        }
        if (ex instanceof CommandLine.MissingParameterException mp && !mp.getMissing().isEmpty()
                && mp.getMissing().get(0) instanceof CommandLine.Model.PositionalParamSpec p) {
            return "missing " + p.paramLabel() + ": " + p.description()[0];
        }
        return ex.getMessage();
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
