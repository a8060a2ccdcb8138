package org.gradlab.run;

import org.gradlab.task.CharCorpus;
import org.gradlab.task.CharLmTask;
import org.gradlab.task.MarkedPairTask;
import org.gradlab.task.Task;
import org.gradlab.task.TemporalOrderTask;

import java.util.List;

/** Task names as the CLI and run files spell them. */
public final class Tasks {
    public static final List<String> NAMES = List.of("adding", "multiplication", "temporal-order", "temporal-order-3bit", "charlm");

    private static volatile CharCorpus corpus;

    private Tasks() {}

    public static Task create(String name, int batch, int seq, long seed) {
        return switch (name) {
            case "adding" -> new MarkedPairTask(MarkedPairTask.Op.ADDING, batch, seq, seed);
            case "multiplication" -> new MarkedPairTask(MarkedPairTask.Op.MULTIPLICATION, batch, seq, seed);
            case "temporal-order" -> new TemporalOrderTask(2, batch, seq, seed);
            case "temporal-order-3bit" -> new TemporalOrderTask(3, batch, seq, seed);
            case "charlm" -> new CharLmTask(corpus(), batch, seq, seed);
            default -> throw new IllegalArgumentException("unknown task '" + name + "' (expected one of " + String.join(", ", NAMES) + ")");
        };
    }

    /** The bundled corpus, read once. */
    public static CharCorpus corpus() {
        CharCorpus c = corpus;
        if (c == null) corpus = c = CharCorpus.bundled();
        return c;
    }
}
