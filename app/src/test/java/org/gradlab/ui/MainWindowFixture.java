package org.gradlab.ui;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.gradlab.ui.view.MainWindow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The app's main window in a 1400×900 stage for each test (TestFX + Monocle), shut down after it. TestFX
 * looks for the {@code @Start} method in the test class itself, so each test class has one that calls
 * {@link #show}.
 */
@ExtendWith(ApplicationExtension.class)
abstract class MainWindowFixture {
    MainWindow window;

    /** Shows a fresh main window keeping its runs in `runs` (null: none). */
    void show(Stage stage, Path runs) {
        window = new MainWindow(runs);
        stage.setScene(new Scene(window, 1400, 900));
        stage.show();
    }

    @AfterEach
    void stop() {
        WaitForAsyncUtils.asyncFx(() -> window.shutdown());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Replaces a text field's text as a user would type it (cleared first: erasing by keys depends on where the caret lands). */
    static void type(org.testfx.api.FxRobot robot, String id, String text) {
        javafx.scene.control.TextField f = robot.lookup(id).queryAs(javafx.scene.control.TextField.class);
        robot.interact(() -> f.setText(""));
        robot.clickOn(f).write(text);
    }

    /**
     * Waits up to a minute for cond, then asserts it. The condition is read on the FX thread, between two of its
     * tasks: read from the test thread it could see a task half done (two of three runs added).
     */
    static void await(String what, BooleanSupplier cond) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> onFx(cond));
        assertTrue(onFx(cond), what);
    }

    private static boolean onFx(BooleanSupplier cond) throws Exception {
        if (javafx.application.Platform.isFxApplicationThread()) return cond.getAsBoolean();
        return WaitForAsyncUtils.asyncFx(cond::getAsBoolean).get(10, TimeUnit.SECONDS);
    }
}
