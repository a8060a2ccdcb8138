package org.gradlab.optim;

import java.util.Locale;

/** Optimizer hyper-parameters with PyTorch's meanings and defaults ({@link #defaults}). */
public record OptimizerConfig(Kind kind, double lr, double momentum, double dampening, boolean nesterov,
                              double beta1, double beta2, double eps, double weightDecay, LrSchedule schedule) {
    public enum Kind {
        SGD, ADAM, ADAMW;

        /** "sgd", "adam" or "adamw": the name {@link #parseKind} takes and manifests, --optimizer and bench print. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A config with a constant learning rate. */
    public OptimizerConfig(Kind kind, double lr, double momentum, double dampening, boolean nesterov, double beta1, double beta2,
                           double eps, double weightDecay) {
        this(kind, lr, momentum, dampening, nesterov, beta1, beta2, eps, weightDecay, LrSchedule.CONSTANT);
    }

    public OptimizerConfig {
        if (schedule == null) schedule = LrSchedule.CONSTANT;
        if (!(lr >= 0) || !Double.isFinite(lr)) throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        if (!(momentum >= 0)) throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
        if (nesterov && (momentum <= 0 || dampening != 0)) {
            throw new IllegalArgumentException("Nesterov momentum requires a momentum and zero dampening");
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps >= 0)) throw new IllegalArgumentException("eps must be >= 0, got " + eps);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
    }

    /** PyTorch defaults: SGD momentum 0; Adam betas (0.9, 0.999), eps 1e-8, wd 0; AdamW wd 0.01. */
    public static OptimizerConfig defaults(Kind kind, double lr) {
        return new OptimizerConfig(kind, lr, 0, 0, false, 0.9, 0.999, 1e-8, kind == Kind.ADAMW ? 0.01 : 0);
    }

    public static Kind parseKind(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "sgd" -> Kind.SGD;
            case "adam" -> Kind.ADAM;
            case "adamw" -> Kind.ADAMW;
            default -> throw new IllegalArgumentException("unknown optimizer '" + s + "' (expected sgd, adam or adamw)");
        };
    }

    public OptimizerConfig withLr(double newLr) {
        return new OptimizerConfig(kind, newLr, momentum, dampening, nesterov, beta1, beta2, eps, weightDecay, schedule);
    }

    public OptimizerConfig withMomentum(double m) {
        return new OptimizerConfig(kind, lr, m, dampening, nesterov, beta1, beta2, eps, weightDecay, schedule);
    }

    public OptimizerConfig withSchedule(LrSchedule s) {
        return new OptimizerConfig(kind, lr, momentum, dampening, nesterov, beta1, beta2, eps, weightDecay, s);
    }
}
