package org.gradlab.model;

import java.util.Locale;

/**
 * Recurrent cell kinds with PyTorch's gate counts (gate order i,f,g,o for LSTM and r,z,n for GRU), and the
 * sigmoid-unit RNN of Pascanu et al.'s "sigmoid" experiments (PyTorch has none; its parameters are named as
 * the tanh RNN's).
 */
public enum CellType {
    RNN_TANH(1, "rnn"), RNN_SIGMOID(1, "rnn-sigmoid"), LSTM(4, "lstm"), GRU(3, "gru");

    public final int gates;
    public final String cliName;

    CellType(int gates, String cliName) {
        this.gates = gates;
        this.cliName = cliName;
    }

    /** Accepts "rnn", "rnn-tanh", "tanh", "lstm", "gru" (any case). */
    public static CellType parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "rnn", "rnn-tanh", "tanh", "rnn_tanh" -> RNN_TANH;
            case "rnn-sigmoid", "sigmoid", "rnn_sigmoid" -> RNN_SIGMOID;
            case "lstm" -> LSTM;
            case "gru" -> GRU;
            default -> throw new IllegalArgumentException("unknown cell '" + s + "' (expected rnn, rnn-sigmoid, lstm or gru)");
        };
    }
}
