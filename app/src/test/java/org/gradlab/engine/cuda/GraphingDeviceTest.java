package org.gradlab.engine.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The graph layer's bookkeeping against a device that only writes down what it is asked to do. */
class GraphingDeviceTest {
    /** Records every call as a line; graphs are the launch lists. */
    static final class Recorder implements DeviceApi {
        final List<String> log = new ArrayList<>();
        boolean failReplay;

        record M(int id) implements Mem {}

        @Override public String description() { return "recorder"; }
        @Override public Mem alloc(long bytes) { log.add("alloc"); return new M(log.size()); }
        @Override public void free(Mem m) { log.add("free"); }
        @Override public void upload(Ptr dst, float[] src, int off, int n) { log.add("upload"); }
        @Override public void upload(Ptr dst, int[] src, int off, int n) { log.add("upload"); }
        @Override public void download(Ptr src, float[] dst, int off, int n) { log.add("download"); }
        @Override public void download(Ptr src, double[] dst, int n) { log.add("download"); }
        @Override public void copy(Ptr dst, Ptr src, long bytes) { log.add("copy"); }
        @Override public void synchronize() { log.add("sync"); }
        @Override public String memoryInfo() { return ""; }
        @Override public void launch(String name, int gx, int gy, int t, int sh, Object... args) { log.add("launch " + name); }
        @Override public boolean supportsGraphs() { return true; }
        @Override public Object captureGraph(List<Launch> l) { log.add("capture " + l.size()); return l; }
        @Override public void launchGraph(Object g) {
            if (failReplay) throw new DeviceError("CUDA_ERROR_NOT_SUPPORTED", null);
            log.add("graph");
        }
        @Override public void destroyGraph(Object g) { log.add("destroy"); }
    }

    static void step(GraphingDevice d, int launches, float scalar) {
        d.upload(DeviceApi.Ptr.NULL, new float[1], 0, 1);
        for (int i = 0; i < launches; i++) d.launch("k" + i, 1, 1, 256, 0, DeviceApi.Ptr.NULL, i, scalar);
        d.download(DeviceApi.Ptr.NULL, new double[1], 1);
    }

    @Test
    void heldLaunchesRunBeforeTheNextCopyPlainThenCapturedThenReplayed() {
        Recorder r = new Recorder();
        GraphingDevice d = new GraphingDevice(r);
        step(d, 10, 1f);
        assertEquals("upload", r.log.get(0));
        assertEquals("launch k0", r.log.get(1));
        assertEquals("launch k9", r.log.get(10));
        assertEquals("download", r.log.get(11), "the launches ran before the download that reads their results");
        r.log.clear();
        step(d, 10, 1f);
        assertEquals(List.of("upload", "capture 10", "graph", "download"), r.log, "second sighting: captured and replayed");
        r.log.clear();
        step(d, 10, 1f);
        assertEquals(List.of("upload", "graph", "download"), r.log);
        assertEquals(2, d.graphLaunches());
    }

    @Test
    void runsThatChangeOrAreShortStayPlain() {
        Recorder r = new Recorder();
        GraphingDevice d = new GraphingDevice(r);
        for (int s = 0; s < 3; s++) step(d, 10, s);   // a scalar that changes every step (Adam's bias correction)
        for (int s = 0; s < 3; s++) step(d, GraphingDevice.MIN_LAUNCHES - 1, 1f);
        assertTrue(r.log.stream().noneMatch(l -> l.startsWith("capture") || l.equals("graph")), r.log.toString());
        assertEquals(0, d.graphLaunches());
    }

    @Test
    void aFreedBufferDropsTheGraphsAndAFailedReplayTurnsGraphsOff() {
        Recorder r = new Recorder();
        GraphingDevice d = new GraphingDevice(r);
        step(d, 10, 1f);
        step(d, 10, 1f);
        r.log.clear();
        d.free(new Recorder.M(0));
        assertEquals(List.of("destroy", "free"), r.log);
        r.failReplay = true;
        step(d, 10, 1f);
        step(d, 10, 1f);
        assertEquals("CUDA_ERROR_NOT_SUPPORTED", d.brokenReason());
        r.log.clear();
        step(d, 10, 1f);
        assertEquals(12, r.log.size(), "plain launches from then on: " + r.log);
    }

    @Test
    void theBackendsOwnScratchAllocationsIssueHeldLaunchesFirst() {
        Recorder r = new Recorder();
        try (CudaBackend be = new CudaBackend(r, true)) {
            org.gradlab.engine.Buf x = be.alloc(10);
            r.log.clear();
            be.fill(x, 0, 10, 1f);                                     // held back
            be.rowSumSquares(x, null, new int[] {0}, new int[] {10}, new double[1], null); // first use: the readback area
            be.collect();
            assertEquals(List.of("launch fill", "alloc", "upload", "alloc", "launch row_table_sum_squares", "download"), r.log);
        }
    }
}
