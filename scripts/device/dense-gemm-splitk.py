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
from gemm_profile import emitter, profile_gemms

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


def summary(name, K, N, M, fmt, by):
    names = [k[0] for k in by]
    return {"name": name, "M": M, "N": N, "K": K, "fmt": fmt, "summary": True,
            "predicted_split": predicted_split(K, N, M, fmt),
            "observed_split": any("splitK" in n for n in names)}


profile_gemms(SHAPES, MS, emitter("dense-gemm-splitk.jsonl"), summary)
