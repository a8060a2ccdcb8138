package org.gradlab.record.tb;

import org.gradlab.record.ByteSource;
import java.util.ArrayList;
import java.util.List;

/** One decoded TensorBoard Event: wall time, step, and its summary values (scalars and histograms only). */
public record TbEvent(double wallTime, long step, String fileVersion, List<Value> values) {
    /** A summary value; plugin is the plugin name when this value carried metadata (first value of a tag). */
    public record Value(String tag, String plugin, Double scalar, Histogram histogram) {}

    /**
     * Buckets as [left, right) with counts — TensorBoard's normalised form of both histogram encodings — and the
     * sum of squares of the values when the writer logged it (legacy histograms do; NaN otherwise).
     */
    public record Histogram(double[] left, double[] right, double[] count, double sumSquares) {
        public double total() {
            double s = 0;
            for (double c : count) s += c;
            return s;
        }
    }

    static TbEvent decode(byte[] b, int off, int len) throws ByteSource.Malformed {
        ProtoReader r = new ProtoReader(b, off, len);
        double wall = 0;
        long step = 0;
        String version = null;
        List<Value> values = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> wall = r.wireType() == ProtoReader.I64 ? r.fixed64AsDouble() : bad(r);
                case 2 -> step = r.varint();
                case 3 -> version = r.string();
                case 5 -> decodeSummary(r.sub(), values);
                default -> r.skip();
            }
        }
        return new TbEvent(wall, step, version, values);
    }

    private static double bad(ProtoReader r) throws ByteSource.Malformed {
        throw new ByteSource.Malformed(r.position(), "wall_time is not a double");
    }

    private static void decodeSummary(ProtoReader r, List<Value> out) throws ByteSource.Malformed {
        while (r.next()) {
            if (r.field() == 1 && r.wireType() == ProtoReader.LEN) out.add(decodeValue(r.sub()));
            else r.skip();
        }
    }

    private static Value decodeValue(ProtoReader r) throws ByteSource.Malformed {
        String tag = "", plugin = null;
        Double scalar = null;
        Histogram histo = null;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> tag = r.string();
                case 2 -> scalar = (double) r.fixed32AsFloat();
                case 5 -> histo = decodeHisto(r.sub());
                case 8 -> {
                    Object t = decodeTensor(r.sub());
                    if (t instanceof Double d) scalar = d;
                    else if (t instanceof Histogram h) histo = h;
                }
                case 9 -> plugin = decodePlugin(r.sub());
                default -> r.skip();
            }
        }
        return new Value(tag, plugin, scalar, histo);
    }

    private static String decodePlugin(ProtoReader r) throws ByteSource.Malformed {
        String name = null;
        while (r.next()) {
            if (r.field() == 1 && r.wireType() == ProtoReader.LEN) {
                ProtoReader p = r.sub();
                while (p.next()) {
                    if (p.field() == 1 && p.wireType() == ProtoReader.LEN) name = p.string();
                    else p.skip();
                }
            } else {
                r.skip();
            }
        }
        return name;
    }

    /** Legacy HistogramProto → buckets, as TensorBoard's data_compat does: min/max as outer edges, empty ends dropped. */
    private static Histogram decodeHisto(ProtoReader r) throws ByteSource.Malformed {
        double min = 0, max = 0, sumSq = Double.NaN;
        DoubleList limits = new DoubleList(), counts = new DoubleList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> min = r.fixed64AsDouble();
                case 2 -> max = r.fixed64AsDouble();
                case 5 -> sumSq = r.fixed64AsDouble();
                case 6 -> r.doubles(limits::add);
                case 7 -> r.doubles(counts::add);
                default -> r.skip();
            }
        }
        int n = Math.min(limits.size, counts.size);
        int first = 0, last = n - 1;
        while (first < n && counts.get(first) == 0) first++;
        while (last >= first && counts.get(last) == 0) last--;
        if (first > last) return new Histogram(new double[0], new double[0], new double[0], sumSq);
        int k = last - first + 1;
        double[] left = new double[k], right = new double[k], count = new double[k];
        for (int i = 0; i < k; i++) {
            int b = first + i;
            left[i] = b == 0 ? min : Math.max(min, limits.get(b - 1));
            right[i] = b == n - 1 ? max : Math.min(max, limits.get(b));
            count[i] = counts.get(b);
        }
        left[0] = min;
        right[k - 1] = max;
        return new Histogram(left, right, count, sumSq);
    }

    /** A scalar (shape []) as Double, a [k,3] histogram as Histogram, anything else null. */
    private static Object decodeTensor(ProtoReader r) throws ByteSource.Malformed {
        int dtype = 0;
        List<Long> dims = new ArrayList<>();
        byte[] content = null;
        DoubleList vals = new DoubleList();
        while (r.next()) {
            switch (r.field()) {
                case 1 -> dtype = (int) r.varint();
                case 2 -> {
                    ProtoReader s = r.sub();
                    while (s.next()) {
                        if (s.field() == 2 && s.wireType() == ProtoReader.LEN) {
                            ProtoReader d = s.sub();
                            long size = 0;
                            while (d.next()) {
                                if (d.field() == 1) size = d.varint();
                                else d.skip();
                            }
                            dims.add(size);
                        } else {
                            s.skip();
                        }
                    }
                }
                case 4 -> content = r.raw();
                case 5 -> r.floats(vals::add);
                case 6 -> r.doubles(vals::add);
                default -> r.skip();
            }
        }
        if (content != null) {
            int width = dtype == 2 ? 8 : dtype == 1 ? 4 : 0;
            if (width == 0 || content.length % width != 0) return null;
            for (int o = 0; o < content.length; o += width) {
                vals.add(width == 8 ? Double.longBitsToDouble(TfRecord.u64(content, o)) : Float.intBitsToFloat(TfRecord.u32(content, o)));
            }
        }
        if (dtype != 1 && dtype != 2) return null;
        if (dims.isEmpty() && vals.size == 1) return vals.get(0);
        if (dims.size() == 2 && dims.get(1) == 3 && vals.size == dims.get(0) * 3) {
            int k = (int) (long) dims.get(0);
            double[] left = new double[k], right = new double[k], count = new double[k];
            for (int i = 0; i < k; i++) {
                left[i] = vals.get(3 * i);
                right[i] = vals.get(3 * i + 1);
                count[i] = vals.get(3 * i + 2);
            }
            return new Histogram(left, right, count, Double.NaN);
        }
        return null;
    }

    /** A growable list of doubles (no boxing). */
    static final class DoubleList {
        double[] a = new double[16];
        int size;

        void add(double v) {
            if (size == a.length) a = java.util.Arrays.copyOf(a, size * 2);
            a[size++] = v;
        }

        double get(int i) {
            return a[i];
        }
    }
}
