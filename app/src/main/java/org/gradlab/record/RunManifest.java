package org.gradlab.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.engine.HistogramBins;
import org.gradlab.engine.ParamLayout;
import org.gradlab.engine.ParamTensor;
import org.gradlab.optim.OptimizerConfig;
import org.gradlab.run.RunConfig;
import org.gradlab.run.SessionConfig;
import org.gradlab.run.Spike;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * run.json: format version, app version, creation time, the full session config, the parameter layout and
 * layer groups, the histogram bin edges, the device that trained it (null when not known: replaying a GPU run
 * on the CPU recomputes its states to within rounding, not bit for bit), and — for a fork — where it branched from.
 */
public record RunManifest(int formatVersion, String appVersion, String createdAt, SessionConfig session,
                          List<Tensor> tensors, List<String> groups, double[] histogramEdges, int histogramWidth,
                          Parent parent, Imported imported, String device, Recurrent recurrent) {
    /** A run converted from another tool's logs (no session config: it cannot be retrained or forked). */
    public record Imported(String format, String source) {}

    /** One parameter tensor of the layout. */
    public record Tensor(String name, int[] shape, int offset, int size, String group) {}

    /**
     * What a recurrent model's records carry besides the layer groups: ‖∂L/∂h_t‖ for t = 1…steps of each of
     * `layers` (layer groups), and the spectral radius of each of `matrices` on the steps it was measured.
     */
    public record Recurrent(List<String> layers, int steps, List<String> matrices) {
        public Recurrent {
            layers = List.copyOf(layers);
            matrices = List.copyOf(matrices);
        }

        /**
         * What a session's records carry: a recurrent model's layer groups ("rnn.l0"…) over its sequence length,
         * and W_hh of each layer of a vanilla RNN when the radius is measured; null for other models or without
         * telemetry.
         */
        public static Recurrent of(SessionConfig session, List<String> groups) {
            if (session == null || !session.telemetry() || session.run().model().equals("gpt")) return null;
            List<String> layers = new ArrayList<>(), matrices = new ArrayList<>();
            for (String g : groups) if (g.startsWith("rnn.l")) layers.add(g);
            if (layers.isEmpty()) return null;
            if (session.radiusEvery() > 0 && org.gradlab.run.Models.vanillaRnn(session.run().model())) {
                for (String g : layers) matrices.add("rnn.weight_hh_l" + g.substring("rnn.l".length()));
            }
            return new Recurrent(layers, session.run().seq(), matrices);
        }
    }

    /** A fork's origin: the run directory, the step it branched at, and this branch's variant. */
    public record Parent(String run, long step, String variant) {}

    public static final String APP_VERSION = "0.1.0";

    public static RunManifest create(SessionConfig session, ParamLayout layout, Parent parent) {
        return create(session, layout, parent, null);
    }

    /** device: the backend's name ("cpu (…)", "cuda (…)"), kept so a replay can say when it recomputes elsewhere. */
    public static RunManifest create(SessionConfig session, ParamLayout layout, Parent parent, String device) {
        List<Tensor> ts = new ArrayList<>();
        for (ParamTensor t : layout.tensors()) ts.add(new Tensor(t.name(), t.shape(), t.offset(), t.size(), t.group()));
        return new RunManifest(RunFiles.FORMAT_VERSION, APP_VERSION, Instant.now().toString(), session, ts,
                layout.groups(), HistogramBins.edges(), HistogramBins.WIDTH, parent, null, device,
                Recurrent.of(session, layout.groups()));
    }

    /** The device kind ("cpu", "cuda") this run trained on, or null when the file does not say. */
    public String deviceKind() {
        return device == null ? null : deviceKind(device);
    }

    /** The kind in a backend's name: "cuda" of "cuda (NVIDIA …)". */
    public static String deviceKind(String backendName) {
        int sp = backendName.indexOf(' ');
        return sp < 0 ? backendName : backendName.substring(0, sp);
    }

    /**
     * What in a backend's name decides a step's bits: "cpu (vector (512-bit, 16 floats))" of "cpu (2 threads, vector
     * (512-bit, 16 floats))". The CPU's thread count does not (the same bits on any number of threads), nor a note
     * that JIT flags are missing (speed only); a GPU's name is kept whole.
     */
    public static String arithmetic(String backendName) {
        if (!backendName.startsWith("cpu (")) return backendName;
        return backendName.replaceFirst("^cpu \\(\\d+ threads?, ", "cpu (").replaceFirst("; JIT flags missing:[^)]*", "");
    }

    /** The manifest of an imported run: its layout and groups as derived from the logs, and where they came from. */
    public static RunManifest imported(ParamLayout layout, Imported source) {
        List<Tensor> ts = new ArrayList<>();
        for (ParamTensor t : layout.tensors()) ts.add(new Tensor(t.name(), t.shape(), t.offset(), t.size(), t.group()));
        return new RunManifest(RunFiles.FORMAT_VERSION, APP_VERSION, Instant.now().toString(), null, ts, layout.groups(),
                HistogramBins.edges(), HistogramBins.WIDTH, null, source, null, null);
    }

    /** The clip spec the run started with, or a word saying why there is none. */
    public String clipText() {
        return session != null ? session.clip().toText() : "(imported)";
    }

    /** The first step this run records: 0, or the step a fork branched at. */
    public long firstStep() {
        return parent == null ? 0 : parent.step();
    }

    public RecordShape shape() {
        return recurrent == null ? new RecordShape(tensors.size(), groups.size(), histogramWidth)
                : new RecordShape(tensors.size(), groups.size(), histogramWidth, recurrent.layers().size(), recurrent.steps(),
                recurrent.matrices().size());
    }

    public int groupIndex(String g) {
        return groups.indexOf(g);
    }

    // ------------------------------------------------------------------ writing
    public void write(Path dir) throws IOException {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("format", "gradlab-run");
        root.put("formatVersion", formatVersion);
        root.put("appVersion", appVersion);
        root.put("createdAt", createdAt);
        if (device != null) root.put("device", device);
        if (imported != null) root.putObject("imported").put("format", imported.format()).put("source", imported.source());
        if (session != null) writeConfig(root);
        writeLayoutAndRest(root, dir);
    }

    private void writeConfig(ObjectNode root) {
        ObjectNode cfg = root.putObject("config");
        RunConfig r = session.run();
        cfg.put("model", r.model()).put("task", r.task()).put("hidden", r.hidden()).put("layers", r.layers())
                .put("embed", r.embed()).put("dim", r.dim()).put("heads", r.heads()).put("batch", r.batch())
                .put("seq", r.seq()).put("init", r.init()).put("seed", r.seed());
        if (r.omega() > 0) cfg.put("omega", r.omega()); // absent = 0, as in runs recorded before the regulariser
        OptimizerConfig o = r.optimizer();
        cfg.putObject("optimizer").put("kind", o.kind().name().toLowerCase(Locale.ROOT)).put("lr", o.lr())
                .put("momentum", o.momentum()).put("dampening", o.dampening()).put("nesterov", o.nesterov())
                .put("beta1", o.beta1()).put("beta2", o.beta2()).put("eps", o.eps()).put("weightDecay", o.weightDecay())
                .put("schedule", o.schedule().toText());
        cfg.put("clip", session.clip().toText()).put("nonFinite", session.nonFinite().cliName())
                .put("steps", session.steps()).put("checkpointEvery", session.checkpointEvery())
                .put("telemetry", session.telemetry()).put("radiusEvery", session.radiusEvery());
        ArrayNode spikes = cfg.putArray("spikes");
        for (Spike s : session.spikes()) spikes.add(s.toText());
    }

    private void writeLayoutAndRest(ObjectNode root, Path dir) throws IOException {
        ObjectNode lay = root.putObject("layout");
        ArrayNode gs = lay.putArray("groups");
        groups.forEach(gs::add);
        ArrayNode tn = lay.putArray("tensors");
        for (Tensor t : tensors) {
            ObjectNode n = tn.addObject();
            n.put("name", t.name()).put("offset", t.offset()).put("size", t.size()).put("group", t.group());
            ArrayNode sh = n.putArray("shape");
            for (int d : t.shape()) sh.add(d);
        }
        ObjectNode h = root.putObject("histogram");
        h.put("kind", "signed-log-magnitude").put("width", histogramWidth)
                .put("note", "rows: negative bins (largest magnitude first), positive bins (smallest first), then zero, +inf, -inf, NaN");
        ArrayNode e = h.putArray("edges");
        for (double d : histogramEdges) e.add(d);
        if (recurrent != null) {
            ObjectNode r = root.putObject("recurrent");
            ArrayNode ls = r.putArray("layers");
            recurrent.layers().forEach(ls::add);
            r.put("steps", recurrent.steps());
            ArrayNode ms = r.putArray("matrices");
            recurrent.matrices().forEach(ms::add);
        }
        if (parent != null) root.putObject("parent").put("run", parent.run()).put("step", parent.step()).put("variant", parent.variant());
        Path tmp = dir.resolve(RunFiles.MANIFEST + ".tmp");
        Files.write(tmp, Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        Files.move(tmp, dir.resolve(RunFiles.MANIFEST), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // ------------------------------------------------------------------ reading
    public static RunManifest read(Path dir) throws RunFileException {
        Path file = dir.resolve(RunFiles.MANIFEST);
        JsonNode root;
        try {
            if (RunFiles.readable(dir, file, RunFiles.MAX_MANIFEST) == null) {
                throw new RunFileException(file, -1, "not found: this is not a GradLab run directory");
            }
            root = Json.MAPPER.readTree(file.toFile());
        } catch (RunFileException e) {
            throw e;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            long off = e.getLocation() == null ? -1 : e.getLocation().getByteOffset();
            throw new RunFileException(file, off, "not valid JSON: " + Json.oneLine(e), e);
        } catch (IOException e) {
            throw new RunFileException(file, -1, "cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new RunFileException(file, 0, "not a JSON object");
        if (!"gradlab-run".equals(root.path("format").asText())) throw new RunFileException(file, -1, "not a GradLab run (format field)");
        int version = (int) Json.integer(root, "formatVersion", file, 0, Integer.MAX_VALUE);
        if (version != RunFiles.FORMAT_VERSION) {
            throw new RunFileException(file, -1, "format version " + version + " is not supported (this GradLab reads version "
                    + RunFiles.FORMAT_VERSION + ")");
        }
        try {
            Imported imp = null;
            JsonNode im = root.get("imported");
            if (im != null && im.isObject()) imp = new Imported(im.path("format").asText(), im.path("source").asText());
            SessionConfig sc = imp != null && !root.has("config") ? null : readConfig(root, file);
            return readLayoutAndRest(root, file, version, sc, imp);
        } catch (RunFileException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new RunFileException(file, -1, "invalid setting: " + e.getMessage(), e);
        }
    }

    private static SessionConfig readConfig(JsonNode root, Path file) throws RunFileException {
            JsonNode cfg = Json.field(root, "config", file);
            JsonNode o = Json.field(cfg, "optimizer", file);
            OptimizerConfig oc = new OptimizerConfig(OptimizerConfig.parseKind(Json.text(o, "kind", file)), Json.number(o, "lr", file),
                    Json.number(o, "momentum", file), Json.number(o, "dampening", file), o.path("nesterov").asBoolean(false),
                    Json.number(o, "beta1", file), Json.number(o, "beta2", file), Json.number(o, "eps", file),
                    Json.number(o, "weightDecay", file),
                    org.gradlab.optim.LrSchedule.parse(o.path("schedule").asText("constant"))); // runs before schedules: constant
            RunConfig rc = new RunConfig(Json.text(cfg, "model", file), Json.text(cfg, "task", file),
                    (int) Json.integer(cfg, "hidden", file, 1, 1 << 16), (int) Json.integer(cfg, "layers", file, 1, 64),
                    (int) Json.integer(cfg, "embed", file, 1, 1 << 16), (int) Json.integer(cfg, "dim", file, 1, 1 << 16),
                    (int) Json.integer(cfg, "heads", file, 1, 1024), (int) Json.integer(cfg, "batch", file, 1, 1 << 16),
                    (int) Json.integer(cfg, "seq", file, 1, 1 << 16), oc, Json.text(cfg, "init", file),
                    Json.integer(cfg, "seed", file, Long.MIN_VALUE, Long.MAX_VALUE),
                    cfg.has("omega") ? Json.number(cfg, "omega", file) : 0);
            List<Spike> spikes = new ArrayList<>();
            for (JsonNode s : cfg.path("spikes")) spikes.add(Spike.parse(s.asText()));
            SessionConfig sc = new SessionConfig(rc, ClipSpec.parse(Json.text(cfg, "clip", file)),
                    NonFinitePolicy.parse(Json.text(cfg, "nonFinite", file)), Json.integer(cfg, "steps", file, 0, Long.MAX_VALUE),
                    spikes, (int) Json.integer(cfg, "checkpointEvery", file, 0, Integer.MAX_VALUE), cfg.path("telemetry").asBoolean(true),
                    cfg.has("radiusEvery") ? (int) Json.integer(cfg, "radiusEvery", file, 0, Integer.MAX_VALUE) : 0);
            // the same ranges as the CLI and the form (run.json is untrusted input)
            String problem = org.gradlab.run.RunSettings.problem(sc);
            if (problem != null) throw new RunFileException(file, -1, "config: " + problem);
            return sc;
    }

    private static RunManifest readLayoutAndRest(JsonNode root, Path file, int version, SessionConfig sc, Imported imp)
            throws RunFileException {
            JsonNode lay = Json.field(root, "layout", file);
            List<String> groups = new ArrayList<>();
            for (JsonNode g : Json.field(lay, "groups", file)) groups.add(g.asText());
            List<Tensor> tensors = new ArrayList<>();
            long expectOffset = 0;
            for (JsonNode t : Json.field(lay, "tensors", file)) {
                JsonNode sh = Json.field(t, "shape", file);
                int[] shape = new int[sh.size()];
                long size = 1;
                if (shape.length > 8) throw new RunFileException(file, -1, "tensor shapes have at most 8 dimensions");
                for (int i = 0; i < shape.length; i++) {
                    JsonNode d = sh.get(i);
                    if (!d.isIntegralNumber() || !d.canConvertToInt() || d.asInt() <= 0) {
                        throw new RunFileException(file, -1, "tensor shape entries must be positive whole numbers");
                    }
                    shape[i] = d.asInt();
                    size *= shape[i];
                    // a product past 2^31 elements is refused before it can wrap around (64-bit products overflow too)
                    if (size > Integer.MAX_VALUE) throw new RunFileException(file, -1, "a tensor of more than 2^31 elements");
                }
                Tensor ten = new Tensor(Json.text(t, "name", file), shape, (int) Json.integer(t, "offset", file, 0, Integer.MAX_VALUE),
                        (int) Json.integer(t, "size", file, 1, Integer.MAX_VALUE), Json.text(t, "group", file));
                if (ten.size() != size || ten.offset() != expectOffset || !groups.contains(ten.group())) {
                    throw new RunFileException(file, -1, "layout entry '" + ten.name() + "' is inconsistent (size, offset or group)");
                }
                expectOffset += size;
                if (expectOffset > Integer.MAX_VALUE) throw new RunFileException(file, -1, "more than 2^31 parameters");
                tensors.add(ten);
            }
            JsonNode h = Json.field(root, "histogram", file);
            int width = (int) Json.integer(h, "width", file, 0, 10_000);
            JsonNode e = Json.field(h, "edges", file);
            double[] edges = new double[e.size()];
            for (int i = 0; i < edges.length; i++) edges[i] = e.get(i).asDouble();
            Parent parent = null;
            JsonNode p = root.get("parent");
            if (p != null && p.isObject()) {
                if (!p.path("run").isTextual() || !p.path("step").isIntegralNumber() || !p.path("step").canConvertToLong() || p.path("step").asLong() < 0) {
                    throw new RunFileException(file, -1, "the fork parent needs a run (text) and a step (a whole number >= 0)");
                }
                parent = new Parent(p.path("run").asText(), p.path("step").asLong(), p.path("variant").asText());
            }
            String device = root.hasNonNull("device") ? root.get("device").asText() : null;
            return new RunManifest(version, root.path("appVersion").asText("?"), root.path("createdAt").asText("?"), sc, tensors,
                    groups, edges, width, parent, imp, device, readRecurrent(root, file, groups));
    }

    private static Recurrent readRecurrent(JsonNode root, Path file, List<String> groups) throws RunFileException {
        JsonNode r = root.get("recurrent");
        if (r == null || !r.isObject()) return null;
        List<String> layers = new ArrayList<>(), matrices = new ArrayList<>();
        for (JsonNode l : Json.field(r, "layers", file)) {
            if (!groups.contains(l.asText())) throw new RunFileException(file, -1, "recurrent layer '" + l.asText() + "' is not a layer group");
            layers.add(l.asText());
        }
        for (JsonNode m : r.path("matrices")) matrices.add(m.asText());
        int steps = (int) Json.integer(r, "steps", file, 1, 1 << 16);
        if (layers.size() > 1024 || matrices.size() > 1024) throw new RunFileException(file, -1, "too many recurrent layers");
        return new Recurrent(layers, steps, matrices);
    }
}
