"""GradLab probe: what clipping does in your own PyTorch job, logged at full fidelity as TensorBoard events.

A drop-in for ``torch.nn.utils.clip_grad_norm_`` / ``clip_grad_value_`` (same arguments, same return value, the
same gradients afterwards: it calls PyTorch's own) that also records, per optimizer step, the pre- and
post-clip global L2 norm, the coefficient, the threshold, whether it clipped, per-layer pre/post norms,
non-finite gradient counts and GradLab's signed log-magnitude histograms per layer. Needs only ``torch``
(Python >= 3.9, CPU or CUDA tensors); writes TensorBoard event files itself, so the logs open in GradLab
(``gradlab ui --tensorboard DIR``, ``gradlab diagnose DIR``, ``gradlab watch DIR``) and in TensorBoard.

    probe = Probe("runs/tb/my-job", model, histograms_every=10)
    loss.backward()
    probe.clip_grad_norm_(model.parameters(), 1.0)      # instead of torch.nn.utils.clip_grad_norm_
    optimizer.step(); probe.log(loss=loss, lr=optimizer.param_groups[0]["lr"])
    probe.close()

Tags (one event per logged step; the step is the optimizer step, counted from ``start_step``):
  loss, lr                                   what ``log`` was given
  grad_norm/pre_clip, grad_norm/post_clip    global L2 norm of all gradients before / after clipping
  clip/coefficient                           the scale clip_grad_norm_ applied (1 when it did not clip);
                                             absent for clip_grad_value_ (scales differ per element)
  clip/threshold                             max_norm or clip_value (absent for observe)
  clip/clipped                               1 when any gradient was reduced, else 0
  clip/judged_norm                           the norm clip_grad_norm_ returned, when norm_type is not 2
  grad_norm_layer/<layer>/pre_clip|post_clip per-layer L2 norms (a layer is a parameter's module prefix;
                                             PyTorch's recurrent "rnn.weight_hh_l1" belongs to "rnn.l1")
  nonfinite/<layer>                          NaN/inf gradient values before clipping
  grad_hist/<layer>/pre_clip|post_clip       histograms on GradLab's fixed bins (factor-4 magnitude bins from
                                             2^-40 to 2^14 per sign, exact zeros in (-2^-40, 2^-40]); steps
                                             where ``histograms_every`` says so
All values of a step are brought to the host together, once (a non-blocking copy on CUDA, read at the next
step), so the probe adds at most one host synchronisation per logged step.

Distributed jobs: every rank clips (the semantics must not differ between ranks), only rank 0 measures and
writes. Under DDP the gradients are all-reduced before clipping, so rank 0's numbers are the job's. Under
FSDP/ZeRO a rank holds a shard of each gradient: use the framework's own clipping (FSDP's
``model.clip_grad_norm_``); this probe would measure one shard and is not meant for it.
"""
import itertools
import math
import os
import re
import socket
import struct
import sys
import time
import warnings

import torch

__all__ = ["Probe", "bin_index", "WIDTH", "SIDE", "ZERO", "POS_INF", "NEG_INF", "NAN"]

# GradLab's histogram bins (org.gradlab.engine.HistogramBins): [0, SIDE) negative magnitudes largest first,
# [SIDE, 2 SIDE) positive smallest first, then exact zeros, +inf, -inf, NaN.
MIN_EXP, MAX_EXP, OCTAVES_PER_BIN = -40, 14, 2
SIDE = (MAX_EXP - MIN_EXP) // OCTAVES_PER_BIN
ZERO, POS_INF, NEG_INF, NAN = 2 * SIDE, 2 * SIDE + 1, 2 * SIDE + 2, 2 * SIDE + 3
WIDTH = NAN + 1


