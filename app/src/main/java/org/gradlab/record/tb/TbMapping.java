package org.gradlab.record.tb;

import java.util.Locale;
import java.util.Map;

/**
 * How TensorBoard tags map onto GradLab's series: the loss, the (pre-clip) gradient norm, the learning rate,
 * and per-parameter gradient histograms grouped into layers by name. Other tags stay under their own names.
 */
public final class TbMapping {
    private static final String[] GRAD_PREFIXES = {"grad/", "grads/", "gradient/", "gradients/", "grad_hist/"};

    private TbMapping() {}

    /** The first tag that names a loss ("loss", "train/loss", …), or null. */
    public static String lossTag(Map<String, ?> scalars) {
        for (String t : scalars.keySet()) if (lower(t).equals("loss")) return t;
        for (String t : scalars.keySet()) if (lower(t).endsWith("/loss") || lower(t).endsWith("_loss")) return t;
        for (String t : scalars.keySet()) if (lower(t).contains("loss")) return t;
        return null;
    }

    /** A global gradient-norm tag ("grad_norm", "train/grad_norm", "grad_norm/pre_clip", …), or null. */
    public static String gradNormTag(Map<String, ?> scalars) {
        for (String t : scalars.keySet()) {
            String l = lower(t);
            if ((l.contains("grad_norm") || l.contains("gradnorm") || l.contains("grad-norm")) && !l.contains("layer") && !l.contains("post")) return t;
        }
        return null;
    }

    public static String lrTag(Map<String, ?> scalars) {
        for (String t : scalars.keySet()) {
            String l = lower(t);
            if (l.equals("lr") || l.endsWith("/lr") || l.contains("learning_rate")) return t;
        }
        return null;
    }

    /** True for a histogram tag that holds gradients (by prefix); the prefix is dropped by {@link #paramName}. */
    public static boolean isGradient(String tag) {
        String l = lower(tag);
        for (String p : GRAD_PREFIXES) if (l.startsWith(p)) return true;
        return false;
    }

    public static String paramName(String tag) {
        for (String p : GRAD_PREFIXES) if (lower(tag).startsWith(p)) return tag.substring(p.length());
        return tag;
    }

    /**
     * The layer a parameter belongs to: PyTorch's recurrent "rnn.weight_ih_l1" → "rnn.l1" (as GradLab groups
     * them), "blocks.0.attn.qkv.weight" → "blocks.0.attn.qkv", a name without dots is its own layer.
     */
    public static String layerOf(String param) {
        int dot = param.lastIndexOf('.');
        if (dot < 0) return param;
        String last = param.substring(dot + 1);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("_l(\\d+)(_reverse)?$").matcher(last);
        if (m.find()) return param.substring(0, dot) + ".l" + m.group(1);
        return param.substring(0, dot);
    }

    /**
     * Whether step k clipped, where the log says: its clip/clipped flag (the probe's and GradLab's exports; value
     * clipping has no single coefficient), else a logged coefficient below 1; null where the log does not say.
     */
    public static Boolean loggedClipped(TbLogDir.Run run, long k) {
        Double flag = scalar(run, "clip/clipped", k), coef = scalar(run, "clip/coefficient", k);
        return flag != null ? Boolean.valueOf(flag > 0.5) : coef != null && !coef.isNaN() ? Boolean.valueOf(coef < 1) : null;
    }

    /** The run's nonfinite/&lt;layer&gt; tags: the NaN/inf gradient values the probe and GradLab's exports count. */
    public static java.util.List<String> nonFiniteTags(TbLogDir.Run run) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String t : run.scalars.keySet()) if (t.startsWith("nonfinite/")) out.add(t);
        return out;
    }

    /** The NaN/inf values those tags count at step k (a layer not logged then counts none). */
    public static long loggedNonFinite(TbLogDir.Run run, java.util.List<String> nonFiniteTags, long k) {
        long n = 0;
        for (String t : nonFiniteTags) {
            Double v = scalar(run, t, k);
            if (v != null && v > 0) n += (long) Math.min(v, 1e15);
        }
        return n;
    }

    private static Double scalar(TbLogDir.Run run, String tag, long k) {
        java.util.TreeMap<Long, Double> s = run.scalars.get(tag);
        return s == null ? null : s.get(k);
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
