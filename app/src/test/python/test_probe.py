# Tests of the GradLab probe (app/src/main/python/gradlab_probe.py). Run from the repository root:
#   python3 -m unittest discover -s app/src/test/python -p 'test_*.py'
# (ProbePythonTest runs this from `mvn test`; needs Debian's python3-torch.)
import json, math, os, struct, sys, tempfile, unittest
import torch, torch.nn as nn

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "main", "python"))
sys.path.insert(0, here)
import gradlab_probe as gp
import write_probe_log


# ---- an independent reader of what the probe wrote: TFRecord framing with CRC checks, then protobuf ----------

def crc32c_bitwise(data):
    c = 0xFFFFFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    return c ^ 0xFFFFFFFF


def masked(c):
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def records(path):
    data = open(path, "rb").read()
    at = 0
    while at < len(data):
        n, = struct.unpack_from("<Q", data, at)
        assert struct.unpack_from("<I", data, at + 8)[0] == masked(crc32c_bitwise(data[at:at + 8])), "length CRC"
        body = data[at + 12:at + 12 + n]
        assert struct.unpack_from("<I", data, at + 12 + n)[0] == masked(crc32c_bitwise(body)), "data CRC"
        yield body
        at += 16 + n


def fields(buf):
    at = 0
    while at < len(buf):
        key, at = varint(buf, at)
        f, wt = key >> 3, key & 7
        if wt == 0:
            v, at = varint(buf, at)
        elif wt == 1:
            v = buf[at:at + 8]; at += 8
        elif wt == 5:
            v = buf[at:at + 4]; at += 4
        elif wt == 2:
            n, at = varint(buf, at)
            v = buf[at:at + n]; at += n
        else:
            raise AssertionError("wire type %d" % wt)
        yield f, v


def varint(buf, at):
    v, shift = 0, 0
    while True:
        b = buf[at]; at += 1
        v |= (b & 0x7F) << shift; shift += 7
        if not b & 0x80:
            return v, at


