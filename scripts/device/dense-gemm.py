"""Dense-GEMM microbenchmark on one NVIDIA GPU at decode and prefill shapes (device machine only).

Times y = x @ W^T for real projection shapes (DeepSeek-V3/R1: MLA q_a, kv_a, q_b, o_proj, shared
expert gate-up and down, lm_head; Llama-3.1-70B at TP1: qkv, o, gate-up, down), rows
M in {1, 8, 32, 64, 128, 256, 512, 2048, 8192}, three ways:
  bf16     torch.mm, BF16 in and out (cuBLAS / cuBLASLt heuristics; PyTorch defaults)
  fp8t     torch._scaled_mm, FP8 e4m3 x e4m3 with per-tensor float32 scales, BF16 out
           (PyTorch sends per-tensor scaling to cuBLASLt), use_fast_accum=False (the default)
  fp8r     torch._scaled_mm with rowwise scales (M x 1 and 1 x N float32), BF16 out
           (PyTorch's CUTLASS rowwise kernel on SM90, not cuBLASLt), use_fast_accum=False
Weights and inputs are random (never zeros); W is rotated over enough copies (>= 256 MB together)
that a product never finds its weights in the 60 MB L2, as in a real step where every layer's
weights are read once. Times per product:
  graph_*  CUDA-graph replay of `reps` back-to-back products, per product (median and best of
           7 replays): kernel time plus the boundary between two kernels, launch excluded
  eager_s  the same products launched one by one from Python, back to back, wall time per
           product up to the final synchronize (launch included; equals GPU time when GPU-bound)
  host_s   the Python-side enqueue time per product in that eager loop
Clocks and throttle reasons from nvidia-smi before, during and after. One JSON object per line on
stdout and appended to $OUT/dense-gemm.jsonl as they come; a short table last.
The model's predictions for the same operators (h200-sxm profile) were written before the run:
scripts/device/dense-gemm.h200.predictions.txt.
"""
import json, math, os, subprocess, time
import torch

dev = torch.device("cuda")
OUT = os.environ.get("OUT", "/tmp")
rows_out = []

SHAPES = [  # (name, K, N)
    ("dsv3.q_a", 7168, 1536), ("dsv3.kv_a", 7168, 576), ("dsv3.q_b", 1536, 24576),
    ("dsv3.o_proj", 16384, 7168), ("dsv3.shared_gate_up", 7168, 4096), ("dsv3.shared_down", 2048, 7168),
    ("dsv3.lm_head", 7168, 129280),
    ("l70b.qkv", 8192, 10240), ("l70b.o", 8192, 8192), ("l70b.gate_up", 8192, 57344), ("l70b.down", 28672, 8192),
]
MS = [1, 8, 32, 64, 128, 256, 512, 2048, 8192]
ROTATE_BYTES = 256 * 2**20
TARGET_S = 3e-3  # aim each graph replay at >= 3 ms of work


def emit(d):
    print(json.dumps(d), flush=True)
    rows_out.append(d)
    with open(os.path.join(OUT, "dense-gemm.jsonl"), "a") as f:  # written as it goes: a timeout keeps what ran
        f.write(json.dumps(d) + "\n")


def smi(tag):
    q = "clocks.sm,clocks.mem,clocks.max.sm,power.draw,temperature.gpu,clocks_throttle_reasons.active"
    try:
        r = subprocess.run(["nvidia-smi", f"--query-gpu={q}", "--format=csv,noheader"], capture_output=True, text=True, timeout=20)
        emit({"smi": tag, "query": q, "value": r.stdout.strip() or r.stderr.strip()})
    except Exception as e:
        emit({"smi": tag, "error": repr(e)[:200]})


def estimate(fns):
    for f in fns[:2]:
        f()
    torch.cuda.synchronize()
    a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
    a.record()
    for i in range(3):
        fns[i % len(fns)]()
    b.record(); torch.cuda.synchronize()
    return a.elapsed_time(b) / 1e3 / 3


