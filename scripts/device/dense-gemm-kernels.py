"""Which kernels cuBLAS / cuBLASLt run for the small-M dense GEMMs of dense-gemm.py, with their grids
(device machine only). Issue 10: q_a / kv_a (few output tiles, K 7,168) take 8-11 us per product at
M <= 64 where weight streaming needs 1-5 us; is that a few CTAs walking K (per-SM bandwidth bound) or
a split-K with a second pass? torch.profiler (Kineto) records every CUDA kernel of a product with
its grid, block, registers, shared memory and duration.

Same products as dense-gemm.py (torch.mm BF16; torch._scaled_mm FP8 e4m3 per-tensor scales, BF16
out), weights rotated past the 60 MB L2, eager launches (kernel durations are GPU time, launch gaps
excluded). One JSON object per (shape, M, format, kernel) on stdout and in $OUT/dense-gemm-kernels.jsonl.
"""
import json, math, os, statistics
import torch
from torch.profiler import ProfilerActivity, profile

dev = torch.device("cuda")
OUT = os.environ.get("OUT", "/tmp")
SHAPES = [  # (name, K, N)
    ("dsv3.q_a", 7168, 1536), ("dsv3.kv_a", 7168, 576), ("dsv3.q_b", 1536, 24576),
    ("dsv3.o_proj", 16384, 7168), ("dsv3.shared_gate_up", 7168, 4096), ("dsv3.shared_down", 2048, 7168),
    ("l70b.o", 8192, 8192),
]
MS = [1, 8, 32, 64, 128]
REPS = 24


def emit(d):
    print(json.dumps(d), flush=True)
    with open(os.path.join(OUT, "dense-gemm-kernels.jsonl"), "a") as f:
        f.write(json.dumps(d) + "\n")


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


def main():
    emit({"device": torch.cuda.get_device_name(), "sms": torch.cuda.get_device_properties(0).multi_processor_count,
          "torch": torch.__version__, "cuda": torch.version.cuda})
    for name, K, N in SHAPES:
        w16 = torch.randn(N, K, device=dev, dtype=torch.bfloat16) * 0.02
        copies = max(2, min(24, math.ceil(128 * 2**20 / (N * K))))
        W16 = [torch.randn_like(w16) * 0.02 for _ in range(copies)]
        W8 = [w.mul(50).to(torch.float8_e4m3fn) for w in W16]
        one = torch.ones((), device=dev, dtype=torch.float32)
        for M in MS:
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
                for (kname, grid, block), d in by.items():
                    a = d["args"]
                    emit({"name": name, "M": M, "N": N, "K": K, "fmt": fmt, "kernel": kname, "grid": a.get("grid"),
                          "block": a.get("block"), "regs": a.get("registers per thread"),
                          "smem": a.get("shared memory"), "count_per_product": len(d["durs"]) / REPS,
                          "dur_us_median": statistics.median(d["durs"])})
        del W16, W8, w16
        torch.cuda.empty_cache()


main()
