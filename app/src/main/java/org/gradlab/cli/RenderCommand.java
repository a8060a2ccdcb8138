package org.gradlab.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code gradlab render RUN|LOGDIR … --out FILE.png}: the app's charts drawn without a display — the picture a user
 * gets without opening the app, for reports and CI. The renderers live in the app's package, above the CLI, so
 * the launcher hands them in ({@link #setRenderer}); the arguments are checked here first.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = "Draw a run's (or a TensorBoard logdir's) charts to a PNG with the app's own renderers, no display needed.")
public final class RenderCommand implements Runnable {
    /** The views: the whole dashboard, the comparison, or one chart of the dashboard. */
    public static final List<String> VIEWS = List.of("dashboard", "compare", "loss", "norm", "clip", "weights", "ratios", "layers", "layers-post",
            "histogram");

    /** Draws targets into a PNG and says what it drew (one line). */
    @FunctionalInterface
    public interface Renderer {
        String render(List<Path> targets, String view, int width, int height, long from, long to, Path out) throws Exception;
    }

    private static Renderer renderer = (t, v, w, h, f, to, o) -> {
        throw new UserError("the renderers are not available from here");
    };

    /** Set by the launcher (and by tests). */
    public static void setRenderer(Renderer r) {
        renderer = r;
    }

    @Parameters(arity = "1..*", paramLabel = "RUN|LOGDIR", description = "GradLab runs or TensorBoard log directories (several: use --view compare)")
    List<Path> targets;
    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "the PNG to write")
    Path out;
    @Option(names = "--view", defaultValue = "dashboard", description = "dashboard, compare or one chart: loss, norm, clip, weights, ratios, layers, "
            + "layers-post, histogram (default ${DEFAULT-VALUE})")
    String view;
    @Option(names = "--width", defaultValue = "1500", description = "image width in pixels (default ${DEFAULT-VALUE})")
    int width;
    @Option(names = "--height", defaultValue = "900", description = "image height in pixels (default ${DEFAULT-VALUE})")
    int height;
    @Option(names = "--steps", paramLabel = "A..B", description = "only steps A to B (default: all)")
    String steps;

    @Override
    public void run() {
        if (!VIEWS.contains(view)) throw new UserError("--view " + view + ": expected one of " + String.join(", ", VIEWS));
        if (width < 200 || width > 8000 || height < 150 || height > 8000) throw new UserError("--width must be 200–8000 and --height 150–8000");
        if (targets.size() > 1 && !view.equals("compare")) throw new UserError("several runs are drawn side by side: add --view compare");
        for (Path t : targets) {
            if (!Files.isDirectory(t)) throw new UserError(t + ": no such directory");
        }
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) throw new UserError("--out " + out + ": the file must end in .png");
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) throw new UserError("--out " + out + ": " + parent + " is not a directory");
        long from = -1, to = -1;
        if (steps != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.\\.(\\d+)").matcher(steps.trim());
            if (!m.matches()) throw new UserError("--steps " + steps + ": expected A..B, e.g. 350..450");
            try {
                from = Long.parseLong(m.group(1));
                to = Long.parseLong(m.group(2));
            } catch (NumberFormatException e) {
                throw new UserError("--steps " + steps + ": numbers too large");
            }
            if (from >= to) throw new UserError("--steps " + steps + ": A must be below B");
        }
        try {
            System.out.println(renderer.render(targets, view, width, height, from, to, out));
        } catch (UserError e) {
            throw e;
        } catch (Exception e) {
            Throwable c = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new UserError("cannot render: " + String.valueOf(c.getMessage()).lines().findFirst().orElse(c.toString()));
        }
    }
}