def _code_to_bin():
    """GradLab's bin for each sign+exponent code (bits >> 23, shifted to 0..511) and for code 512 (±0)."""
    out = []
    for c in range(512):
        neg, e = c < 256, c & 0xFF
        if e == 0xFF:  # inf and NaN share the exponent; both are counted as non-finite, by sign
            out.append(NEG_INF if neg else POS_INF)
            continue
        k = min(max((e - 127 - MIN_EXP) >> 1, 0), SIDE - 1)
        out.append(SIDE - 1 - k if neg else SIDE + k)
    return out + [ZERO]


_CODE_TO_BIN = _code_to_bin()
# Tests set this to run the GPU's path (every value gathered into one tensor and read at the next step) on the CPU.
_GATHER_ON_CPU = False


def bin_codes(flat):
    """Each float32's sign+exponent code (0..511), or 512 for ±0: GradLab's bin depends on nothing else."""
    bits = flat.view(torch.int32)
    code = (bits >> 23) + 256
    return code.masked_fill_((bits & 0x7FFFFFFF) == 0, 512)


def bin_index(g):
    """GradLab's bin of every element of g (NaN counted in the ±inf bin of its sign: one non-finite count)."""
    codes = bin_codes(g.detach().reshape(-1).to(torch.float32).contiguous())
    return torch.tensor(_CODE_TO_BIN, dtype=torch.long, device=codes.device)[codes.long()]


def _magnitude_edge(k):
    return math.ldexp(1.0, MIN_EXP + OCTAVES_PER_BIN * k)


def layer_of(name):
    """A parameter's layer: its module prefix; "rnn.weight_ih_l1" -> "rnn.l1" (GradLab's grouping)."""
    if "." not in name:
        return name
    prefix, last = name.rsplit(".", 1)
    m = re.search(r"_l(\d+)(_reverse)?$", last)
    return prefix + ".l" + m.group(1) if m else prefix


