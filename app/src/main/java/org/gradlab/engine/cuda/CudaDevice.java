package org.gradlab.engine.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.gradlab.kernels.Kernels;

/**
 * GPU 0 with its primary context and every kernel of the PTX modules, loaded once per process (the PTX is
 * JIT-compiled by the driver here, so a driver that rejects it is found at start, not mid-run). Backends
 * share it; each thread that launches makes the context current first ({@link #bindCurrentThread}).
 */
final class CudaDevice {
    private static CudaDevice instance;

    private final CUcontext context = new CUcontext();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final String description;
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);

    private CudaDevice() {
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = {0};
        cuDeviceGetCount(count);
        if (count[0] == 0) throw new CudaException("CUDA_ERROR_NO_DEVICE");
        CUdevice dev = new CUdevice();
        cuDeviceGet(dev, 0);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, dev);
        int[] major = {0}, minor = {0}, driver = {0};
        cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev);
        cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev);
        cuDriverGetVersion(driver);
        cuDevicePrimaryCtxRetain(context, dev);
        bindCurrentThread();
        for (String module : Kernels.MODULES) {
            CUmodule m = new CUmodule();
            cuModuleLoadData(m, Kernels.ptx(module));
            for (String fn : entryPoints(module)) {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, m, fn);
                functions.put(fn, f);
            }
        }
        String n = new String(name, StandardCharsets.US_ASCII);
        int z = n.indexOf('\0');
        description = (z < 0 ? n : n.substring(0, z)).trim() + " (sm_" + major[0] + minor[0] + ", driver CUDA "
                + driver[0] / 1000 + "." + driver[0] % 1000 / 10 + (count[0] > 1 ? ", GPU 0 of " + count[0] : "") + ")";
    }

    static synchronized CudaDevice open() {
        if (instance == null) instance = new CudaDevice();
        return instance;
    }

    String description() {
        return description;
    }

    /** The driver keeps a current context per thread: the training thread is not the one that probed. */
    void bindCurrentThread() {
        if (!bound.get()) {
            cuCtxSetCurrent(context);
            bound.set(true);
        }
    }

    CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) throw new IllegalStateException("kernel " + name + " is not in the PTX modules");
        return f;
    }

    /** The `.entry` names a PTX module declares. */
    static java.util.List<String> entryPoints(String module) {
        byte[] ptx = Kernels.ptx(module);
        String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
        java.util.List<String> out = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }
}
