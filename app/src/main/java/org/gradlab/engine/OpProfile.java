package org.gradlab.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a step's time goes, one backend call at a time: {@link #timing} wraps a backend so that every call is timed
 * to its end (the inner backend is synchronised after each, so a GPU's queued kernels are charged to the call that
 * queued them) and added up per operation — a matrix product per shape (m×n×k, "Aᵀ" when A is read transposed),
 * an LSTM's or GRU's whole recurrence per T×B×H, everything else per method. Products carry their exact FLOPs
 * (2·m·n·k; a recurrence its per-step products', its cells not counted), so each line's GFLOP/s says how close it
 * runs to the machine's peak. Timing every call costs a few µs each and serialises a GPU: this is for
 * finding where the time goes, never for the step's speed (bench's other columns).
 */
public final class OpProfile {
    /** One operation's totals over the profiled calls. */
    public record Line(String op, long calls, double totalMs, double flops) {
        /** GFLOP/s of a matrix product or a recurrence's products; NaN for other operations. */
        public double gflops() {
            return flops > 0 ? flops / (totalMs * 1e6) : Double.NaN;
        }

        public double usPerCall() {
            return totalMs * 1e3 / calls;
        }
    }

    private static final class Tally {
        long calls, nanos;
        double flops;
    }

    private final Map<String, Tally> tallies = new LinkedHashMap<>();
    private boolean recording;

    /** Starts (or stops) adding calls to the totals: model building and warm-up steps are left out. */
    public void record(boolean on) {
        recording = on;
    }

    /** The operations by time spent, most first. */
    public List<Line> lines() {
        List<Line> out = new ArrayList<>();
        tallies.forEach((op, t) -> out.add(new Line(op, t.calls, t.nanos / 1e6, t.flops)));
        out.sort(Comparator.comparingDouble(Line::totalMs).reversed());
        return out;
    }

    /** All recorded time, ms. */
    public double totalMs() {
        return tallies.values().stream().mapToLong(t -> t.nanos).sum() / 1e6;
    }

    /** `inner` with every call timed into `into` while it records. */
    public static Backend timing(Backend inner, OpProfile into) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> into.call(inner, method, args));
    }

    private Object call(Backend inner, Method method, Object[] args) throws Throwable {
        if (!recording || method.getName().equals("synchronize")) return invoke(inner, method, args);
        long t0 = System.nanoTime();
        Object result = invoke(inner, method, args);
        inner.synchronize();
        long dt = System.nanoTime() - t0;
        String op = method.getName();
        double flops = 0;
        if (op.startsWith("gemm")) { // every product's arguments open with m, n, k, A, its offset and strides
            int m = (Integer) args[0], n = (Integer) args[1], k = (Integer) args[2];
            boolean transposedA = (Integer) args[5] == 1 && (Integer) args[6] != 1;
            op = op + " " + m + "×" + n + "×" + k + (transposedA ? " Aᵀ" : "");
            flops = 2.0 * m * n * k;
        } else if (op.equals("gatedSequenceForward") || op.equals("gatedSequenceBackward")) {
            // a whole recurrence: its products' FLOPs (hg_t = h_t·W_hhᵀ each step; dH_{t−1} += dPre_t·W_hh for t > 0)
            boolean lstm = (Boolean) args[0];
            int seq = (Integer) args[1], batch = (Integer) args[2], hidden = (Integer) args[3];
            int steps = op.endsWith("Forward") ? seq : seq - 1;
            op = op + (lstm ? " LSTM " : " GRU ") + seq + "×" + batch + "×" + hidden;
            flops = 2.0 * batch * (lstm ? 4 : 3) * hidden * hidden * steps;
        }
        Tally t = tallies.computeIfAbsent(op, o -> new Tally());
        t.calls++;
        t.nanos += dt;
        t.flops += flops;
        return result;
    }

    private static Object invoke(Backend inner, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(inner, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
