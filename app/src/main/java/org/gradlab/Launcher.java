package org.gradlab;

/**
 * The jar's entry point: no arguments or {@code ui} opens the desktop app, anything else is the CLI. A plain
 * main (not an Application subclass) so JavaFX runs from the classpath.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        if (args.length == 0 || (args.length >= 1 && args[0].equals("ui"))) {
            String[] rest = args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length);
            org.gradlab.ui.GradLabApp.main(rest);
        } else {
            org.gradlab.cli.Main.main(args);
        }
    }
}
