package org.gradlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gradlab.diagnose.AlertMonitor;
import org.gradlab.diagnose.Tail;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gradlab watch RUN|LOGDIR}: follows a run being recorded or a TensorBoard log directory being written
 * and prints alerts as they happen — NaN/inf at once, spikes, a sustained clip rate, a change of clip regime —
 * each once until it clears, with a status line now and then. {@code --json} prints one JSON object per line;
 * {@code --until-idle S} ends after S seconds without new steps, with a summary.
 */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follow a recording run or a growing TensorBoard log directory and print alerts (NaN/inf, spikes, sustained clipping, regime changes).",
        footerHeading = "%nJSON lines (--json):%n",
        footer = {"  {\"type\":\"alert\",\"run\",\"step\",\"kind\":\"non-finite|spike|clip-rate|regime\",\"message\"}",
            "  {\"type\":\"status\",\"run\",\"steps\",\"last_step\",\"last_loss\",\"clip_rate\"}",
            "  {\"type\":\"summary\",\"runs\":[{\"name\",\"steps\",\"last_step\",\"last_loss\",\"max_pre_norm\",\"non_finite_steps\"}]} (at the end)"})
public final class WatchCommand implements Runnable {
    @Parameters(index = "0", paramLabel = "RUN|LOGDIR", description = "a GradLab run folder or a TensorBoard log directory")
    Path target;
    @Option(names = "--json", description = "one JSON object per line")
    boolean json;
    @Option(names = "--until-idle", paramLabel = "SECONDS", description = "end after this many seconds without new steps (default: run until interrupted)")
    Double untilIdle;
    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "0.5", description = "how often to read (default ${DEFAULT-VALUE} s)")
    double interval;
    @Option(names = "--spike-score", defaultValue = "6", description = "robust score above which a pre-clip norm is a spike (default ${DEFAULT-VALUE})")
    double spikeScore;
    @Option(names = "--spike-ratio", defaultValue = "3", description = "and its ratio to the recent median (default ${DEFAULT-VALUE})")
    double spikeRatio;
    @Option(names = "--clip-rate", defaultValue = "0.5", description = "alert when more than this fraction of the window was clipped (default ${DEFAULT-VALUE})")
    double clipRate;
    @Option(names = "--window", defaultValue = "100", description = "steps the clip rate is taken over (default ${DEFAULT-VALUE})")
    int window;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Override
    public void run() {
        if (!Files.exists(target)) throw new UserError("no such run or log directory: " + target);
        if (!(interval > 0) || interval > 3600) throw new UserError("--interval must be a number of seconds in (0, 3600]");
        if (untilIdle != null && !(untilIdle > 0)) throw new UserError("--until-idle must be a number of seconds > 0");
        AlertMonitor.Settings settings;
        try {
            settings = new AlertMonitor.Settings(spikeScore, spikeRatio, clipRate, window);
        } catch (IllegalArgumentException e) {
            throw new UserError(e.getMessage());
        }
        Map<String, AlertMonitor> monitors = new LinkedHashMap<>();
        PrintStream out = System.out;
        try (Tail tail = Tail.of(target)) {
            long lastNews = System.nanoTime(), lastStatus = System.nanoTime();
            while (true) {
                List<Tail.Row> rows = tail.poll(false);
                if (!rows.isEmpty()) lastNews = System.nanoTime();
                feed(rows, monitors, settings, out);
                if (System.nanoTime() - lastStatus > 5_000_000_000L) {
                    for (AlertMonitor m : monitors.values()) status(m, out);
                    lastStatus = System.nanoTime();
                }
                if (untilIdle != null && System.nanoTime() - lastNews > untilIdle * 1e9) break;
                Thread.sleep((long) (interval * 1000));
            }
            feed(tail.poll(true), monitors, settings, out); // the logs are as final as they get: their last steps count too
            summary(monitors, out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            summary(monitors, out);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        }
    }

    private void feed(List<Tail.Row> rows, Map<String, AlertMonitor> monitors, AlertMonitor.Settings settings, PrintStream out) {
        for (Tail.Row r : rows) {
            AlertMonitor m = monitors.computeIfAbsent(r.run(), n -> new AlertMonitor(n, settings));
            for (AlertMonitor.Alert a : m.add(r.step(), r.loss(), r.pre(), r.clipped(), r.nonFinite())) {
                if (json) {
                    out.println(MAPPER.createObjectNode().put("type", "alert").put("run", a.run()).put("step", a.step()).put("kind", a.kind())
                            .put("message", a.message()).toString());
                } else {
                    out.printf("[%s] ALERT %s: %s%n", a.run(), a.kind(), a.message());
                }
            }
        }
        out.flush();
    }

    private void status(AlertMonitor m, PrintStream out) {
        if (json) {
            ObjectNode n = MAPPER.createObjectNode().put("type", "status").put("run", m.run()).put("steps", m.steps()).put("last_step", m.lastStep());
            num(n, "last_loss", m.lastLoss());
            num(n, "clip_rate", m.clipRate());
            out.println(n);
        } else {
            out.printf(Locale.ROOT, "[%s] step %d: loss %.4g, max pre-clip norm %.4g, clip rate %s, NaN/inf steps %d%n", m.run(), m.lastStep(),
                    m.lastLoss(), m.maxPreNorm(), Double.isNaN(m.clipRate()) ? "not logged" : String.format(Locale.ROOT, "%.1f%%", 100 * m.clipRate()),
                    m.nonFiniteSteps());
        }
        out.flush();
    }

    private void summary(Map<String, AlertMonitor> monitors, PrintStream out) {
        if (json) {
            ObjectNode s = MAPPER.createObjectNode().put("type", "summary");
            ArrayNode runs = s.putArray("runs");
            for (AlertMonitor m : monitors.values()) {
                ObjectNode n = runs.addObject().put("name", m.run()).put("steps", m.steps()).put("last_step", m.lastStep());
                num(n, "last_loss", m.lastLoss());
                num(n, "max_pre_norm", m.maxPreNorm());
                n.put("non_finite_steps", m.nonFiniteSteps());
            }
            out.println(s);
        } else {
            if (monitors.isEmpty()) out.println("no steps seen");
            for (AlertMonitor m : monitors.values()) {
                out.printf(Locale.ROOT, "summary [%s]: %d steps, last step %d, last loss %.6g, max pre-clip norm %.4g, %d NaN/inf steps%n", m.run(),
                        m.steps(), m.lastStep(), m.lastLoss(), m.maxPreNorm(), m.nonFiniteSteps());
            }
        }
        out.flush();
    }

    private static void num(ObjectNode n, String k, double v) {
        if (Double.isFinite(v)) n.put(k, v);
        else n.putNull(k);
    }
}
