"""Held-out check of a cuBLAS split-K rule on one H200 (device machine only; issue 10).

dense-gemm-kernels.py (7574de9) profiled which kernels cuBLAS / cuBLASLt run for seven DeepSeek-V3 /
Llama-70B products at M 1-128: a split-K main kernel plus `cublasLt::splitKreduce_kernel` for q_a,
kv_a, o_proj and shared gate+up at small M, never for q_b, shared down or Llama o. Read from that run
(so those 70 products are calibration for it), the rule written down here BEFORE this run:

    split(K, N, M, fmt):  r = K / N
      r < 1.5                         -> no split
      bf16:  1.5 <= r < 2  -> M <= 32;  r >= 2 -> M <= 128
      fp8 (per-tensor scales):  1.5 <= r < 4 -> M <= 8;  r >= 4 -> M <= 64

This script profiles ten other products (below) at M 1 / 32 / 128 in BF16 and FP8 and prints, per
product, the rule's prediction beside what cuBLAS ran. Same method as dense-gemm-kernels.py
(torch.profiler, weights rotated past the L2, eager launches). Output: $OUT/dense-gemm-splitk.jsonl.
"""
import json, math, os, statistics
import torch
from torch.profiler import ProfilerActivity, profile

dev = torch.device("cuda")
OUT = os.environ.get("OUT", "/tmp")
SHAPES = [  # (name, K, N), none of them in dense-gemm-kernels.py
    ("l70b-tp8.qkv", 8192, 1280), ("l70b-tp8.o", 1024, 8192), ("l70b-tp8.down", 3584, 8192),
    ("l70b-tp4.o", 2048, 8192), ("l70b-tp2.down", 14336, 8192), ("l8b.o", 4096, 4096),
    ("l8b.down", 14336, 4096), ("q3-235b.qkv", 4096, 9216), ("q3-235b.o", 8192, 4096),
    ("gqa.k", 4096, 1024),
]
MS = [1, 32, 128]


def predicted_split(K, N, M, fmt):
    r = K / N
    if r < 1.5:
        return False
    if fmt == "bf16":
        return M <= (32 if r < 2 else 128)
    return M <= (8 if r < 4 else 64)
REPS = 24


def emit(d):
    print(json.dumps(d), flush=True)
    with open(os.path.join(OUT, "dense-gemm-splitk.jsonl"), "a") as f:
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
                names = [k[0] for k in by]
                emit({"name": name, "M": M, "N": N, "K": K, "fmt": fmt, "summary": True,
                      "predicted_split": predicted_split(K, N, M, fmt),
                      "observed_split": any("splitK" in n for n in names)})
                for (kname, grid, block), d in by.items():
                    a = d["args"]
                    emit({"name": name, "M": M, "N": N, "K": K, "fmt": fmt, "kernel": kname, "grid": a.get("grid"),
                          "block": a.get("block"), "regs": a.get("registers per thread"),
                          "smem": a.get("shared memory"), "count_per_product": len(d["durs"]) / REPS,
                          "dur_us_median": statistics.median(d["durs"])})
        del W16, W8, w16
        torch.cuda.empty_cache()


main()
