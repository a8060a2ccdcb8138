package org.gradlab.engine;

/** A default initialisation of a parameter tensor, as PyTorch's module constructors do it. */
public record InitRule(Kind kind, double a) {
    public enum Kind { UNIFORM, NORMAL, CONSTANT }

    /** U(−bound, bound). */
    public static InitRule uniform(double bound) {
        return new InitRule(Kind.UNIFORM, bound);
    }

    /** N(0, std²). */
    public static InitRule normal(double std) {
        return new InitRule(Kind.NORMAL, std);
    }

    public static InitRule constant(double value) {
        return new InitRule(Kind.CONSTANT, value);
    }
}
