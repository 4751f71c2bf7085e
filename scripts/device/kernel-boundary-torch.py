"""Per-kernel cost of real cuBLAS GEMMs at decode batch sizes in a replayed CUDA graph (H200).

A chain of K torch.mm calls, each on its own BF16 weight [k, n] (x @ W; distinct weights, so the chain
streams every weight from HBM as a decode step does), captured once and replayed. Time per GEMM =
replay time / K (mean of 20 replays after 3 warm-ups, best of 3). For each M the fit
t = a + bytes / B over the weight sizes gives the per-kernel intercept a (launch, ramp-up, tail,
any split-K reduce) and the streaming rate B. PyTorch launches cuBLAS without PDL. Prints JSON lines.
"""
import json, os
import torch

dev = torch.device("cuda")
OUT = os.environ.get("OUT", "/tmp")
rows = []
def emit(d):
    print(json.dumps(d), flush=True); rows.append(d)

emit({"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "cublas": torch.backends.cuda.preferred_blas_library().name if hasattr(torch.backends.cuda, "preferred_blas_library") else None})
shapes = [(1024, 1024), (2048, 2048), (4096, 2048), (4096, 4096), (8192, 4096), (8192, 8192), (16384, 8192)]
for m in (1, 8, 64):
    for (n, k) in shapes:
        bytes_w = n * k * 2
        K = max(16, min(256, (512 << 20) // bytes_w))
        ws = [torch.randn(k, n, device=dev, dtype=torch.bfloat16) for _ in range(K)]
        x = torch.randn(m, k, device=dev, dtype=torch.bfloat16)
        outs = [None] * K
        def chain():
            for i in range(K):
                outs[i] = torch.mm(x, ws[i])
        s = torch.cuda.Stream()
        s.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(s):
            for _ in range(3): chain()
        torch.cuda.current_stream().wait_stream(s)
        g = torch.cuda.CUDAGraph()
        with torch.cuda.graph(g):
            chain()
        for _ in range(3): g.replay()
        torch.cuda.synchronize()
        best = float("inf")
        for _ in range(3):
            a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
            a.record()
            for _ in range(20): g.replay()
            b.record(); torch.cuda.synchronize()
            best = min(best, a.elapsed_time(b) / 20)
        emit({"m": m, "n": n, "k": k, "weightBytes": bytes_w, "kernels": K, "graphUsPerGemm": best * 1000 / K})
        del ws, g
        torch.cuda.empty_cache()
with open(os.path.join(OUT, "kernel-boundary-torch.jsonl"), "w") as f:
    for r in rows: f.write(json.dumps(r) + "\n")
