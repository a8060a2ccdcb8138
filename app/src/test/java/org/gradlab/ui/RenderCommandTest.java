package org.gradlab.ui;

import javafx.stage.Stage;
import org.gradlab.cli.RenderCommand;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gradlab render}: the app's charts in a PNG of the asked size with no window — the spike of a sample run
 * drawn in red at its step, a logdir's runs compared — and bad arguments refused in one line with exit code 2.
 * (A TestFX class, so the toolkit is the test harness's: render draws in it as it would in its own.)
 */
@ExtendWith(ApplicationExtension.class)
class RenderCommandTest {
    @Start
    void start(Stage s) {
        s.show();
    }

    @BeforeAll
    static void renderers() {
        RenderCommand.setRenderer(Render::render);
    }

    static org.gradlab.cli.CliTest.Result run(String... args) {
        return org.gradlab.cli.CliTest.run(args);
    }

    @Test
    void theSpikeOfASampleRunIsDrawnAtItsStepInAPngOfTheAskedSize(@TempDir Path tmp) throws Exception {
        Path png = tmp.resolve("norm.png");
        org.gradlab.cli.CliTest.Result r = run("render", "../sample-runs/spike-lstm-clip-norm1", "--view", "norm", "--steps", "350..450", "--width", "700", "--height", "300",
                "--out", png.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("steps 350–450 · norm"), r.out());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(700, img.getWidth());
        assertEquals(300, img.getHeight());
        // the pre-clip spike at step 400 is the middle of 350–450: red pixels in the plot's middle band
        int red = 0, redElsewhere = 0;
        for (int y = 40; y < 150; y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int c = img.getRGB(x, y), rr = (c >> 16) & 255, g = (c >> 8) & 255, b = c & 255;
                if (rr > 180 && g < 90 && b < 90) {
                    if (x > 340 && x < 420) red++;
                    else if (x > 80 && x < 300 || x > 480) redElsewhere++;
                }
            }
        }
        assertTrue(red > 20, "the spike's red stroke at step 400: " + red + " pixels");
        assertTrue(redElsewhere < red / 4, "little red away from the spike (the legend swatch aside): " + redElsewhere);
    }

    @Test
    void theDashboardAndALogdirComparisonRender(@TempDir Path tmp) throws Exception {
        org.gradlab.cli.CliTest.Result d = run("render", "../sample-runs/adding-rnn-clip-norm1", "--out", tmp.resolve("d.png").toString());
        assertEquals(0, d.code(), d.err());
        BufferedImage img = ImageIO.read(tmp.resolve("d.png").toFile());
        assertEquals(1500, img.getWidth());
        assertEquals(900, img.getHeight());
        Path tb = Path.of(RenderCommandTest.class.getClassLoader().getResource("tb").toURI());
        org.gradlab.cli.CliTest.Result c = run("render", tb.toString(), "--view", "compare", "--width", "900", "--height", "500", "--out", tmp.resolve("c.png").toString());
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("tf-demo") && c.out().contains("tensorboardx"), c.out());
    }

    @Test
    void badArgumentsGetOneLineAndExitCodeTwo(@TempDir Path tmp) {
        String out = tmp.resolve("x.png").toString();
        String[][] bad = {
            {"render", "../sample-runs/spike-lstm-clip-norm1", "--view", "bogus", "--out", out},
            {"render", tmp.resolve("missing").toString(), "--out", out},
            {"render", "../sample-runs/spike-lstm-clip-norm1", "--steps", "5..3", "--out", out},
            {"render", "../sample-runs/spike-lstm-clip-norm1", "--steps", "a..b", "--out", out},
            {"render", "../sample-runs/spike-lstm-clip-norm1", "--width", "10", "--out", out},
            {"render", "../sample-runs/spike-lstm-clip-norm1", "../sample-runs/spike-lstm-no-clip", "--out", out},
            {"render", "../sample-runs/spike-lstm-clip-norm1", "--out", tmp.resolve("x.jpg").toString()},
            {"render", "../sample-runs/spike-lstm-clip-norm1"},
        };
        for (String[] a : bad) {
            org.gradlab.cli.CliTest.Result r = run(a);
            assertEquals(2, r.code(), String.join(" ", a) + ": " + r.err());
            java.util.List<String> lines = r.err().strip().lines().toList();
            assertTrue(lines.get(0).startsWith("gradlab: "), r.err());
            // one line, or with picocli's usage errors the CLI's usual hint after it — never a stack trace
            assertTrue(lines.size() == 1 || lines.size() == 2 && lines.get(1).startsWith("Try 'gradlab render --help'"), r.err());
        }
    }
}
