package org.gradlab.ui;

import org.testfx.framework.junit5.Start;
import javafx.stage.Stage;
import org.gradlab.ui.vm.RunViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TensorBoard logs in the app: opened into the comparison, tailed live, damage shown. */
class TensorBoardViewTest extends MainWindowFixture {
    @Start
    void start(Stage stage) {
        show(stage, null);
    }

    @Test
    void tailAGrowingLogAndFlagDamage(FxRobot robot, @TempDir Path tmp) throws Exception {
        byte[] all = Files.readAllBytes(Path.of(TensorBoardViewTest.class.getClassLoader().getResource("tb/tf-demo").toURI()).resolve("events.out.tfevents.1795380284.vm.31405.0.v2"));
        Path live = tmp.resolve("job");
        Files.createDirectories(live);
        Path f = live.resolve("events.out.tfevents.1.job");
        int cut = all.length / 3;
        Files.write(f, Arrays.copyOf(all, cut));
        robot.interact(() -> window.openTensorBoard(tmp));
        await("the run is in the comparison", () -> window.compareView().runs().size() == 1);
        RunViewModel d = window.compareView().runs().get(0);
        await("records shown", () -> d.steps() > 5);
        long before = d.steps();
        assertTrue(before < 120);
        robot.interact(() -> window.setTail(true));
        Files.write(f, Arrays.copyOfRange(all, cut, all.length), StandardOpenOption.APPEND);
        long t0 = System.nanoTime();
        await("tailed to the end", () -> d.steps() == 120);
        assertTrue((System.nanoTime() - t0) / 1e9 < 5, "new records appear promptly");
        assertEquals(2.036553f, d.series(RunViewModel.Scalar.LOSS).valueAt(0), 0f);
        // a second, damaged file in the same run: flagged, the rest keeps working
        byte[] bad = all.clone();
        bad[all.length / 2] ^= 0x10;
        Files.write(live.resolve("events.out.tfevents.2.job"), bad);
        await("damage is shown", () -> window.compareView().notes().contains("at byte"));
        assertEquals(120, d.steps());
    }
}
