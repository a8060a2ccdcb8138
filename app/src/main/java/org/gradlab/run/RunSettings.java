package org.gradlab.run;

import org.gradlab.clip.ClipSpec;
import org.gradlab.clip.NonFinitePolicy;
import org.gradlab.optim.OptimizerConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Every setting of a run in one declarative table — name, type, default, range, help — read by the CLI's
 * options, the app's Start form and run.json validation, so they cannot disagree. Some defaults depend on the
 * model and task (a tanh RNN gets 128 hidden units and one layer, the others 256 and two; a language model
 * 64-long sequences, the synthetic tasks 50).
 */
public final class RunSettings {
    private RunSettings() {}

    public enum Type { CHOICE, INT, LONG, DOUBLE, TEXT }

    /**
     * One setting: its name (the CLI option is --name), the label the form shows, its type, the choices of a
     * CHOICE, the range [min, max] of a number, a help line, and its default for a (model, task).
     */
    public record Setting(String name, String label, Type type, List<String> choices, double min, double max, String help,
                          BiFunction<String, String, String> defaults) {
        public String defaultFor(String model, String task) {
            return defaults.apply(model, task);
        }

        /** The value as text, checked: a one-line message naming the setting when it is not one. */
        public String check(String text) {
            String t = text == null ? "" : text.trim();
            String what = label + " (--" + name + ")";
            switch (type) {
                case CHOICE -> {
                    String v = t.toLowerCase(Locale.ROOT);
                    if (!choices.contains(v)) throw new IllegalArgumentException(what + ": '" + t + "' is not one of " + String.join(", ", choices));
                    return v;
                }
                case INT, LONG -> {
                    long v;
                    try {
                        v = Long.parseLong(t.replace("_", ""));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(what + ": '" + t + "' is not a whole number");
                    }
                    if (v < min || v > max) throw new IllegalArgumentException(what + ": " + v + " is outside " + range());
                    return Long.toString(v);
                }
                case DOUBLE -> {
                    double v;
                    try {
                        v = Double.parseDouble(t);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(what + ": '" + t + "' is not a number");
                    }
                    if (!(v >= min && v <= max)) throw new IllegalArgumentException(what + ": " + t + " is outside " + range());
                    return t;
                }
                default -> {
                    if (name.equals("clip")) ClipSpec.parse(t);
                    if (name.equals("schedule")) return org.gradlab.optim.LrSchedule.parse(t).toText();
                    return t;
                }
            }
        }

        /** The range in words: "1 to 16384", "> 0", … */
        public String range() {
            if (type == Type.DOUBLE && min == Double.MIN_VALUE) return max == Double.MAX_VALUE ? "> 0" : "(0, " + num(max) + "]";
            if (max >= Long.MAX_VALUE / 2 || max == Double.MAX_VALUE) return ">= " + num(min);
            return num(min) + " to " + num(max);
        }

    }

    /** A setting's number as a person writes it: "4", "0.5", "1.0E20" (whole numbers without ".0"). */
    public static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static BiFunction<String, String, String> fixed(String v) {
        return (m, t) -> v;
    }

    private static boolean rnn(String model) {
        return model != null && Models.vanillaRnn(model);
    }

    /** The settings of a training run, in the order the form shows them. */
    public static final List<Setting> ALL = List.of(
            new Setting("model", "model", Type.CHOICE, Models.NAMES, 0, 0, "rnn (tanh units), rnn-sigmoid (sigmoid units, Pascanu's "
                    + "'sigmoid' network), lstm, gru or gpt", fixed("lstm")),
            new Setting("task", "task", Type.CHOICE, Tasks.NAMES, 0, 0,
                    "adding, multiplication, temporal-order, temporal-order-3bit or charlm", fixed("charlm")),
            new Setting("hidden", "hidden size", Type.INT, List.of(), 1, 8192,
                    "hidden size of the recurrent cells (128 for the vanilla RNNs, 256 otherwise)", (m, t) -> rnn(m) ? "128" : "256"),
            new Setting("layers", "layers / blocks", Type.INT, List.of(), 1, 64, "recurrent layers or transformer blocks (1 for the vanilla RNNs, 2 otherwise)",
                    (m, t) -> rnn(m) ? "1" : "2"),
            new Setting("embed", "embedding size", Type.INT, List.of(), 1, 8192, "embedding size for charlm with rnn/lstm/gru", fixed("64")),
            new Setting("dim", "model width", Type.INT, List.of(), 1, 8192, "gpt model width", fixed("128")),
            new Setting("heads", "attention heads", Type.INT, List.of(), 1, 256, "gpt attention heads (must divide the width)", fixed("4")),
            new Setting("batch", "batch", Type.INT, List.of(), 1, 65536, "sequences per batch", fixed("32")),
            new Setting("seq", "sequence length", Type.INT, List.of(), 1, 65536, "sequence length T (50 for synthetic tasks, 64 for charlm)",
                    (m, t) -> "charlm".equals(t) ? "64" : "50"),
            new Setting("optimizer", "optimizer", Type.CHOICE, List.of("sgd", "adam", "adamw"), 0, 0, "sgd, adam or adamw", fixed("adam")),
            new Setting("lr", "learning rate", Type.DOUBLE, List.of(), Double.MIN_VALUE, 1e6, "learning rate", fixed("1e-3")),
            new Setting("momentum", "SGD momentum", Type.DOUBLE, List.of(), 0, 1e6, "SGD momentum", fixed("0")),
            new Setting("schedule", "lr schedule", Type.TEXT, List.of(), 0, 0, "learning-rate schedule: " + org.gradlab.optim.LrSchedule.GRAMMAR
                    + " (the base lr times a factor of the step)", fixed("constant")),
            new Setting("init", "initialisation", Type.CHOICE, List.of("default", "sigmoid", "basic-tanh", "smart-tanh"), 0, 0,
                    "default (PyTorch's), or Pascanu et al.'s sigmoid, basic-tanh, smart-tanh for --model rnn or rnn-sigmoid", fixed("default")),
            new Setting("omega", "regulariser α", Type.DOUBLE, List.of(), 0, 1e6, "weight α of Pascanu et al.'s regulariser Ω, which "
                    + "keeps the gradient's norm from shrinking step to step back through time (their SGD-CR used 4 with norm clipping at 1); "
                    + "0 = none; --model rnn or rnn-sigmoid", fixed("0")),
            new Setting("clip", "clip", Type.TEXT, List.of(), 0, 0, "clipping spec: " + org.gradlab.clip.ClipSpec.FORMS, fixed("none")),
            new Setting("nonfinite", "NaN/inf gradients", Type.CHOICE, List.of("propagate", "skip", "stop"), 0, 0,
                    "what to do with NaN/inf gradients: propagate (as PyTorch), skip the update, or stop", fixed("propagate")),
            new Setting("seed", "seed", Type.LONG, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, "fixes initialisation and data order", fixed("1")),
            new Setting("steps", "steps", Type.LONG, List.of(), 0, Long.MAX_VALUE, "optimizer steps", fixed("1000")));

