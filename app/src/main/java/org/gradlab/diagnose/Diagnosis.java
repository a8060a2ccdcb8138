package org.gradlab.diagnose;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A run read as a practitioner reads it: the clip regime over the run and window by window, the spikes and what
 * explains them, trends, NaN/inf, conditioning at the start, threshold advice with would-clip rates, and the
 * likely causes ranked with their evidence. {@link #json()} is the documented, stable contract of
 * {@code gradlab diagnose --json}; {@link #text()} the report for people.
 */
public record Diagnosis(String run, String source, int steps, long firstStep, long lastStep, String clipSpec, double clipRate,
                        String regime, List<ClipRegime.Window> windows, List<ClipRegime.Change> regimeChanges, List<Spikes.Spike> spikes,
                        Causes.Trend trend, Causes.NonFinite nonFinite, Conditioning conditioning, ThresholdAdvice advice,
                        List<Causes.Cause> causes, BatchProbe.Verdict probe, List<String> evaluations, List<String> notes) {
    /** The format version of the JSON contract (raised when a field changes meaning or goes away). */
    public static final int JSON_VERSION = 1;

    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ObjectNode json() {
        ObjectNode o = MAPPER.createObjectNode();
        o.put("format", "gradlab-diagnosis").put("version", JSON_VERSION).put("run", run).put("source", source);
        o.put("steps", steps).put("first_step", firstStep).put("last_step", lastStep);
        ObjectNode clip = o.putObject("clip");
        if (clipSpec == null) clip.putNull("spec");
        else clip.put("spec", clipSpec);
        num(clip, "rate", clipRate);
        clip.put("regime", regime);
        ArrayNode w = clip.putArray("windows");
        for (ClipRegime.Window x : windows) {
            ObjectNode n = w.addObject().put("from", x.from()).put("to", x.to()).put("steps", x.steps());
            num(n, "rate", x.rate());
            n.put("regime", x.regime());
        }
        ArrayNode ch = clip.putArray("changes");
        for (ClipRegime.Change c : regimeChanges) ch.addObject().put("step", c.step()).put("from", c.from()).put("to", c.to());
        ArrayNode sp = o.putArray("spikes");
        for (Spikes.Spike s : spikes) {
            ObjectNode n = sp.addObject().put("step", s.step());
            num(n, "pre_norm", s.preNorm());
            num(n, "score", s.score());
            num(n, "ratio", s.ratio());
            if (s.layer() == null) n.putNull("layer");
            else n.put("layer", s.layer());
            num(n, "loss_before", s.lossBefore());
            num(n, "loss_after", s.lossAfter());
            if (s.recoverySteps() == null) n.putNull("recovery_steps");
            else n.put("recovery_steps", s.recoverySteps());
            n.put("non_finite", s.nonFinite());
            if (s.explainedBy() == null) n.putNull("explained_by");
            else n.put("explained_by", s.explainedBy());
        }
        ObjectNode t = o.putObject("trend");
        t.put("spikes_first_half", trend.spikesFirstHalf()).put("spikes_second_half", trend.spikesSecondHalf());
        num(t, "clip_rate_first_half", trend.clipRateFirstHalf());
        num(t, "clip_rate_second_half", trend.clipRateSecondHalf());
        num(t, "log10_norm_slope_per_1000_steps", trend.normSlopePer1000());
        t.put("verdict", trend.verdict());
        ObjectNode nf = o.putObject("non_finite");
        nf.put("steps", nonFinite.steps()).put("first_step", nonFinite.firstStep()).put("overflowed_norms", nonFinite.overflowedNorms());
        ObjectNode c = o.putObject("conditioning");
        num(c, "layer_norm_ratio_at_start", conditioning.layerNormRatio());
        num(c, "norm_first_tenth", conditioning.normFirstTenth());
        num(c, "norm_last_tenth", conditioning.normLastTenth());
        ArrayNode layers = c.putArray("layers_at_start");
        for (int i = 0; conditioning.layerNormsAtStart() != null && i < conditioning.layers().size(); i++) {
            ObjectNode l = layers.addObject().put("layer", conditioning.layers().get(i));
            num(l, "pre_norm", conditioning.layerNormsAtStart()[i]);
        }
        ArrayNode rho = c.putArray("spectral_radius");
        for (Conditioning.Radius r : conditioning.spectralRadius()) num(rho.addObject().put("tensor", r.tensor()), "rho", r.rho());
        ArrayNode rhoRec = c.putArray("spectral_radius_recorded");
        for (Conditioning.Radius r : conditioning.radiusRecorded()) {
            num(rhoRec.addObject().put("tensor", r.tensor()).put("step", conditioning.radiusStep()), "rho", r.rho());
        }
        num(c, "reach_back_first_step", conditioning.reachBackFirst());
        num(c, "reach_back_last_step", conditioning.reachBackLast());
        ObjectNode a = o.putObject("threshold_advice");
        num(a, "mean_norm", advice.meanNorm());
        a.putArray("healthy_window").add(advice.healthyFrom()).add(advice.healthyTo());
        ArrayNode pr = a.putArray("pascanu_range");
        for (double v : advice.pascanuRange()) num(pr, v);
        ObjectNode pct = a.putObject("percentiles");
        advice.percentiles().forEach((k, v) -> num(pct, k, v));
        ArrayNode wc = a.putArray("would_clip");
        for (ThresholdAdvice.WouldClip x : advice.wouldClip()) {
            ObjectNode n = wc.addObject().put("label", x.label());
            num(n, "threshold", x.threshold());
            num(n, "rate", x.rate());
        }
        ArrayNode cs = o.putArray("causes");
        for (Causes.Cause x : causes) cs.addObject().put("cause", x.cause()).put("score", x.score()).put("evidence", x.evidence());
        if (probe != null) {
            ObjectNode p = o.putObject("probe").put("step", probe.step()).put("verdict", probe.verdict());
            p.put("batch_tied", probe.batchTied()).put("state_tied", probe.stateTied());
            ArrayNode bw = p.putArray("batch_at_nearby_weights");
            for (int i = 0; i < probe.nearbySteps().length; i++) num(bw.addObject().put("weights_of_step", probe.nearbySteps()[i]), "norm", probe.batchAtNearbyWeights()[i]);
            ArrayNode nb = p.putArray("nearby_batches_at_step");
            for (int i = 0; i < probe.nearbyBatches().length; i++) num(nb.addObject().put("batch", probe.nearbyBatches()[i]), "norm", probe.nearbyBatchesAtStep()[i]);
            num(p, "typical_norm", probe.typicalNorm());
        }
        ArrayNode ev = o.putArray("evaluations");
        evaluations.forEach(ev::add);
        ArrayNode notesNode = o.putArray("notes");
        notes.forEach(notesNode::add);
        return o;
    }

    /** NaN and infinities are not JSON numbers: they are written as null. */
    private static void num(ObjectNode o, String k, double v) {
        if (Double.isFinite(v)) o.put(k, v);
        else o.putNull(k);
    }

    private static void num(ArrayNode a, double v) {
        if (Double.isFinite(v)) a.add(v);
        else a.addNull();
    }

    public String text() {
        List<String> l = new ArrayList<>();
        l.add("diagnosis of " + run + " (" + source + ", " + steps + " steps" + (steps == 0 ? "" : ", " + firstStep + "–" + lastStep) + ")");
        l.add(String.format(Locale.ROOT, "  clipping: %s — %s", clipSpec == null ? "not logged" : clipSpec, regimeLine()));
        for (ClipRegime.Change c : regimeChanges) l.add(String.format(Locale.ROOT, "    from step %d: %s → %s", c.step(), c.from(), c.to()));
        if (spikes.isEmpty()) {
            l.add(Double.isNaN(advice.meanNorm()) ? "  spikes: not assessed (no pre-clip norms recorded)" : "  spikes: none");
        } else {
            l.add("  spikes (" + spikes.size() + "):");
            for (Spikes.Spike s : spikes.subList(0, Math.min(10, spikes.size()))) {
                l.add(String.format(Locale.ROOT, "    step %d: pre-clip norm %.4g (%.0f× the median before, score %.1f)%s; loss %.4g → %.4g%s%s%s",
                        s.step(), s.preNorm(), s.ratio(), s.score(), s.layer() == null ? "" : ", rose most in " + s.layer(), s.lossBefore(),
                        s.lossAfter(), s.recoverySteps() == null ? ", not recovered" : ", recovered in " + s.recoverySteps() + " steps",
                        s.nonFinite() ? "; with NaN/inf" : "", s.explainedBy() == null ? "" : "; " + s.explainedBy()));
            }
            if (spikes.size() > 10) l.add("    … " + (spikes.size() - 10) + " more (--json lists all)");
        }
        l.add("  trend: " + trend.verdict() + String.format(Locale.ROOT, " (spikes %d → %d between the halves; clip rate %s → %s)",
                trend.spikesFirstHalf(), trend.spikesSecondHalf(), pct(trend.clipRateFirstHalf()), pct(trend.clipRateSecondHalf())));
        l.add("  non-finite: " + (nonFinite.steps() == 0 ? "none" : nonFinite.sentence()));
        StringBuilder cond = new StringBuilder(String.format(Locale.ROOT, "  conditioning: norm %.3g in the first tenth, %.3g in the last",
                conditioning.normFirstTenth(), conditioning.normLastTenth()));
        if (!Double.isNaN(conditioning.layerNormRatio())) cond.append(String.format(Locale.ROOT, "; layer norms at the start differ %.3g-fold", conditioning.layerNormRatio()));
        for (Conditioning.Radius r : conditioning.spectralRadius()) cond.append(String.format(Locale.ROOT, "; ρ(%s) = %.3f at initialisation", r.tensor(), r.rho()));
        for (Conditioning.Radius r : conditioning.radiusRecorded()) {
            cond.append(String.format(Locale.ROOT, ", %.3f at step %d", r.rho(), conditioning.radiusStep()));
        }
        if (!Double.isNaN(conditioning.reachBackFirst())) {
            cond.append(String.format(Locale.ROOT, "; gradient reaching t=1 over t=T: %.3g at the first step, %.3g at the last",
                    conditioning.reachBackFirst(), conditioning.reachBackLast()));
        }
        l.add(cond.toString());
        if (!Double.isNaN(advice.meanNorm())) {
            l.add(String.format(Locale.ROOT, "  threshold advice: mean pre-clip norm %.4g over steps %d–%d (spikes left out); Pascanu's range %.3g–%.3g; "
                    + "p50 %.3g, p99 %.3g, max %.3g", advice.meanNorm(), advice.healthyFrom(), advice.healthyTo(), advice.pascanuRange()[0],
                    advice.pascanuRange()[1], advice.percentiles().get("p50"), advice.percentiles().get("p99"), advice.percentiles().get("max")));
            StringBuilder wc = new StringBuilder("    would clip:");
            for (ThresholdAdvice.WouldClip x : advice.wouldClip()) wc.append(String.format(Locale.ROOT, " %s %.3g → %s;", x.label(), x.threshold(), pct(x.rate())));
            l.add(wc.substring(0, wc.length() - 1));
        } else {
            l.add("  threshold advice: no pre-clip norms recorded");
        }
        if (probe != null) l.add("  probe of step " + probe.step() + ": " + probe.summary());
        l.add("  likely causes:");
        for (Causes.Cause c : causes) l.add(String.format(Locale.ROOT, "    %-13s %.2f  %s", c.cause(), c.score(), c.evidence()));
        for (String e : evaluations) l.add("  evaluation: " + e);
        for (String n : notes) l.add("  note: " + n);
        return String.join("\n", l);
    }

    private String regimeLine() {
        if ("unknown".equals(regime)) return "what clipping did is not in the logs (no post-clip norm or threshold)";
        return String.format(Locale.ROOT, "%s (%s of steps clipped)%s", regime, pct(clipRate), switch (regime) {
            case "insurance" -> ": under 1% — a safety net" + busierWindows();
            case "none" -> "";
            case "constant" -> ": it fires on every step — a diagnosis you have chosen not to read; the threshold sets the step size";
            case "binding", "binding-from-start" -> ": clipping shapes most steps, not only the rare bad one";
            default -> ": more than insurance — find out why";
        });
    }

    /** An insurance rate over the run can hide stretches where clipping fired often: name them. */
    private String busierWindows() {
        List<ClipRegime.Window> busy = windows.stream().filter(x -> x.rate() >= 0.01).toList();
        if (busy.isEmpty()) return "";
        return String.format(Locale.ROOT, "; yet %d of %d windows clip on 1%% of steps or more (the first from step %d, up to %s): read those stretches",
                busy.size(), windows.size(), busy.get(0).from(), pct(busy.stream().mapToDouble(ClipRegime.Window::rate).max().orElse(0)));
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
