package org.gradlab.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of a model's parameters in one flat buffer: names, shapes, offsets and layer groups, in
 * registration order. Gradients use the same layout in a second buffer.
 */
public final class ParamLayout {
    private final List<ParamTensor> tensors;
    private final Map<String, ParamTensor> byName;
    private final List<String> groups;
    private final int total;

    private ParamLayout(List<ParamTensor> tensors) {
        this.tensors = List.copyOf(tensors);
        Map<String, ParamTensor> m = new LinkedHashMap<>();
        List<String> g = new ArrayList<>();
        int t = 0;
        for (ParamTensor p : tensors) {
            m.put(p.name(), p);
            if (!g.contains(p.group())) g.add(p.group());
            t += p.size();
        }
        this.byName = Collections.unmodifiableMap(m);
        this.groups = List.copyOf(g);
        this.total = t;
    }

    public List<ParamTensor> tensors() {
        return tensors;
    }

    /** Layer groups in first-appearance order. */
    public List<String> groups() {
        return groups;
    }

    public int groupIndex(String group) {
        return groups.indexOf(group);
    }

    public int totalSize() {
        return total;
    }

    public ParamTensor get(String name) {
        ParamTensor p = byName.get(name);
        if (p == null) throw new IllegalArgumentException("no parameter named '" + name + "'; have " + byName.keySet());
        return p;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Appends tensors contiguously. */
    public static final class Builder {
        private final List<ParamTensor> list = new ArrayList<>();
        private int offset;

        public ParamTensor add(String name, String group, InitRule init, int... shape) {
            int size = 1;
            for (int s : shape) {
                if (s <= 0) throw new IllegalArgumentException("bad shape for " + name);
                size = Math.multiplyExact(size, s);
            }
            for (ParamTensor p : list) {
                if (p.name().equals(name)) throw new IllegalArgumentException("duplicate parameter " + name);
            }
            ParamTensor p = new ParamTensor(name, shape, offset, size, group, init);
            list.add(p);
            offset += size;
            return p;
        }

        public ParamLayout build() {
            return new ParamLayout(list);
        }
    }
}
