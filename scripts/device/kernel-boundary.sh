#!/bin/bash
# Builds and runs kernel-boundary.cu on the device machine; output to $OUT/kernel-boundary.jsonl.
set -euo pipefail
cd "$(dirname "$0")"
nvcc -O3 -std=c++17 -arch=sm_90a -o /tmp/kernel-boundary kernel-boundary.cu
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader
/tmp/kernel-boundary | tee "${OUT:-/tmp}/kernel-boundary.jsonl"
PYTHONUNBUFFERED=1 python3 kernel-boundary-torch.py