def timed(fns):
    """fns: one callable per rotated copy. Returns graph median/best, eager and host times per product."""
    est = estimate(fns)
    n = len(fns)
    reps = max(n, min(400, math.ceil(TARGET_S / max(est, 1e-7))))
    reps = max(3, math.ceil(reps / n) * n)
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for i in range(min(reps, 2 * n)):
            fns[i % n]()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for i in range(reps):
            fns[i % n]()
    g.replay(); torch.cuda.synchronize()
    per = []
    for _ in range(7):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize()
        per.append(a.elapsed_time(b) / 1e3 / reps)
    del g
    per.sort()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for i in range(reps):
        fns[i % n]()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    return {"reps": reps, "copies": n, "graph_median_s": per[len(per) // 2], "graph_best_s": per[0],
            "eager_s": (t2 - t0) / reps, "host_s": (t1 - t0) / reps}


def relerr(y, ref):
    return float((y.float() - ref).norm() / ref.norm())


def run_shape(name, K, N):
    w16 = torch.randn(N, K, device=dev, dtype=torch.bfloat16) * 0.02
    w8 = (w16 * 50).to(torch.float8_e4m3fn)  # values ~N(0,1), inside e4m3's range
    copies16 = max(1, min(64, math.ceil(ROTATE_BYTES / (2 * N * K))))
    copies8 = max(1, min(64, math.ceil(ROTATE_BYTES / (N * K))))
    W16 = [w16] + [torch.randn_like(w16) * 0.02 for _ in range(copies16 - 1)]
    W8 = [w8] + [(torch.randn(N, K, device=dev, dtype=torch.bfloat16)).to(torch.float8_e4m3fn) for _ in range(copies8 - 1)]
    one = torch.ones((), device=dev, dtype=torch.float32)
    sbr = torch.full((1, N), 0.02, device=dev, dtype=torch.float32)
    for M in MS:
        x = torch.randn(M, K, device=dev, dtype=torch.bfloat16)
        x8 = x.to(torch.float8_e4m3fn)
        sar = torch.ones((M, 1), device=dev, dtype=torch.float32)
        res = {"name": name, "M": M, "N": N, "K": K, "flops": 2 * M * N * K,
               "bytes_bf16": 2 * (N * K + M * K + M * N), "bytes_fp8": N * K + M * K + 2 * M * N}
        # correctness (fresh check per shape and M against float32 on upcast inputs)
        ref = x.float() @ w16.float().t()
        res["bf16_relerr"] = relerr(torch.mm(x, w16.t()), ref)
        try:
            ref8 = x8.float() @ w8.float().t()
            res["fp8t_relerr"] = relerr(torch._scaled_mm(x8, w8.t(), one, one, out_dtype=torch.bfloat16), ref8)
            res["fp8r_relerr"] = relerr(torch._scaled_mm(x8, w8.t(), sar, sbr, out_dtype=torch.bfloat16), ref8 * 0.02)
            del ref8
        except Exception as e:
            res["fp8_check_error"] = repr(e)[:200]
        del ref
        for key, fns in (
            ("bf16", [lambda w=w: torch.mm(x, w.t()) for w in W16]),
            ("fp8t", [lambda w=w: torch._scaled_mm(x8, w.t(), one, one, out_dtype=torch.bfloat16) for w in W8]),
            ("fp8r", [lambda w=w: torch._scaled_mm(x8, w.t(), sar, sbr, out_dtype=torch.bfloat16) for w in W8]),
        ):
            try:
                for k2, v in timed(fns).items():
                    res[f"{key}_{k2}"] = v
            except Exception as e:
                res[f"{key}_error"] = repr(e)[:300]
            torch.cuda.empty_cache()
        emit(res)
        del x, x8, sar
    del W16, W8, w16, w8
    torch.cuda.empty_cache()


p = torch.cuda.get_device_properties(0)
meta = {"device": p.name, "sms": p.multi_processor_count, "torch": torch.__version__, "cuda": torch.version.cuda,
        "cublas_bf16_reduced_reduction": torch.backends.cuda.matmul.allow_bf16_reduced_precision_reduction,
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
try:
    from importlib.metadata import version
    meta["nvidia_cublas"] = version("nvidia-cublas")
except Exception as e:
    meta["nvidia_cublas"] = repr(e)[:100]
emit(meta)
smi("start")
a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
t = timed([lambda: torch.mm(a, a)])
emit({"probe": "bf16 8192^3", "graph_median_s": t["graph_median_s"], "tflops": 2 * 8192**3 / t["graph_median_s"] / 1e12})
buf = torch.empty(2 * 1024**3, device=dev, dtype=torch.uint8); buf2 = torch.empty_like(buf)
t = timed([lambda: buf2.copy_(buf)])
emit({"probe": "copy 2 GiB", "graph_median_s": t["graph_median_s"], "TBps_rw": 4 * 1024**3 / t["graph_median_s"] / 1e12})
del a, buf, buf2
torch.cuda.empty_cache()
smi("after-probes")
for i, (name, K, N) in enumerate(SHAPES):
    try:
        run_shape(name, K, N)
    except Exception as e:
        emit({"name": name, "error": repr(e)[:300]})
        torch.cuda.empty_cache()
    if i == 6:
        smi("mid")
smi("end")
print("name M | bf16 graph us (eager) | fp8 per-tensor graph us (eager) | fp8 rowwise graph us")
for r in rows_out:
    if "M" in r:
        g = lambda k: f"{r.get(k + '_graph_median_s', float('nan')) * 1e6:.1f}"
        e = lambda k: f"{r.get(k + '_eager_s', float('nan')) * 1e6:.1f}"
        print(f"{r['name']} {r['M']} | {g('bf16')} ({e('bf16')}) | {g('fp8t')} ({e('fp8t')}) | {g('fp8r')}")
