package org.gradlab.engine.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUstream;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.CUstream_flags;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;
import org.gradlab.kernels.Kernels;

/**
 * GPU 0 through JCuda's driver API: its primary context and every kernel of our PTX modules, loaded once
 * per process (the driver JIT-compiles the PTX here, so a driver that rejects it is found at start, not
 * mid-run). Work goes to the legacy default stream, so launches and copies run in order and a download
 * waits for the work before it. The driver keeps a current context per thread, so each calling thread
 * binds it first (the training thread is not the one that probed).
 */
final class JCudaDevice implements DeviceApi {
    private static JCudaDevice instance;

    private final CUcontext context = new CUcontext();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final String description;
    private final ThreadLocal<Boolean> bound = ThreadLocal.withInitial(() -> false);
    /**
     * Graphs are captured on a non-blocking stream of the calling thread: capture cannot use the legacy
     * default stream, and a non-blocking stream has no implicit tie to it, so another session's work on the
     * legacy stream neither joins nor breaks this capture. Nothing runs during capture; the graphs are then
     * launched into the legacy stream, in order with every other launch and copy.
     */
    private final ThreadLocal<CUstream> captureStream = new ThreadLocal<>();

    private record DevMem(CUdeviceptr ptr) implements Mem {}

    private JCudaDevice() {
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
        bind();
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

    /** Opens the device once per process; throws LinkageError or CudaException when it cannot. */
    static synchronized JCudaDevice open() {
        if (instance == null) instance = new JCudaDevice();
        return instance;
    }

    /** The `.entry` names a PTX module declares. */
    static List<String> entryPoints(String module) {
        byte[] ptx = Kernels.ptx(module);
        String text = new String(ptx, 0, ptx.length - 1, StandardCharsets.US_ASCII);
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)").matcher(text);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    private void bind() {
        if (!bound.get()) {
            cuCtxSetCurrent(context);
            bound.set(true);
        }
    }

    private static CUdeviceptr at(Ptr p) {
        if (p.mem() == null) return new CUdeviceptr();
        CUdeviceptr base = ((DevMem) p.mem()).ptr();
        return p.byteOffset() == 0 ? base : base.withByteOffset(p.byteOffset());
    }

    /** Runs one driver call on this thread's context, turning JCuda's exception into a DeviceError. */
    private void call(Runnable driverCall) {
        try {
            bind();
            driverCall.run();
        } catch (CudaException e) {
            throw new DeviceError(e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Mem alloc(long bytes) {
        long size = (Math.max(bytes, 4) + 3) & ~3L;
        CUdeviceptr p = new CUdeviceptr();
        call(() -> {
            cuMemAlloc(p, size);
            cuMemsetD32(p, 0, size / 4);
        });
        return new DevMem(p);
    }

    @Override
    public void free(Mem m) {
        call(() -> cuMemFree(((DevMem) m).ptr()));
    }

    @Override
    public void upload(Ptr dst, float[] src, int off, int n) {
        call(() -> cuMemcpyHtoD(at(dst), Pointer.to(src).withByteOffset(4L * off), 4L * n));
    }

    @Override
    public void upload(Ptr dst, int[] src, int off, int n) {
        call(() -> cuMemcpyHtoD(at(dst), Pointer.to(src).withByteOffset(4L * off), 4L * n));
    }

    @Override
    public void download(Ptr src, float[] dst, int off, int n) {
        call(() -> cuMemcpyDtoH(Pointer.to(dst).withByteOffset(4L * off), at(src), 4L * n));
    }

    @Override
    public void download(Ptr src, double[] dst, int n) {
        call(() -> cuMemcpyDtoH(Pointer.to(dst), at(src), 8L * n));
    }

    @Override
    public void copy(Ptr dst, Ptr src, long bytes) {
        call(() -> cuMemcpyDtoD(at(dst), at(src), bytes));
    }

    @Override
    public void launch(String name, int gridX, int gridY, int threads, int sharedBytes, Object... args) {
        launchOn(null, name, gridX, gridY, threads, sharedBytes, args);
    }

    private void launchOn(CUstream stream, String name, int gridX, int gridY, int threads, int sharedBytes, Object... args) {
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a instanceof Ptr p) params[i] = Pointer.to(at(p));
            else if (a instanceof Integer v) params[i] = Pointer.to(new int[] {v});
            else if (a instanceof Float v) params[i] = Pointer.to(new float[] {v});
            else if (a instanceof Boolean v) params[i] = Pointer.to(new int[] {v ? 1 : 0});
            else throw new IllegalArgumentException("kernel argument " + a);
        }
        CUfunction f = functions.get(name);
        if (f == null) throw new IllegalStateException("kernel " + name + " is not in the PTX modules");
        call(() -> cuLaunchKernel(f, gridX, gridY, 1, threads, 1, 1, sharedBytes, stream, Pointer.to(params), null));
    }

    @Override
    public boolean supportsGraphs() {
        return true;
    }

    private CUstream captureStream() {
        CUstream st = captureStream.get();
        if (st == null) {
            CUstream created = new CUstream();
            call(() -> cuStreamCreate(created, CUstream_flags.CU_STREAM_NON_BLOCKING));
            captureStream.set(st = created);
        }
        return st;
    }

    /** Stream capture of the launches (nothing runs), instantiated into an executable graph. */
    @Override
    public Object captureGraph(List<Launch> launches) {
        CUstream st = captureStream();
        CUgraph graph = new CUgraph();
        CUgraphExec exec = new CUgraphExec();
        call(() -> cuStreamBeginCapture(st, CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_RELAXED));
        try {
            for (Launch l : launches) {
                launchOn(st, l.name(), l.gridX(), l.gridY(), l.threads(), l.sharedBytes(), l.args().toArray());
            }
        } finally {
            call(() -> cuStreamEndCapture(st, graph));
        }
        try {
            call(() -> cuGraphInstantiate(exec, graph, 0));
        } finally {
            call(() -> cuGraphDestroy(graph));
        }
        return exec;
    }

    @Override
    public void launchGraph(Object graph) {
        call(() -> cuGraphLaunch((CUgraphExec) graph, null));
    }

    @Override
    public void destroyGraph(Object graph) {
        call(() -> cuGraphExecDestroy((CUgraphExec) graph));
    }

    @Override
    public void synchronize() {
        call(() -> cuCtxSynchronize());
    }

    @Override
    public String memoryInfo() {
        try {
            bind();
            long[] free = {0}, total = {0};
            cuMemGetInfo(free, total);
            return (free[0] >> 20) + " MiB free of " + (total[0] >> 20) + " MiB";
        } catch (CudaException e) {
            return "free memory unknown";
        }
    }
}
