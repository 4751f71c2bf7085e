"""Top-p sampler microbenchmark on one NVIDIA GPU (run on the device machine; not part of the npm tests).

Times, for float32 logits of [batch, vocab], the sampling path that an engine without a fused
sampling kernel runs in PyTorch (the operations vLLM's V1 sampler documents for top-p):
  sort      - logits.sort(dim=-1) alone (values and int64 indices)
  topp      - sort, softmax, cumulative sum, mask of the tail below 1 - p, masked fill, scatter
              back to vocabulary order (the part vLLM PR 40376 timed as "topp_whole")
  full      - topp plus the float32 copy, temperature divide, final softmax, exponential draw,
              divide and argmax (a whole sampling call)
  greedy    - argmax alone (temperature 0)
Each figure is the mean GPU time of 20 eager calls between CUDA events after 3 warm-ups, the best
of 3 such runs: eager, because engines run the sampler outside their CUDA graphs. Prints one JSON
object per line; writes them to $OUT/sampling-sort.jsonl.
"""
import json, os
import torch

dev = torch.device("cuda")
OUT = os.environ.get("OUT", "/tmp")
rows_out = []
P = 0.95

def emit(d):
    print(json.dumps(d), flush=True)
    rows_out.append(d)

def timed(fn, reps=20, runs=3):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    best = float("inf")
    for _ in range(runs):
        a = torch.cuda.Event(enable_timing=True); b = torch.cuda.Event(enable_timing=True)
        a.record()
        for _ in range(reps):
            fn()
        b.record(); torch.cuda.synchronize()
        best = min(best, a.elapsed_time(b) / reps)
    return best  # ms

def topp(logits):
    values, idx = logits.sort(dim=-1, descending=False)
    probs = values.softmax(dim=-1)
    cum = probs.cumsum(dim=-1)
    mask = cum <= 1 - P
    mask[:, -1] = False
    values.masked_fill_(mask, float("-inf"))
    return values.scatter(-1, idx, values)

def full(raw):
    logits = raw.to(torch.float32).div_(0.8)
    logits = topp(logits)
    probs = logits.softmax(dim=-1)
    q = torch.empty_like(probs).exponential_()
    return probs.div_(q).argmax(dim=-1)

emit({"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__})
for vocab in (131072, 128256, 151936):
    for batch in (1, 8, 32, 64, 128, 256, 512):
        logits = torch.randn(batch, vocab, device=dev, dtype=torch.float32) * 4
        raw = logits.to(torch.bfloat16)
        row = {"vocab": vocab, "batch": batch}
        row["sort_ms"] = timed(lambda: logits.sort(dim=-1))
        row["topp_ms"] = timed(lambda: topp(logits.clone()))
        row["clone_ms"] = timed(lambda: logits.clone())
        row["full_ms"] = timed(lambda: full(raw))
        row["greedy_ms"] = timed(lambda: logits.argmax(dim=-1))
        emit(row)

with open(os.path.join(OUT, "sampling-sort.jsonl"), "w") as f:
    for r in rows_out:
        f.write(json.dumps(r) + "\n")
