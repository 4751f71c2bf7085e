"""Which kernels cuBLAS / cuBLASLt run for the small-M dense GEMMs of dense-gemm.py, with their grids
(device machine only). Issue 10: q_a / kv_a (few output tiles, K 7,168) take 8-11 us per product at
M <= 64 where weight streaming needs 1-5 us; is that a few CTAs walking K (per-SM bandwidth bound) or
a split-K with a second pass? torch.profiler (Kineto) records every CUDA kernel of a product with
its grid, block, registers, shared memory and duration.

Same products as dense-gemm.py (torch.mm BF16; torch._scaled_mm FP8 e4m3 per-tensor scales, BF16
out), weights rotated past the 60 MB L2, eager launches (kernel durations are GPU time, launch gaps
excluded). One JSON object per (shape, M, format, kernel) on stdout and in $OUT/dense-gemm-kernels.jsonl.
"""
from gemm_profile import emitter, profile_gemms

SHAPES = [  # (name, K, N)
    ("dsv3.q_a", 7168, 1536), ("dsv3.kv_a", 7168, 576), ("dsv3.q_b", 1536, 24576),
    ("dsv3.o_proj", 16384, 7168), ("dsv3.shared_gate_up", 7168, 4096), ("dsv3.shared_down", 2048, 7168),
    ("l70b.o", 8192, 8192),
]
MS = [1, 8, 32, 64, 128]

profile_gemms(SHAPES, MS, emitter("dense-gemm-kernels.jsonl"))