def read_log(logdir):
    """{step: {tag: float or (limits, counts, sum_squares)}} from every event file of logdir."""
    out = {}
    for name in sorted(os.listdir(logdir)):
        for rec in records(os.path.join(logdir, name)):
            ev = dict((f, v) for f, v in fields(rec))
            if 5 not in ev:
                assert ev[3] == b"brain.Event:2"
                continue
            step = ev[2]
            for f, value in fields(ev[5]):
                v = dict(fields(value))
                tag = v[1].decode()
                if 2 in v:
                    out.setdefault(step, {})[tag] = struct.unpack("<f", v[2])[0]
                else:
                    h = dict(fields(v[5]))
                    lim = struct.unpack("<%dd" % (len(h.get(6, b"")) // 8), h.get(6, b""))  # none when nothing was finite
                    cnt = struct.unpack("<%dd" % (len(h.get(7, b"")) // 8), h.get(7, b""))
                    ss = struct.unpack("<d", h[5])[0] if 5 in h else None
                    out.setdefault(step, {})[tag] = (lim, cnt, ss)
    return out


def rebinned(lim, cnt):
    """A logged histogram back on GradLab's bins (each bucket by its centre, as GradLab's importer does)."""
    row = [0] * gp.WIDTH
    for i, c in enumerate(cnt):
        if c == 0:
            continue
        left = lim[i - 1] if i > 0 else -math.ldexp(1, gp.MAX_EXP)
        mid = (left + lim[i]) / 2
        row[write_probe_log.reference_bin(mid) if mid != 0 else gp.ZERO] += int(c)
    return row


def close(a, b, rel=1e-6):
    if a is None or b is None:
        return a is b
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b), 1e-30)


def same_bits(a, b):
    return a.shape == b.shape and torch.equal(a.view(torch.int32), b.view(torch.int32))


class DropInTest(unittest.TestCase):
    def grads_pair(self, poison=None):
        pair = []
        for _ in range(2):
            torch.manual_seed(3)
            m = nn.Sequential(nn.Linear(5, 7), nn.Tanh(), nn.Linear(7, 2))
            ((m(torch.randn(9, 5)) - 3) ** 2).sum().backward()
            if poison is not None:
                m[2].weight.grad[1, 3] = poison
            pair.append(m)
        return pair

    def test_clip_grad_norm_returns_and_leaves_exactly_what_pytorch_does(self):
        for norm_type in (2.0, 1.0, 3.0, float("inf")):
            for poison in (None, float("nan"), float("inf"), float("-inf"), 1e30):
                for max_norm in (0.5, 1e9):
                    a, b = self.grads_pair(poison)
                    with tempfile.TemporaryDirectory() as d:
                        probe = gp.Probe(d, b)
                        want = torch.nn.utils.clip_grad_norm_(a.parameters(), max_norm, norm_type)
                        got = probe.clip_grad_norm_(b.parameters(), max_norm, norm_type)
                        probe.close()
                    what = "norm_type %s poison %s max_norm %s" % (norm_type, poison, max_norm)
                    self.assertTrue(same_bits(want, got), what)
                    for p, q in zip(a.parameters(), b.parameters()):
                        self.assertTrue(same_bits(p.grad, q.grad), what)

    def test_the_coefficient_is_pytorchs_bit_for_bit(self):
        torch.manual_seed(5)
        totals = torch.cat([torch.rand(300) * 10, torch.rand(100) * 1e-6, torch.rand(100) * 1e30,
                            torch.tensor([0.0, 1e-45, 1.0, 0.999999, float("inf"), float("nan")])])
        for max_norm in (1.0, 0.5, 3.7, 1e-3, 1e9, 0.25):
            for t in totals:
                want = torch.clamp(max_norm / (t + 1e-6), max=1.0)
                got = gp._coefficient(t, max_norm)
                self.assertTrue(same_bits(want, torch.tensor(got, dtype=torch.float32)), "total %r max_norm %r: %r vs %r" % (float(t), max_norm, float(want), got))

    def test_error_if_nonfinite_raises_as_pytorch_does(self):
        a, b = self.grads_pair(float("nan"))
        with self.assertRaises(RuntimeError):
            torch.nn.utils.clip_grad_norm_(a.parameters(), 1.0, error_if_nonfinite=True)
        with tempfile.TemporaryDirectory() as d, gp.Probe(d, b) as probe:
            with self.assertRaises(RuntimeError):
                probe.clip_grad_norm_(b.parameters(), 1.0, error_if_nonfinite=True)

    def test_clip_grad_value_leaves_exactly_what_pytorch_does(self):
        for poison in (None, float("nan"), float("inf")):
            a, b = self.grads_pair(poison)
            with tempfile.TemporaryDirectory() as d, gp.Probe(d, b) as probe:
                self.assertIsNone(torch.nn.utils.clip_grad_value_(a.parameters(), 0.05))
                self.assertIsNone(probe.clip_grad_value_(b.parameters(), 0.05))
            for p, q in zip(a.parameters(), b.parameters()):
                self.assertTrue(same_bits(p.grad, q.grad))


class BinsTest(unittest.TestCase):
    def test_bins_match_the_bit_by_bit_reference(self):
        special = [0.0, -0.0, 1e-45, -1e-45, 1e-38, 2.0 ** -40, 2.0 ** -39, 2.0 ** -38, 1.0, -1.0, 3.999, 4.0,
                   2.0 ** 14, 2.0 ** 15, 3e38, float("inf"), float("-inf"), float("nan")]
        torch.manual_seed(0)
        wide = (torch.randn(5000) * torch.pow(2.0, torch.randint(-60, 30, (5000,)).float())).tolist()
        values = torch.tensor(special + wide, dtype=torch.float32)
        got = gp.bin_index(values).tolist()
        want = [write_probe_log.reference_bin(v) for v in values.tolist()]
        # the probe counts NaN with the infinities of its sign (one non-finite count per layer is what it logs)
        want = [(gp.NEG_INF if struct.pack("<f", v)[3] & 0x80 else gp.POS_INF) if math.isnan(v) else w for v, w in zip(values.tolist(), want)]
        self.assertEqual(want, got)


class LogTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        write_probe_log.main(cls.dir)
        cls.expected = json.load(open(os.path.join(cls.dir, "expected.json")))

    def test_every_logged_value_equals_the_direct_computation(self):
        for run, spec in self.expected["runs"].items():
            log = read_log(os.path.join(self.dir, "logs", run))
            self.assertEqual(list(range(self.expected["steps"])), sorted(log))
            for rec in spec["records"]:
                k, got = rec["step"], log[rec["step"]]
                where = "%s step %d" % (run, k)
                self.assertTrue(close(rec["loss"], got["loss"]), where)
                self.assertTrue(close(rec["pre"], got["grad_norm/pre_clip"]), where)
                self.assertTrue(close(rec["post"], got["grad_norm/post_clip"]), where)
                self.assertEqual(rec["clipped"], got["clip/clipped"] == 1, where)
                self.assertTrue(close(rec["threshold"], got.get("clip/threshold")), where)
                self.assertTrue(close(rec["coefficient"], got.get("clip/coefficient")), where)
                for layer, v in rec["layers"].items():
                    self.assertTrue(close(v["pre"], got["grad_norm_layer/%s/pre_clip" % layer]), where + " " + layer)
                    self.assertTrue(close(v["post"], got["grad_norm_layer/%s/post_clip" % layer]), where + " " + layer)
                    self.assertEqual(v["nonfinite"], got["nonfinite/%s" % layer], where + " " + layer)
                    for side in ("pre", "post"):
                        tag = "grad_hist/%s/%s_clip" % (layer, side)
                        if v["hist_" + side] is None:
                            self.assertNotIn(tag, got, where)
                            continue
                        lim, cnt, ss = got[tag]
                        finite = v["hist_" + side][:gp.POS_INF]
                        self.assertEqual(finite, rebinned(lim, cnt)[:gp.POS_INF], where + " " + tag)
                        self.assertEqual(sorted(lim), list(lim), "bucket limits ascend")
                        if math.isfinite(v[side]):
                            self.assertTrue(close(v[side] ** 2, ss), where + " " + tag)

    def test_the_gpu_path_gathers_the_same_values(self):
        """The single-copy path a GPU takes (one tensor, read a step later), run on the CPU: the same log."""
        gp._GATHER_ON_CPU = True
        try:
            d = tempfile.mkdtemp()
            write_probe_log.main(d)
        finally:
            gp._GATHER_ON_CPU = False
        for run in self.expected["runs"]:
            a, b = read_log(os.path.join(self.dir, "logs", run)), read_log(os.path.join(d, "logs", run))
            self.assertEqual(sorted(a), sorted(b))
            for k in a:
                self.assertEqual(sorted(a[k]), sorted(b[k]), "%s step %d" % (run, k))
                for tag in a[k]:
                    x, y = a[k][tag], b[k][tag]
                    self.assertTrue(x == y or (isinstance(x, float) and math.isnan(x) and math.isnan(y)), "%s step %d %s" % (run, k, tag))

    def test_layers_follow_the_module_prefix(self):
        log = read_log(os.path.join(self.dir, "logs", "norm"))
        layers = {t.split("/")[1] for t in log[0] if t.startswith("grad_norm_layer/")}
        self.assertEqual({"rnn.l0", "rnn.l1", "head"}, layers)

    def test_histograms_only_where_asked(self):
        log = read_log(os.path.join(self.dir, "logs", "norm"))
        with_hist = [k for k in sorted(log) if "grad_hist/head/pre_clip" in log[k]]
        self.assertEqual(list(range(0, self.expected["steps"], 3)), with_hist)


class FailureTest(unittest.TestCase):
    def test_a_log_that_cannot_be_written_warns_once_and_clipping_goes_on(self):
        m = nn.Linear(3, 1)
        with tempfile.TemporaryDirectory() as d:
            probe = gp.Probe(d, m)
            probe._writer._f.close()  # as a full disk or a vanished mount would: every write fails from here
            import warnings as w
            with w.catch_warnings(record=True) as caught:
                w.simplefilter("always")
                for k in range(5):
                    m.zero_grad()
                    (m(torch.ones(2, 3)) * 100).sum().backward()
                    ref = [p.grad.clone() for p in m.parameters()]
                    total = probe.clip_grad_norm_(m.parameters(), 1.0)
                    self.assertAlmostEqual(float(total), float(torch.linalg.vector_norm(torch.cat([r.reshape(-1) for r in ref]))), places=3)
                    self.assertLessEqual(float(torch.linalg.vector_norm(torch.cat([p.grad.reshape(-1) for p in m.parameters()]))), 1.0 + 1e-5)
                    probe.log(loss=1.0)
                probe.close()
            self.assertEqual(1, sum("stopped logging" in str(c.message) for c in caught), [str(c.message) for c in caught])


class ScheduleTest(unittest.TestCase):
    def test_every_n_steps_and_log_before_or_after_the_clip(self):
        m = nn.Linear(3, 1)
        with tempfile.TemporaryDirectory() as d:
            with gp.Probe(d, m, every=2, histograms_every=2) as probe:
                for k in range(7):
                    m.zero_grad()
                    loss = m(torch.ones(2, 3)).sum()
                    loss.backward()
                    if k % 2:
                        probe.log(loss=loss)  # before the clip this time
                    probe.clip_grad_norm_(m.parameters(), 1.0)
                    if not k % 2:
                        probe.log(loss=loss, lr=0.1)
            log = read_log(d)
        self.assertEqual([0, 2, 4, 6], sorted(log))
        self.assertEqual([0, 4], [k for k in sorted(log) if any(t.startswith("grad_hist/") for t in log[k])])
        for k in log:
            self.assertIn("loss", log[k])
            self.assertIn("grad_norm/pre_clip", log[k])


if __name__ == "__main__":
    unittest.main()
