package org.gradlab.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The packaged PTX modules, one per kernel family (kernels/src/cuda/NAME.cu → gradlab/kernels/NAME.ptx). */
public final class Kernels {
    public static final List<String> MODULES = List.of(
            "activations", "attention", "embedding", "gradstats", "layernorm", "losses", "matmul", "optimizers",
            "recurrent");

    private Kernels() {}

    /**
     * The PTX text of a module as the driver wants it: NUL-terminated (cuModuleLoadData passes the bytes
     * through unchanged and reads up to the first NUL).
     */
    public static byte[] ptx(String module) {
        String path = "/gradlab/kernels/" + module + ".ptx";
        try (InputStream in = Kernels.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("PTX resource " + path + " is missing from the build");
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }
}
