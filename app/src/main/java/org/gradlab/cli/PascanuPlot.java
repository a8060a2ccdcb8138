package org.gradlab.cli;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The experiment's figure: success rate against sequence length, one line per clip arm (drawn with Java2D, headless). */
final class PascanuPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};

    private PascanuPlot() {}

    static void write(List<ExperimentCommand.Pascanu.Cell> cells, List<Integer> lengths, List<String> arms, int seeds, Path file, String title)
            throws IOException {
        int w = 760, h = 460, left = 70, right = 170, top = 50, bottom = 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString("Success rate against sequence length (Pascanu et al. 2013, Fig. 7)", left, 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.drawString(title, left, 40);
        int pw = w - left - right, ph = h - top - bottom;
        int lo = lengths.stream().mapToInt(Integer::intValue).min().orElse(0), hi = lengths.stream().mapToInt(Integer::intValue).max().orElse(1);
        if (hi == lo) {
            lo -= 10;
            hi += 10;
        }
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 4; i++) {
            int y = top + ph - i * ph / 4;
            g.drawLine(left, y, left + pw, y);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, pw, ph);
        for (int i = 0; i <= 4; i++) g.drawString(i * 25 + "%", left - 40, top + ph - i * ph / 4 + 4);
        for (int t : lengths) {
            int x = left + (int) ((long) (t - lo) * pw / (hi - lo));
            g.drawString(Integer.toString(t), x - 10, top + ph + 18);
        }
        g.drawString("sequence length T", left + pw / 2 - 50, h - 18);
        g.setStroke(new BasicStroke(2.5f));
        for (int a = 0; a < arms.size(); a++) {
            g.setColor(COLORS[a % COLORS.length]);
            int px = -1, py = -1;
            for (int t : lengths) {
                String arm = arms.get(a);
                long ok = cells.stream().filter(c -> c.length() == t && c.arm().equals(arm) && c.solved()).count();
                int x = left + (int) ((long) (t - lo) * pw / (hi - lo)), y = top + ph - (int) (ok * ph / Math.max(1, seeds));
                g.fillOval(x - 5, y - 5, 10, 10);
                if (px >= 0) g.drawLine(px, py, x, y);
                px = x;
                py = y;
            }
            g.fillRect(left + pw + 20, top + 10 + a * 22, 14, 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(PascanuArm.parse(arms.get(a)).label(), left + pw + 40, top + 16 + a * 22);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }
}
