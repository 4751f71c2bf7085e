"""Shared profiling loop of dense-gemm-kernels.py and dense-gemm-splitk.py (device machine only).

Profiles torch.mm BF16 and torch._scaled_mm FP8 e4m3 (per-tensor scales, BF16 out) products with
torch.profiler (Kineto): weights rotated past the 60 MB L2, eager launches, kernel durations are GPU
time with launch gaps excluded. One JSON object per (shape, M, format, kernel) on stdout and in
$OUT/<file>.
"""
import json, math, os, statistics
import torch
from torch.profiler import ProfilerActivity, profile

dev = torch.device("cuda")
OUT = os.environ.get("OUT", "/tmp")
REPS = 24


def emitter(filename):
    """A function that prints one JSON object and appends it to $OUT/<filename>."""
    def emit(d):
        print(json.dumps(d), flush=True)
        with open(os.path.join(OUT, filename), "a") as f:
            f.write(json.dumps(d) + "\n")
    return emit


def kernels(fns):
    for f in fns[:3]:
        f()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CUDA]) as prof:
        for i in range(REPS):
            fns[i % len(fns)]()
        torch.cuda.synchronize()
    path = os.path.join(OUT, "trace.tmp.json")
    prof.export_chrome_trace(path)
    with open(path) as f:
        events = json.load(f)["traceEvents"]
    os.remove(path)
    by = {}
    for e in events:
        if e.get("cat") != "kernel":
            continue
        a = e.get("args", {})
        key = (e["name"][:160], str(a.get("grid")), str(a.get("block")))
        d = by.setdefault(key, {"durs": [], "args": a})
        d["durs"].append(e["dur"])
    return by


def profile_gemms(shapes, ms, emit, summary=None):
    """Profile every (name, K, N) of shapes at every M of ms in BF16 and FP8; summary(name, K, N, M,
    fmt, by), when given, returns an extra object emitted before the product's kernel rows."""
    emit({"device": torch.cuda.get_device_name(), "sms": torch.cuda.get_device_properties(0).multi_processor_count,
          "torch": torch.__version__, "cuda": torch.version.cuda})
    for name, K, N in shapes:
        w16 = torch.randn(N, K, device=dev, dtype=torch.bfloat16) * 0.02
        copies = max(2, min(24, math.ceil(128 * 2**20 / (N * K))))
        W16 = [torch.randn_like(w16) * 0.02 for _ in range(copies)]
        W8 = [w.mul(50).to(torch.float8_e4m3fn) for w in W16]
        one = torch.ones((), device=dev, dtype=torch.float32)
        for M in ms:
            x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
            x8 = x.to(torch.float8_e4m3fn)
            for fmt, fns in (
                ("bf16", [lambda w=w: torch.mm(x, w.t()) for w in W16]),
                ("fp8t", [lambda w=w: torch._scaled_mm(x8, w.t(), one, one, out_dtype=torch.bfloat16) for w in W8]),
            ):
                try:
                    by = kernels(fns)
                except Exception as e:
                    emit({"name": name, "M": M, "fmt": fmt, "error": repr(e)[:300]})
                    continue
                if summary is not None:
                    emit(summary(name, K, N, M, fmt, by))
                for (kname, grid, block), d in by.items():
                    a = d["args"]
                    emit({"name": name, "M": M, "N": N, "K": K, "fmt": fmt, "kernel": kname, "grid": a.get("grid"),
                          "block": a.get("block"), "regs": a.get("registers per thread"),
                          "smem": a.get("shared memory"), "count_per_product": len(d["durs"]) / REPS,
                          "dur_us_median": statistics.median(d["durs"])})
        del W16, W8, w16
        torch.cuda.empty_cache()
