package org.gradlab.engine.cuda;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The CUDA kernels run on the CPU: kernels/src/cuda compiled with g++ against kernels/emulator/cuda_emu.h
 * (one real thread per CUDA thread, __syncthreads as a barrier, AddressSanitizer on every buffer) into a
 * helper process that this class drives through the same {@link DeviceApi} the GPU path uses. It checks
 * the kernels' logic and the backend's launch code without a GPU; it says nothing about speed, warps or
 * the memory ordering between concurrently running blocks on real hardware.
 */
public final class EmulatedDevice implements DeviceApi, AutoCloseable {
    static final Path KERNELS = Path.of(System.getProperty("gradlab.kernels.dir", "../kernels"));
    private static final Pattern KERNEL = Pattern.compile("extern \"C\" __global__ void (\\w+)\\(([^)]*)\\)");

    private final Process process;
    private final DataInputStream in;
    private final OutputStream out;
    private final Path log;

    private record EmuMem(long address) implements Mem {}

    private EmulatedDevice(Process p, Path log) {
        this.process = p;
        this.in = new DataInputStream(new BufferedInputStream(p.getInputStream(), 1 << 16));
        this.out = new BufferedOutputStream(p.getOutputStream(), 1 << 16);
        this.log = log;
    }

    /** True where the emulator can be built (g++ with C++20 on PATH). */
    public static boolean available() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, "g++"))) return true;
        }
        return false;
    }

    /** Starts the emulator, or skips the calling test (class) where g++ is missing. */
    public static EmulatedDevice startOrSkip() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(available(), "g++ not on PATH: the CUDA emulator cannot be built");
        return start();
    }

    /** Builds the emulator into target/ (again only when the kernel sources changed) and starts it. */
    public static EmulatedDevice start() throws IOException, InterruptedException {
        Path dir = Path.of("target", "cuda-emulator").toAbsolutePath();
        Path exe = build(dir);
        Path log = dir.resolve("emulator-" + ProcessHandle.current().pid() + ".log");
        ProcessBuilder pb = new ProcessBuilder(exe.toString()).redirectError(log.toFile());
        pb.environment().put("ASAN_OPTIONS", "detect_leaks=0:abort_on_error=1");
        return new EmulatedDevice(pb.start(), log);
    }

    static Path build(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> s = Files.list(KERNELS.resolve("src/cuda"))) {
            s.sorted().forEach(sources::add);
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder all = new StringBuilder("#include \"cuda_emu.h\"\n");
        StringBuilder dispatch = new StringBuilder("static int dispatch(const std::string& name, unsigned gx, unsigned gy, "
                + "unsigned threads, unsigned shared, const Arg* A, const std::string& kinds) {\n");
        for (Path src : sources) {
            String text = Files.readString(src);
            md.update(text.getBytes(StandardCharsets.UTF_8));
            String name = src.getFileName().toString();
            // block-shared memory: statics (blocks run one at a time); dynamic shared memory from the launcher
            String emu = text.replace("extern __shared__ float sm[];", "float* sm = (float*) emu_shared();")
                    .replace("__shared__", "static");
            Files.writeString(dir.resolve(name), emu);
            if (name.endsWith(".cu")) all.append("#include \"").append(name).append("\"\n");
            Matcher m = KERNEL.matcher(text.replaceAll("\\s+", " "));
            while (m.find()) dispatch.append(call(m.group(1), m.group(2)));
        }
        dispatch.append("    return 1;\n}\n");
        for (String f : List.of("cuda_emu.h", "server.cpp")) {
            String text = Files.readString(KERNELS.resolve("emulator/" + f));
            md.update(text.getBytes(StandardCharsets.UTF_8));
            Files.writeString(dir.resolve(f), text);
        }
        Files.writeString(dir.resolve("kernels_all.inc"), all);
        Files.writeString(dir.resolve("dispatch.inc"), dispatch);
        md.update(dispatch.toString().getBytes(StandardCharsets.UTF_8));   // the generator's output counts too
        String hash = HexFormat.of().formatHex(md.digest());
        Path exe = dir.resolve("gl-emu"), stamp = dir.resolve("gl-emu.sha256");
        if (Files.isExecutable(exe) && Files.exists(stamp) && Files.readString(stamp).equals(hash)) return exe;
        // AddressSanitizer needs libasan next to g++; without it the emulator still runs, unchecked
        String asanError = compile(dir, exe, true);
        if (asanError != null && compile(dir, exe, false) != null) {
            throw new IOException("building the CUDA emulator failed:\n" + asanError);
        }
        Files.writeString(stamp, hash);
        return exe;
    }

    /** Compiles the emulator; null when it worked, else the compiler's output. */
    private static String compile(Path dir, Path exe, boolean asan) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("g++", "-std=c++20", "-O1", "-g", "-pthread", "-Wno-unknown-pragmas"));
        if (asan) cmd.addAll(List.of("-fsanitize=address", "-fno-omit-frame-pointer"));
        cmd.addAll(List.of("-I", dir.toString(), dir.resolve("server.cpp").toString(), "-o", exe.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : output;
    }

    /** One line of the name → call table: each argument cast from its 8-byte slot to the declared type. */
    static String call(String kernel, String params) {
        String[] ps = params.split(",");
        StringBuilder kinds = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ps.length; i++) {
            String p = ps[i].trim().replace("__restrict__", "").replaceAll("\\s+", " ");
            String type = p.substring(0, p.lastIndexOf(p.contains("*") ? '*' : ' ') + 1).trim();
            if (i > 0) b.append(", ");
            if (type.endsWith("*")) b.append("(").append(type).append(")(uintptr_t)A[").append(i).append("].u");
            else if (type.equals("int")) b.append("A[").append(i).append("].i");
            else if (type.equals("float")) b.append("A[").append(i).append("].f");
            else throw new IllegalArgumentException("kernel " + kernel + ": parameter type '" + type + "' not supported");
            kinds.append(type.endsWith("*") ? 'p' : type.charAt(0));
        }
        return "    if (name == \"" + kernel + "\") { if (kinds != \"" + kinds + "\") return 2; emu_run(gx, gy, threads, shared, [&] { "
                + kernel + "(" + b + "); }); return 0; }\n";
    }

    // ------------------------------------------------------------------ protocol
    private ByteBuffer frame(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private void send(ByteBuffer b) {
        try {
            out.write(b.array(), 0, b.position());
        } catch (IOException e) {
            throw crashed(e);
        }
    }

    private void reply() {
        try {
            out.flush();
            int status = in.read();
            if (status == 0) return;
            if (status < 0) throw crashed(null);
            byte[] len = in.readNBytes(4);
            int n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
            throw new DeviceError("emulator: " + new String(in.readNBytes(n), StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            throw crashed(e);
        }
    }

    private DeviceError crashed(IOException cause) {
        String tail = "";
        try {
            process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS);
            List<String> lines = Files.readAllLines(log);
            tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | InterruptedException ignored) {
            // the report is best effort
        }
        return new DeviceError("the CUDA emulator died (a kernel fault?), report in " + log + "\n" + tail, cause);
    }

    private long readLong() {
        try {
            return ByteBuffer.wrap(in.readNBytes(8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
        } catch (IOException e) {
            throw crashed(e);
        }
    }

    private static long address(Ptr p) {
        return p.mem() == null ? 0 : ((EmuMem) p.mem()).address() + p.byteOffset();
    }

    @Override
    public String description() {
        return "CPU emulation of the CUDA kernels";
    }

    @Override
    public synchronized Mem alloc(long bytes) {
        ByteBuffer b = frame(9).put((byte) 1).putLong(bytes);
        send(b);
        reply();
        return new EmuMem(readLong());
    }

    @Override
    public synchronized void free(Mem m) {
        send(frame(9).put((byte) 2).putLong(((EmuMem) m).address()));
        reply();
    }

    private void write(Ptr dst, ByteBuffer payload) {
        int n = payload.position();
        send(frame(17).put((byte) 3).putLong(address(dst)).putLong(n));
        send(payload);
        reply();
    }

    private ByteBuffer read(Ptr src, long n) {
        send(frame(17).put((byte) 4).putLong(address(src)).putLong(n));
        reply();
        try {
            return ByteBuffer.wrap(in.readNBytes((int) n)).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw crashed(e);
        }
    }

    @Override
    public synchronized void upload(Ptr dst, float[] src, int off, int n) {
        ByteBuffer b = frame(4 * n);
        for (int i = 0; i < n; i++) b.putFloat(src[off + i]);
        write(dst, b);
    }

    @Override
    public synchronized void upload(Ptr dst, int[] src, int off, int n) {
        ByteBuffer b = frame(4 * n);
        for (int i = 0; i < n; i++) b.putInt(src[off + i]);
        write(dst, b);
    }

    @Override
    public synchronized void download(Ptr src, float[] dst, int off, int n) {
        ByteBuffer b = read(src, 4L * n);
        for (int i = 0; i < n; i++) dst[off + i] = b.getFloat();
    }

    @Override
    public synchronized void download(Ptr src, double[] dst, int n) {
        ByteBuffer b = read(src, 8L * n);
        for (int i = 0; i < n; i++) dst[i] = b.getDouble();
    }

    @Override
    public synchronized void copy(Ptr dst, Ptr src, long bytes) {
        send(frame(25).put((byte) 5).putLong(address(dst)).putLong(address(src)).putLong(bytes));
        reply();
    }

    @Override
    public synchronized void launch(String name, int gridX, int gridY, int threads, int sharedBytes, Object... args) {
        byte[] nb = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = frame(1 + 4 + nb.length + 20 + 9 * args.length).put((byte) 6).putInt(nb.length).put(nb)
                .putInt(gridX).putInt(gridY).putInt(threads).putInt(sharedBytes).putInt(args.length);
        for (Object a : args) {
            if (a instanceof Ptr p) b.put((byte) 0).putLong(address(p));
            else if (a instanceof Integer v) b.put((byte) 1).putLong(v & 0xFFFFFFFFL);
            else if (a instanceof Float v) b.put((byte) 2).putLong(Float.floatToRawIntBits(v) & 0xFFFFFFFFL);
            else if (a instanceof Boolean v) b.put((byte) 1).putLong(v ? 1 : 0);
            else throw new IllegalArgumentException("kernel argument " + a);
        }
        send(b);
        reply();
    }

    @Override
    public void synchronize() {
        // every request is answered after its work is done
    }

    private long graphReplays;

    /** Graphs as the driver would keep them: the launch list, replayed in order. */
    @Override
    public boolean supportsGraphs() {
        return true;
    }

    @Override
    public Object captureGraph(List<Launch> launches) {
        return List.copyOf(launches);
    }

    @Override
    @SuppressWarnings("unchecked")
    public synchronized void launchGraph(Object graph) {
        graphReplays++;
        for (Launch l : (List<Launch>) graph) launch(l.name(), l.gridX(), l.gridY(), l.threads(), l.sharedBytes(), l.args().toArray());
    }

    /** Graphs replayed so far. */
    public synchronized long graphReplays() {
        return graphReplays;
    }

    @Override
    public String memoryInfo() {
        return "emulated device memory";
    }

    @Override
    public synchronized void close() {
        try {
            out.write(7);
            out.flush();
            process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // already gone
        }
        process.destroy();
    }
}