    public static Setting get(String name) {
        for (Setting s : ALL) if (s.name().equals(name)) return s;
        throw new IllegalArgumentException("no setting '" + name + "'");
    }

    /** Every setting's default for a model and task. */
    public static Map<String, String> defaults(String model, String task) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Setting s : ALL) out.put(s.name(), s.defaultFor(model, task));
        return out;
    }

    /**
     * A session config from settings by name (text as typed; a missing one takes its default for the model and
     * task). Every value is checked against the table, then against the others (gpt needs charlm, …); the
     * first problem is an IllegalArgumentException whose message names the setting.
     */
    public static SessionConfig sessionConfig(Map<String, String> values, List<Spike> spikes, int checkpointEvery, boolean telemetry) {
        String model = get("model").check(values.getOrDefault("model", get("model").defaultFor(null, null)));
        String task = get("task").check(values.getOrDefault("task", get("task").defaultFor(model, null)));
        Map<String, String> v = new LinkedHashMap<>();
        for (Setting s : ALL) {
            String text = values.get(s.name());
            v.put(s.name(), s.check(text == null || text.isBlank() ? s.defaultFor(model, task) : text));
        }
        OptimizerConfig oc = OptimizerConfig.defaults(OptimizerConfig.parseKind(v.get("optimizer")), Double.parseDouble(v.get("lr")))
                .withMomentum(Double.parseDouble(v.get("momentum"))).withSchedule(org.gradlab.optim.LrSchedule.parse(v.get("schedule")));
        RunConfig rc = new RunConfig(model, task, i(v, "hidden"), i(v, "layers"), i(v, "embed"), i(v, "dim"), i(v, "heads"), i(v, "batch"),
                i(v, "seq"), oc, v.get("init"), Long.parseLong(v.get("seed")), Double.parseDouble(v.get("omega")));
        return new SessionConfig(rc, ClipSpec.parse(v.get("clip")), NonFinitePolicy.parse(v.get("nonfinite")), Long.parseLong(v.get("steps")),
                spikes, checkpointEvery, telemetry);
    }

    private static int i(Map<String, String> v, String name) {
        return Integer.parseInt(v.get(name));
    }

    /** A run config's values by setting name (the inverse of {@link #sessionConfig}, for checks and forms). */
    public static Map<String, String> valuesOf(SessionConfig sc) {
        RunConfig r = sc.run();
        Map<String, String> out = new LinkedHashMap<>();
        out.put("model", r.model());
        out.put("task", r.task());
        out.put("hidden", Integer.toString(r.hidden()));
        out.put("layers", Integer.toString(r.layers()));
        out.put("embed", Integer.toString(r.embed()));
        out.put("dim", Integer.toString(r.dim()));
        out.put("heads", Integer.toString(r.heads()));
        out.put("batch", Integer.toString(r.batch()));
        out.put("seq", Integer.toString(r.seq()));
        out.put("optimizer", r.optimizer().kind().label());
        out.put("lr", Double.toString(r.optimizer().lr()));
        out.put("momentum", Double.toString(r.optimizer().momentum()));
        out.put("schedule", r.optimizer().schedule().toText());
        out.put("init", r.init());
        out.put("omega", Double.toString(r.omega()));
        out.put("clip", sc.clip().toText());
        out.put("nonfinite", sc.nonFinite().cliName());
        out.put("seed", Long.toString(r.seed()));
        out.put("steps", Long.toString(sc.steps()));
        return out;
    }

    /** Checks every setting of a config against the table (run.json validation); the first problem, or null. */
    public static String problem(SessionConfig sc) {
        List<String> out = new ArrayList<>();
        for (var e : valuesOf(sc).entrySet()) {
            try {
                get(e.getKey()).check(e.getValue());
            } catch (IllegalArgumentException ex) {
                out.add(ex.getMessage().lines().findFirst().orElse(ex.getMessage()));
            }
        }
        return out.isEmpty() ? null : out.get(0);
    }
}
