package org.gradlab.ui.view;

import javafx.scene.Node;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import org.gradlab.record.CsvExport;
import org.gradlab.record.RunReader;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** PNG of any node (a chart or the whole dashboard) and the per-step CSV of a recorded run. */
public final class Exporter {
    private Exporter() {}

    /** Renders the node on the FX thread under a one-line caption and writes it as PNG. */
    public static void png(Node node, String caption, Path file) throws IOException {
        WritableImage img = node.snapshot(new SnapshotParameters(), null);
        javafx.scene.control.Label title = new javafx.scene.control.Label(caption);
        title.setStyle("-fx-font-size: 13px; -fx-font-weight: bold; -fx-padding: 4 8 4 8;");
        title.setTextFill(org.gradlab.ui.chart.Palette.text());
        javafx.scene.layout.VBox page = new javafx.scene.layout.VBox(title, new javafx.scene.image.ImageView(img));
        page.setBackground(javafx.scene.layout.Background.fill(org.gradlab.ui.chart.Palette.background()));
        new javafx.scene.Scene(page); // laid out off screen
        page.applyCss();
        page.layout();
        writePng(page.snapshot(new SnapshotParameters(), null), file);
    }

    public static void writePng(WritableImage img, Path file) throws IOException {
        int w = (int) img.getWidth(), h = (int) img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader pr = img.getPixelReader();
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            pr.getPixels(0, y, w, 1, javafx.scene.image.PixelFormat.getIntArgbInstance(), row, 0, w);
            out.setRGB(0, y, w, 1, row, 0, w);
        }
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        if (!ImageIO.write(out, "png", file.toFile())) throw new IOException("no PNG writer available");
    }

    public static void csv(Path runDir, Path file) throws IOException {
        try (RunReader r = RunReader.open(runDir); Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            CsvExport.write(r, w);
        }
    }
}
