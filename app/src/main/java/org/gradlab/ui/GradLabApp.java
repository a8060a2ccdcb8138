package org.gradlab.ui;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.gradlab.ui.view.MainWindow;

import java.nio.file.Path;
import java.util.List;

/**
 * The desktop app. Live runs are recorded under ~/gradlab-runs (or -Dgradlab.runs=DIR) so they can be
 * replayed, exported and forked later.
 */
public final class GradLabApp extends Application {
    private MainWindow window;

    public static Path runsRoot() {
        String p = System.getProperty("gradlab.runs");
        return p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), "gradlab-runs");
    }

    @Override
    public void start(Stage stage) {
        window = new MainWindow(runsRoot());
        stage.setTitle("GradLab — gradient dynamics lab");
        stage.setScene(new Scene(window, 1500, 920));
        stage.show();
        // ./gradlab ui --open RUN (replay)  |  ./gradlab ui --compare RUN RUN…
        List<String> args = getParameters().getRaw();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--open") && i + 1 < args.size()) window.openRun(Path.of(args.get(++i)), false);
            else if (args.get(i).equals("--tensorboard") && i + 1 < args.size()) window.openTensorBoard(Path.of(args.get(++i)));
            else if (args.get(i).equals("--compare")) while (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) window.openRun(Path.of(args.get(++i)), true);
        }
    }

    @Override
    public void stop() {
        if (window != null) window.shutdown();
    }

    /**
     * Held here so the level sticks (a logger nobody references can be collected and forget it): JavaFX warns
     * at every start that it was loaded from the class path rather than as modules, which is how a single jar
     * runs it and says nothing a user can act on.
     */
    private static final java.util.logging.Logger FX_LOG = java.util.logging.Logger.getLogger("javafx");

    /** Keeps JavaFX's start-up warning about the class path off the console (its errors still show). */
    static void quietToolkitStartup() {
        FX_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    public static void main(String[] args) {
        quietToolkitStartup();
        launch(GradLabApp.class, args);
    }
}