class Probe:
    """Records what clipping does, step by step, into TensorBoard event files under ``logdir``.

    model: the module whose parameters are clipped (names give the layers); every: log every N-th step;
    histograms_every: histograms on every N-th logged step (0: never); start_step: the first step's number;
    flush_secs: how often the file is written (a tail sees steps that much later; close() writes the rest).
    """

    def __init__(self, logdir, model, every=1, histograms_every=1, start_step=0, flush_secs=0.5):
        if every < 1 or histograms_every < 0:
            raise ValueError("every must be >= 1 and histograms_every >= 0")
        self.every, self.histograms_every, self.step = every, histograms_every, start_step - 1
        self._layers, self._layer_of = [], {}
        for name, p in model.named_parameters():
            layer = layer_of(name)
            if layer not in self._layers:
                self._layers.append(layer)
            self._layer_of[id(p)] = layer
        dist = torch.distributed
        self._writer = None
        if not (dist.is_available() and dist.is_initialized() and dist.get_rank() != 0):
            self._writer = _EventWriter(logdir, flush_secs)
        self._plans = {}
        self._open = None  # the current step's record: {"step": k, "grads": ..., "loss": ...}
        self._seen = set()  # the calls this step has had (a second one of a kind starts the next step)
        self._pending = None  # a finished step whose values are on their way to the host

    # ---- the drop-ins -------------------------------------------------------------------------------------

    def clip_grad_norm_(self, parameters, max_norm, norm_type=2.0, error_if_nonfinite=False, foreach=None):
        """torch.nn.utils.clip_grad_norm_, recorded. Returns what PyTorch returns."""
        params = _params(parameters)
        rec = self._grads_record(params)
        before = self._measure(params) if rec is not None else None
        kwargs = {"error_if_nonfinite": error_if_nonfinite}
        if foreach is not None:
            kwargs["foreach"] = foreach
        total = torch.nn.utils.clip_grad_norm_(params, max_norm, norm_type, **kwargs)
        if rec is not None:
            coef = _coefficient(total.detach(), max_norm)
            if before["hist"] is not None and not torch.is_tensor(coef) and coef == 1.0:
                after = before  # PyTorch multiplied every gradient by exactly 1: not one float changed (read free on the CPU)
            elif before["hist"] is not None:
                after = self._measure(params, True, count_bad=False)
            else:  # every gradient was scaled by coef: the post-clip norms are coef x the pre-clip ones (to rounding)
                after = dict(before, pn=None)
            rec["grads"] = _GradRecord(before, after, coef, coef < 1 if torch.is_tensor(coef) else bool(coef < 1), float(max_norm),
                                       None if float(norm_type) == 2.0 else total.detach())
        return total

    def clip_grad_value_(self, parameters, clip_value, foreach=None):
        """torch.nn.utils.clip_grad_value_, recorded (coefficient absent: each element has its own)."""
        params = _params(parameters)
        rec = self._grads_record(params)
        before = self._measure(params, with_max=True) if rec is not None else None
        kwargs = {} if foreach is None else {"foreach": foreach}
        out = torch.nn.utils.clip_grad_value_(params, clip_value, **kwargs)
        if rec is not None:
            after = self._measure(params, before["hist"] is not None, count_bad=False)
            rec["grads"] = _GradRecord(before, after, None, before["max"] > float(clip_value), float(clip_value), None)
        return out

    def observe(self, model_or_parameters):
        """For a job that does not clip: the gradients as they are (post-clip = pre-clip, coefficient 1)."""
        src = model_or_parameters
        params = _params(src.parameters() if isinstance(src, torch.nn.Module) else src)
        rec = self._grads_record(params)
        if rec is not None:
            m = self._measure(params)
            if isinstance(m["pn"], list):
                rec["grads"] = _GradRecord(m, m, 1.0, False, None, None)
            else:
                one = torch.ones((), dtype=torch.float64, device=m["pn"].device)
                rec["grads"] = _GradRecord(m, m, one, one < 1, None, None)

    def log(self, loss=None, lr=None):
        """The step's loss (a tensor or a number; read with the rest, no extra sync) and learning rate."""
        rec = self._record("loss")
        if rec is not None:
            rec["loss"] = (loss.detach() if torch.is_tensor(loss) else loss, lr)

    def close(self):
        self._finish_open()
        self._land()
        if self._writer is not None:
            self._writer.close()
            self._check_writer()
            self._writer = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- recording ----------------------------------------------------------------------------------------

    def _record(self, kind):
        """The record this call belongs to (a new step when the open one already holds this kind), or None
        when this step is not logged or this rank does not write."""
        self._check_writer()
        if self._open is None or kind in self._seen:
            self._finish_open()
            self.step += 1
            self._open, self._seen = {"step": self.step}, set()
        self._seen.add(kind)
        if self._writer is None or self.step % self.every:
            return None
        return self._open

    def _check_writer(self):
        """A log that cannot be written never stops the training: one warning, and the probe stops logging
        (clipping goes on exactly as before). Steps written before the failure stay in the file."""
        if self._writer is not None and self._writer.error is not None:
            warnings.warn("gradlab probe: stopped logging to %s: %s" % (self._writer.path, self._writer.error), RuntimeWarning, stacklevel=4)
            self._writer = None
            self._open, self._pending = None, None

    def _grads_record(self, params):
        rec = self._record("grads")
        return rec if params else None  # no gradients at all: the step is counted, nothing is measured

    def _histograms_now(self):
        return self.histograms_every > 0 and (self.step // self.every) % self.histograms_every == 0

    def _measure(self, params, hist=None, with_max=False, count_bad=True):
        """Per-layer sums of squares, non-finite counts, histograms (device tensors; nothing is read yet).

        A handful of tensor operations whatever the number of parameters: the per-tensor norms in one foreach
        call, then the gradients copied once, layer after layer, into one flat vector for the non-finite counts
        (a prefix sum read at the layer boundaries) and the histograms (one bincount per layer)."""
        hist = self._histograms_now() if hist is None else hist
        plan = self._plan(params)
        grads = [params[i].grad for i in plan.order]
        norms = _norms(grads)  # per tensor; summed into layers on the host, where they are few numbers
        finite = None
        if not norms.is_cuda and not _GATHER_ON_CPU:  # on the CPU reading them is free: fewer tensor operations
            norms = norms.tolist()
            finite = all(math.isfinite(x) for x in norms)
        nl = len(plan.layers)
        out = {"layers": plan.layers, "of": plan.layer_list, "pn": norms, "hist": None, "max": None, "bad": None}
        if hist or with_max:
            flat = torch.cat([g.detach().reshape(-1).to(torch.float32) for g in grads])
        if hist:
            codes = bin_codes(flat)
            counts = torch.stack([torch.bincount(codes[a:b], minlength=513) for a, b in plan.bounds])
            rows = torch.zeros(nl, WIDTH, dtype=counts.dtype, device=counts.device)
            out["hist"] = rows.index_add_(1, plan.code_to_bin.to(counts.device), counts)
            out["bad"] = out["hist"][:, POS_INF] + out["hist"][:, NEG_INF]
        elif count_bad and not finite:
            # x * 0 is NaN exactly where x is NaN or ±inf, and a 0-"norm" counts the nonzero values. On the CPU a
            # finite norm already says "none" (reading it costs no synchronisation there), so this pass runs only
            # for a step that has NaN/inf; on a GPU it runs rather than wait for the norms.
            bad = torch.stack(_foreach_norm(_foreach_mul(grads, 0.0), 0)).to(torch.float64)
            out["bad"] = torch.zeros(nl, dtype=torch.float64, device=bad.device).index_add_(0, plan.layer_index.to(bad.device), bad)
        elif count_bad:
            out["bad"] = [0] * nl
        if with_max:
            out["max"] = flat.abs().nan_to_num(0.0).max() if flat.numel() else flat.new_zeros(())
        return out

    def _plan(self, params):
        """The layer order of these parameters (cached for the same tensors)."""
        key = tuple(id(p) for p in params)
        if self._plans.get("key") != key:
            names = [self._layer_of.get(id(p), "other") for p in params]
            layers = [l for l in self._layers if l in names] + sorted({l for l in names if l not in self._layers})
            order = sorted(range(len(params)), key=lambda i: (layers.index(names[i]), i))
            sizes = [params[i].numel() for i in order]
            bounds, at = [], 0
            for l in layers:
                n = sum(s for i, s in zip(order, sizes) if names[i] == l)
                bounds.append((at, at + n))
                at += n
            self._plans = {"key": key, "plan": _Plan(layers, order, [layers.index(names[i]) for i in order], bounds)}
        return self._plans["plan"]

    def _finish_open(self):
        """Starts the host copy of the open step's values (landing the one before it first)."""
        rec, self._open = self._open, None
        if rec is None or self._writer is None or len(rec) == 1:
            return
        self._land()
        g = rec.get("grads")
        loss, lr = rec.get("loss", (None, None))
        items = []  # (name, tensor or number)
        if loss is not None:
            items.append(("loss", loss))
        if g is not None:
            items += [("pre_pn", g.before["pn"]), ("bad", g.before["bad"]), ("clipped", g.clipped)]
            if g.after["pn"] is not None:
                items.append(("post_pn", g.after["pn"]))
            if g.coef is not None:
                items.append(("coef", g.coef))
            if g.judged is not None:
                items.append(("judged", g.judged))
            if g.before["hist"] is not None:
                items += [("hist_pre", g.before["hist"]), ("hist_post", g.after["hist"])]
        # numbers the host already holds (a float loss, "no NaN/inf") stay out of the device copy
        items = [(n, t if torch.is_tensor(t) else _Host(t)) for n, t in items]
        cuda = [t for _, t in items if torch.is_tensor(t) and t.is_cuda]
        if not cuda and not _GATHER_ON_CPU:  # on the CPU the values are there: read them now
            self._pending = (rec["step"], items, None, None, g, lr)
            return
        # one non-blocking copy of everything into pinned memory; read when the next step is finished
        device = cuda[0].device if cuda else torch.device("cpu")
        flat = torch.cat([t.to(device=device, dtype=torch.float64).reshape(-1) for _, t in items if torch.is_tensor(t)])
        if cuda:
            host = torch.empty(flat.shape, dtype=flat.dtype, pin_memory=True)
            host.copy_(flat, non_blocking=True)
            done = torch.cuda.Event()
            done.record()
        else:
            host, done = flat, None
        self._pending = (rec["step"], items, host, done, g, lr)

    def _land(self):
        """Writes the pending step (waiting for its copy, which has usually finished long before)."""
        if self._pending is None:
            return
        step, items, host, done, g, lr = self._pending
        self._pending = None
        v = {}
        if host is None:
            for name, t in items:
                v[name] = t.tolist() if torch.is_tensor(t) else t.values
        else:  # (the host-side lists, such as no non-finite values, are not in the copy)
            if done is not None:
                done.synchronize()
            vals, at = host.tolist(), 0
            for name, t in items:
                if isinstance(t, _Host):
                    v[name] = t.values
                    continue
                n = t.numel()
                v[name] = vals[at:at + n] if t.dim() > 0 else vals[at]
                at += n
        for name in ("hist_pre", "hist_post"):
            if name in v and v[name] and isinstance(v[name][0], list):
                v[name] = [x for row in v[name] for x in row]
        self._writer.put(lambda: _encode(step, v, lr, g))


def _encode(step, v, lr, g):
    """One step's event (encoded when the writer writes its batch)."""
    out = []
    if "loss" in v:
        out.append(_scalar("loss", v["loss"]))
    if lr is not None:
        out.append(_scalar("lr", float(lr)))
    if g is not None:
        layers, of = g.before["layers"], g.before["of"]
        post_pn = v["post_pn"] if "post_pn" in v else [x * v["coef"] for x in v["pre_pn"]]
        v["pre_sq"], v["post_sq"] = [0.0] * len(layers), [0.0] * len(layers)
        for i, (a, b) in enumerate(zip(v["pre_pn"], post_pn)):
            v["pre_sq"][of[i]] += a * a
            v["post_sq"][of[i]] += b * b
        out.append(_scalar("grad_norm/pre_clip", math.sqrt(sum(v["pre_sq"]))))
        out.append(_scalar("grad_norm/post_clip", math.sqrt(sum(v["post_sq"]))))
        if "coef" in v:
            out.append(_scalar("clip/coefficient", v["coef"]))
        if g.threshold is not None:
            out.append(_scalar("clip/threshold", g.threshold))
        out.append(_scalar("clip/clipped", v["clipped"]))
        if "judged" in v:
            out.append(_scalar("clip/judged_norm", v["judged"]))
        for i, l in enumerate(layers):
            out.append(_scalar("grad_norm_layer/%s/pre_clip" % l, math.sqrt(v["pre_sq"][i])))
            out.append(_scalar("grad_norm_layer/%s/post_clip" % l, math.sqrt(v["post_sq"][i])))
            out.append(_scalar("nonfinite/%s" % l, v["bad"][i]))
            if "hist_pre" in v:
                row = slice(i * WIDTH, (i + 1) * WIDTH)
                out.append(_histo("grad_hist/%s/pre_clip" % l, v["hist_pre"][row], v["pre_sq"][i]))
                out.append(_histo("grad_hist/%s/post_clip" % l, v["hist_post"][row], v["post_sq"][i]))
    return _event(step, summary=b"".join(out))



class _GradRecord:
    def __init__(self, before, after, coef, clipped, threshold, judged):
        self.before, self.after, self.coef, self.clipped = before, after, coef, clipped
        self.threshold, self.judged = threshold, judged


class _Host:
    """Values already on the host (not part of the one copy)."""

    def __init__(self, values):
        self.values = values


class _Plan:
    def __init__(self, layers, order, layer_index, bounds):
        self.layers, self.order, self.bounds = layers, order, bounds
        self.layer_list = layer_index
        self.layer_index = torch.tensor(layer_index, dtype=torch.long)
        self.code_to_bin = torch.tensor(_CODE_TO_BIN, dtype=torch.long)


def _f32(x):
    """x rounded to float32 (as a float32 tensor operation leaves it)."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def _coefficient(total, max_norm):
    """The scale clip_grad_norm_ applied, bit for bit: min(1, max_norm / (total + 1e-6)) in float32, which PyTorch
    evaluates as reciprocal(total + 1e-6) * max_norm. On the CPU computed on the host from the (free) total."""
    if total.is_cuda or _GATHER_ON_CPU or total.dtype != torch.float32:
        return torch.clamp(float(max_norm) / (total + 1e-6), max=1.0)
    c = _f32(_f32(1.0 / _f32(float(total) + _f32(1e-6))) * _f32(float(max_norm)))  # total >= 0 or NaN: no division by 0
    return c if math.isnan(c) else min(c, 1.0)


def _foreach_norm(tensors, ord=2):
    f = getattr(torch, "_foreach_norm", None)
    if f is not None and len({(t.dtype, t.device) for t in tensors}) == 1 and tensors[0].dtype in (torch.float32, torch.float64):
        return f(tensors, ord)
    return [torch.linalg.vector_norm(t, ord, dtype=torch.float32) for t in tensors]


def _foreach_mul(tensors, x):
    f = getattr(torch, "_foreach_mul", None)
    return f(tensors, x) if f is not None else [t * x for t in tensors]


def _norms(grads):
    """Each gradient's L2 norm (float32, as clip_grad_norm_ computes them), in one call where PyTorch has it."""
    return torch.stack(_foreach_norm(grads)).to(torch.float32)


def _params(parameters):
    if isinstance(parameters, torch.Tensor):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


# ---- TensorBoard event files: TFRecord framing (masked CRC32C) around Event protobufs ----------------------

def _crc_tables():
    """CRC-32C (Castagnoli) tables: one byte at a time, and two bytes at a time (half the interpreter's loop)."""
    t8 = []
    for n in range(256):
        c = n
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        t8.append(c)
    # two bytes u0, u1 (u = u0 | u1 << 8, already xor-ed with the running crc): the one-byte step applied twice
    t16 = [t8[(t8[u & 0xFF] & 0xFF) ^ (u >> 8)] ^ (t8[u & 0xFF] >> 8) for u in range(65536)]
    return t8, t16


_CRC8, _CRC16 = _crc_tables()


def crc32c(data):
    c = 0xFFFFFFFF
    n = len(data) & ~1
    if sys.byteorder == "little":
        t16 = _CRC16
        for w in memoryview(data)[:n].cast("H"):
            c = t16[(c ^ w) & 0xFFFF] ^ (c >> 16)
        rest = data[n:]
    else:
        rest = data
    t8 = _CRC8
    for b in rest:
        c = t8[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def _masked(crc):
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field_bytes(field, payload):
    return _varint(field << 3 | 2) + _varint(len(payload)) + payload


_SCALAR_HEAD = {}


def _scalar(tag, value):
    """A Summary's `value` field holding a simple_value: all but the float's four bytes are the same every step."""
    head = _SCALAR_HEAD.get(tag)
    if head is None:
        inner = _field_bytes(1, tag.encode()) + _varint(2 << 3 | 5)
        head = _SCALAR_HEAD[tag] = _varint(1 << 3 | 2) + _varint(len(inner) + 4) + inner
    return head + struct.pack("<f", value)


def _histo(tag, counts, sum_squares):
    """A legacy HistogramProto on GradLab's bins. Runs of empty buckets collapse into one empty bucket that
    ends where the next counted one starts, so every counted bucket keeps its exact edges (TensorBoard reads
    a bucket as running from the previous limit to its own); NaN/inf counts go to nonfinite/<layer>."""
    limits, cnt = [], []
    for k in range(SIDE - 1, -1, -1):  # negative bins, most negative first; bin k spans (-edge(k+1), -edge(k)]
        limits.append(-_magnitude_edge(k))
        cnt.append(counts[SIDE - 1 - k])
    limits.append(_magnitude_edge(0))
    cnt.append(counts[ZERO])
    for k in range(SIDE):
        limits.append(_magnitude_edge(k + 1))
        cnt.append(counts[SIDE + k])
    keep_l, keep_c = [], []
    for i, (lim, c) in enumerate(zip(limits, cnt)):
        if c > 0:
            left = limits[i - 1] if i > 0 else None
            if i > 0 and (not keep_l or keep_l[-1] != left):
                keep_l.append(left)
                keep_c.append(0.0)
            keep_l.append(lim)
            keep_c.append(c)
    finite = [i for i, c in enumerate(cnt) if c > 0]
    num = float(sum(cnt))
    lo = (limits[finite[0] - 1] if finite[0] > 0 else -_magnitude_edge(SIDE)) if finite else 0.0
    hi = limits[finite[-1]] if finite else 0.0
    h = struct.pack("<BdBdBd", 1 << 3 | 1, lo, 2 << 3 | 1, hi, 3 << 3 | 1, num)
    if math.isfinite(sum_squares):
        h += struct.pack("<Bd", 5 << 3 | 1, sum_squares)
    if keep_l:
        h += _field_bytes(6, struct.pack("<%dd" % len(keep_l), *keep_l))
        h += _field_bytes(7, struct.pack("<%dd" % len(keep_c), *keep_c))
    return _field_bytes(1, _field_bytes(1, tag.encode()) + _field_bytes(5, h))  # the Summary's `value` field


def _event(step, summary=None, file_version=None):
    out = struct.pack("<Bd", 1 << 3 | 1, time.time()) + _varint(2 << 3) + _varint(step & 0xFFFFFFFFFFFFFFFF)
    if file_version is not None:
        out += _field_bytes(3, file_version.encode())
    if summary is not None:
        out += _field_bytes(5, summary)
    return out


class _EventWriter:
    """Appends framed records to a new event file of its own. Steps are encoded and written in batches, every
    `flush_secs` seconds (and at close): the encoding and checksums then cost the training loop a few tens of
    microseconds a step, where a writer thread cost more in handing the interpreter lock back and forth."""

    _names = itertools.count()

    def __init__(self, logdir, flush_secs=0.5):
        os.makedirs(logdir, exist_ok=True)
        while True:  # a name no other writer holds (two probes in one process, or in one second)
            name = "events.out.tfevents.%d.%s.%d.%d.gradlab-probe" % (time.time(), socket.gethostname(), os.getpid(), next(self._names))
            self.path = os.path.join(logdir, name)
            try:
                self._f = open(self.path, "xb")
                break
            except FileExistsError:
                continue
        self._flush_secs = flush_secs
        self._queued = []
        self._last = time.monotonic()
        self._error = None
        self.put(lambda: _event(0, file_version="brain.Event:2"))

    def put(self, make_event):
        """Queues an event (a function that encodes it); writes the queue when flush_secs have passed."""
        if self._error is not None:
            return
        self._queued.append(make_event)
        if time.monotonic() - self._last >= self._flush_secs:
            self.flush()

    def flush(self):
        queued, self._queued = self._queued, []
        self._last = time.monotonic()
        if self._error is not None or not queued:
            return
        try:
            out = []
            for make in queued:
                data = make()
                head = struct.pack("<Q", len(data))
                out.append(head + struct.pack("<I", _masked(crc32c(head))) + data + struct.pack("<I", _masked(crc32c(data))))
            self._f.write(b"".join(out))
            self._f.flush()
        except Exception as e:  # reported once by the probe, which then stops logging
            self._error = e

    @property
    def error(self):
        """What made writing fail (a full disk, say), or None."""
        return self._error

    def close(self):
        self.flush()
        try:
            self._f.close()
        except OSError as e:
            self._error = self._error or e
