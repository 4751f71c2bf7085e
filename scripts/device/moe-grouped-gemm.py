"""Expert-GEMM microbenchmark on one NVIDIA GPU (run on the device machine; not part of the npm tests).

Times the two routed-expert GEMMs of one MoE layer (gate/up: rows x hidden -> 2 x intermediate;
down: rows x intermediate -> hidden) over E local experts with the same rows per expert, three ways:
  grouped  - one torch._grouped_mm call (PyTorch's CUTLASS grouped GEMM on SM90), BF16
  grouped8 - one torch._scaled_grouped_mm call, FP8 e4m3 rowwise scales (if this build has it)
  loop     - one torch.mm per expert (what a per-expert cuBLAS loop costs on the GPU)
GPU time is taken from CUDA-graph replays (launch cost excluded); the eager host time of the
per-expert loop is taken too. Also one dense torch.mm of the same total rows (the ceiling).
Prints one JSON object per line; writes them to $OUT/moe-grouped-gemm.jsonl.
"""
import json, os, sys, time
import torch

dev = torch.device("cuda")
torch.backends.cuda.matmul.allow_tf32 = False
OUT = os.environ.get("OUT", "/tmp")
rows_out = []

def emit(d):
    print(json.dumps(d), flush=True)
    rows_out.append(d)

def graph_time(fn, reps=20, replays=5):
    s = torch.cuda.Stream()
    s.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(s):
        for _ in range(3):
            fn()
    torch.cuda.current_stream().wait_stream(s)
    torch.cuda.synchronize()
    g = torch.cuda.CUDAGraph()
    with torch.cuda.graph(g):
        for _ in range(reps):
            fn()
    g.replay(); torch.cuda.synchronize()
    best = float("inf")
    for _ in range(replays):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record(); g.replay(); b.record(); torch.cuda.synchronize()
        best = min(best, a.elapsed_time(b) / 1e3 / reps)
    return best

def eager_wall(fn, iters=20):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(iters):
        fn()
    t1 = time.perf_counter()
    torch.cuda.synchronize()
    t2 = time.perf_counter()
    return (t1 - t0) / iters, (t2 - t0) / iters

def offsets(E, M):
    return torch.arange(1, E + 1, device=dev, dtype=torch.int32) * M

def run(name, E, M, H, I, do_loop=True, do_fp8=True):
    Mt = E * M
    x = torch.randn(Mt, H, device=dev, dtype=torch.bfloat16)
    h = torch.randn(Mt, I, device=dev, dtype=torch.bfloat16)
    w1 = torch.randn(E, 2 * I, H, device=dev, dtype=torch.bfloat16) * 0.02
    w2 = torch.randn(E, H, I, device=dev, dtype=torch.bfloat16) * 0.02
    offs = offsets(E, M)
    res = {"name": name, "E": E, "M": M, "H": H, "I": I}
    flops1 = 2 * Mt * 2 * I * H; flops2 = 2 * Mt * H * I
    bytes1 = 2 * (E * 2 * I * H + Mt * H + Mt * 2 * I); bytes2 = 2 * (E * H * I + Mt * I + Mt * H)
    res.update(flops_gate_up=flops1, flops_down=flops2, bytes_gate_up=bytes1, bytes_down=bytes2)
    try:
        b1 = w1.transpose(-2, -1); b2 = w2.transpose(-2, -1)
        res["grouped_gate_up_s"] = graph_time(lambda: torch._grouped_mm(x, b1, offs=offs, out_dtype=torch.bfloat16))
        res["grouped_down_s"] = graph_time(lambda: torch._grouped_mm(h, b2, offs=offs, out_dtype=torch.bfloat16))
    except Exception as e:
        res["grouped_error"] = repr(e)[:200]
    if do_fp8:
        try:
            x8 = x.to(torch.float8_e4m3fn); h8 = h.to(torch.float8_e4m3fn)
            w18 = w1.to(torch.float8_e4m3fn); w28 = w2.to(torch.float8_e4m3fn)
            sa1 = torch.ones(Mt, device=dev, dtype=torch.float32)
            sb1 = torch.ones(E, 2 * I, device=dev, dtype=torch.float32)
            sb2 = torch.ones(E, H, device=dev, dtype=torch.float32)
            c1 = w18.transpose(-2, -1); c2 = w28.transpose(-2, -1)
            res["grouped8_gate_up_s"] = graph_time(lambda: torch._scaled_grouped_mm(x8, c1, sa1, sb1, offs=offs, out_dtype=torch.bfloat16))
            res["grouped8_down_s"] = graph_time(lambda: torch._scaled_grouped_mm(h8, c2, sa1, sb2, offs=offs, out_dtype=torch.bfloat16))
        except Exception as e:
            res["grouped8_error"] = repr(e)[:200]
    if do_loop:
        xs = list(x.split(M)); hs = list(h.split(M))
        def loop1():
            for e in range(E):
                torch.mm(xs[e], w1[e].t())
        def loop2():
            for e in range(E):
                torch.mm(hs[e], w2[e].t())
        res["loop_gate_up_s"] = graph_time(loop1, reps=5)
        res["loop_down_s"] = graph_time(loop2, reps=5)
        host, wall = eager_wall(loop1)
        res["loop_gate_up_eager_host_s"] = host; res["loop_gate_up_eager_wall_s"] = wall
    wd = torch.randn(2 * I, H, device=dev, dtype=torch.bfloat16)
    res["dense_gate_up_s"] = graph_time(lambda: torch.mm(x, wd.t()))
    emit(res)
    del x, h, w1, w2
    torch.cuda.empty_cache()

p = torch.cuda.get_device_properties(0)
emit({"device": p.name, "sms": p.multi_processor_count, "torch": torch.__version__, "cuda": torch.version.cuda})
# peak probes
a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
t = graph_time(lambda: torch.mm(a, a), reps=5)
emit({"probe": "bf16 8192^3", "s": t, "tflops": 2 * 8192**3 / t / 1e12})
buf = torch.empty(2 * 1024**3, device=dev, dtype=torch.uint8); buf2 = torch.empty_like(buf)
t = graph_time(lambda: buf2.copy_(buf), reps=5)
emit({"probe": "copy 2 GiB", "s": t, "TBps_rw": 2 * 2 * 1024**3 / t / 1e12})
del a, buf, buf2
torch.cuda.empty_cache()

which = sys.argv[1] if len(sys.argv) > 1 else "all"
if which in ("all", "q235"):
    for M in (4, 16, 40, 64, 96, 160, 256, 512):
        run("qwen3-235b", 32, M, 4096, 1536, do_loop=M in (16, 160))
if which in ("all", "r1"):
    for M in (4, 16, 48, 96, 160, 256):
        run("deepseek-v3", 64, M, 7168, 2048, do_loop=M in (48,))
if which in ("all", "q30"):
    for M in (2048, 8192):
        run("qwen3-30b", 16, M, 2048, 768, do_loop=True)
    run("gpt-oss-120b", 16, 2048, 2880, 2880, do_loop=True)
    run("deepseek-v3-train", 8, 4096, 7168, 2048, do_loop=True)
with open(os.path.join(OUT, "moe-grouped-gemm.jsonl"), "w") as f:
    for r in rows_out:
        f.write(json.dumps(r) + "\n")
