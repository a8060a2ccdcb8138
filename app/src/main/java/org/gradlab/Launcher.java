package org.gradlab;

/**
 * The jar's entry point: no arguments opens the desktop app, anything else is the CLI (whose {@code ui}
 * command opens the app too, after checking its options). A plain
 * main (not an Application subclass) so JavaFX runs from the classpath. A missing display or GTK gets one line
 * saying what to do, not a stack trace.
 */
public final class Launcher {
    private Launcher() {}

    public static void main(String[] args) {
        // `gradlab ui …` goes through the CLI, which checks its options (and answers --help) before opening
        org.gradlab.cli.UiCommand.setLauncher(rest -> openApp(rest.toArray(String[]::new)));
        org.gradlab.cli.RenderCommand.setRenderer(org.gradlab.ui.Render::render);
        if (args.length == 0) openApp(args);
        else org.gradlab.cli.Main.main(args);
    }

    private static void openApp(String[] rest) {
        boolean linux = System.getProperty("os.name", "").toLowerCase().contains("linux");
        boolean display = System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null
                || "Monocle".equals(System.getProperty("glass.platform"));
        if (linux && !display) {
            System.err.println("gradlab: no display to open the app on (DISPLAY is not set); run it in a desktop session or "
                    + "under xvfb-run, or use the CLI: ./gradlab --help");
            System.exit(2);
        }
        try {
            org.gradlab.ui.GradLabApp.main(rest);
        } catch (RuntimeException | LinkageError e) {
            String msg = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            System.err.println("gradlab: the desktop app could not start: " + msg
                    + (msg.contains("GTK") || msg.contains("glass") ? " (on Debian/Ubuntu: apt-get install -y libgtk-3-0)" : ""));
            System.exit(1);
        }
    }
}
