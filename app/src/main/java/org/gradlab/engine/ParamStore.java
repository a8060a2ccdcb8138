package org.gradlab.engine;

import java.util.SplittableRandom;

/** The flat parameter and gradient buffers of one model on one backend. */
public final class ParamStore {
    private final Backend backend;
    private final ParamLayout layout;
    private final Buf params;
    private final Buf grads;

    public ParamStore(Backend backend, ParamLayout layout) {
        this.backend = backend;
        this.layout = layout;
        this.params = backend.alloc(layout.totalSize());
        this.grads = backend.alloc(layout.totalSize());
    }

    public Backend backend() { return backend; }
    public ParamLayout layout() { return layout; }
    public Buf params() { return params; }
    public Buf grads() { return grads; }
    public int size() { return layout.totalSize(); }

    public void zeroGrads() {
        backend.fill(grads, 0, layout.totalSize(), 0f);
    }

    /** Each tensor's default initialisation, drawn in layout order from one seeded stream. */
    public void initialize(SplittableRandom rng) {
        float[] host = new float[layout.totalSize()];
        for (ParamTensor p : layout.tensors()) {
            InitRule r = p.init();
            for (int i = 0; i < p.size(); i++) {
                host[p.offset() + i] = switch (r.kind()) {
                    case UNIFORM -> (float) ((rng.nextDouble() * 2 - 1) * r.a());
                    case NORMAL -> (float) (Gaussian.next(rng) * r.a());
                    case CONSTANT -> (float) r.a();
                };
            }
        }
        backend.upload(host, 0, params, 0, host.length);
    }

    public float[] readParams() {
        float[] host = new float[size()];
        backend.download(params, 0, host, 0, host.length);
        return host;
    }

    public float[] readGrads() {
        float[] host = new float[size()];
        backend.download(grads, 0, host, 0, host.length);
        return host;
    }

    public void writeParams(float[] host) {
        if (host.length != size()) throw new IllegalArgumentException("expected " + size() + " floats, got " + host.length);
        backend.upload(host, 0, params, 0, host.length);
    }

    /** Loads one tensor by name, checking its size. */
    public void set(String name, float[] values) {
        ParamTensor p = layout.get(name);
        if (values.length != p.size()) {
            throw new IllegalArgumentException(name + ": expected " + p.size() + " values for shape " + p.shapeText()
                    + ", got " + values.length);
        }
        backend.upload(values, 0, params, p.offset(), p.size());
    }

    public float[] get(String name) {
        ParamTensor p = layout.get(name);
        float[] out = new float[p.size()];
        backend.download(params, p.offset(), out, 0, p.size());
        return out;
    }

    public float[] grad(String name) {
        ParamTensor p = layout.get(name);
        float[] out = new float[p.size()];
        backend.download(grads, p.offset(), out, 0, p.size());
        return out;
    }
}
