"""Eager Megatron-Core MoE layer on one GPU: wall time of forward + backward against GPU kernel time.

Run on the device machine (not part of the npm tests). Megatron-Core's own source at tag core_v0.15.0
(the release under NeMo 25.11) is carried, not committed, at $MLM (default .mlm, holding
megatron/core); this script only imports it. Local spec (no Transformer Engine, no apex): the
TopKRouter with aux loss and force-balanced random logits, the all-to-all token dispatcher (EP 1, so
no all-to-all call, but the tokens-per-expert device->host sync, the unfused permute and the chunk
sort), SequentialMLP experts (one ColumnParallelLinear + SwiGLU + RowParallelLinear per expert), and
for the whole layer Megatron's unfused DotProductAttention. Shapes of one rank of the Qwen3-30B-A3B
recipes: hidden 2,048, expert intermediate 768, 2,048 routed rows per local expert (top-k = E / 2).

Per configuration: wall ms per forward + backward (mean of ITERS after WARM, synchronised at the
end), and from torch.profiler over 3 more iterations: the GPU's busy ms (union of kernel, memcpy and
memset intervals), the kernel count, and the host's ms inside CUDA synchronising calls, per
iteration. wall - busy is the GPU's idle time: the host's launches it waits for, and the sync.
Prints one JSON object per line; writes them to $OUT/megatron-moe-eager.jsonl.

Predictions written before the first run (x86 host of the H200 machine, BF16):
  moe E=16 T=4096: busy ~1.5 ms, wall ~5 ms (host-bound, ~0.25 ms of host time per local expert)
  moe E=4 / E=32 at T=4096: wall ~2 / ~9 ms (slope ~0.25 ms per local expert)
  moe E=16 T=16384 (4 x 4,096): busy ~5 ms, wall ~6-7 ms
  layer (attention + MoE) E=16 T=4096: wall ~8 ms
"""
import json
import os
import platform
import sys
import time

sys.path.insert(0, os.environ.get("MLM", ".mlm"))
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

OUT = os.environ.get("OUT", "/tmp")
WARM, ITERS = 3, 10
rows_out = []


def emit(d):
    print(json.dumps(d), flush=True)
    rows_out.append(d)


def cpu_name():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
os.environ.setdefault("MASTER_PORT", "29517")
torch.cuda.set_device(0)
torch.distributed.init_process_group("nccl", rank=0, world_size=1)
from megatron.core import parallel_state as ps  # noqa: E402
from megatron.core.models.gpt.gpt_layer_specs import get_gpt_layer_local_spec  # noqa: E402
from megatron.core.tensor_parallel.random import model_parallel_cuda_manual_seed  # noqa: E402
from megatron.core.transformer.spec_utils import build_module  # noqa: E402
from megatron.core.transformer.transformer_config import TransformerConfig  # noqa: E402

import megatron.core.transformer.moe.moe_utils as moe_utils  # noqa: E402

# Without Transformer Engine, core_v0.15.0's moe_utils never defines te_general_gemm (its import
# sits in the failed try block) yet the router's gating GEMM tests it: name it None, the torch.mm path.
if not hasattr(moe_utils, "te_general_gemm"):
    moe_utils.te_general_gemm = None
ps.initialize_model_parallel(tensor_model_parallel_size=1, pipeline_model_parallel_size=1)
model_parallel_cuda_manual_seed(1234)
emit({"env": True, "torch": torch.__version__, "gpu": torch.cuda.get_device_name(0), "cpu": cpu_name()})


def make_cfg(experts, topk):
    return TransformerConfig(
        num_layers=1, hidden_size=2048, num_attention_heads=32, num_query_groups=4, kv_channels=128,
        ffn_hidden_size=6144, num_moe_experts=experts, moe_router_topk=topk, moe_ffn_hidden_size=768,
        moe_token_dispatcher_type="alltoall", moe_grouped_gemm=False,
        moe_router_load_balancing_type="aux_loss", moe_aux_loss_coeff=1e-3,
        moe_router_force_load_balancing=True, gated_linear_unit=True, activation_func=F.silu,
        add_bias_linear=False, normalization="RMSNorm", qk_layernorm=True, bf16=True,
        params_dtype=torch.bfloat16, pipeline_dtype=torch.bfloat16, hidden_dropout=0.0,
        attention_dropout=0.0, attention_softmax_in_fp32=True,
    )


def gpu_busy(prof):
    """Union of device intervals (us), device event count, host us in synchronising CUDA calls."""
    spans, kernels, sync_us = [], 0, 0.0
    for e in prof.events():
        if e.device_type == torch.autograd.DeviceType.CUDA:
            spans.append((e.time_range.start, e.time_range.end))
            if "memcpy" not in e.name.lower() and "memset" not in e.name.lower():
                kernels += 1
        elif "Synchronize" in e.name:  # cuda{Device,Stream,Event}Synchronize (cudaMemcpy not counted)
            sync_us += e.time_range.end - e.time_range.start
    spans.sort()
    busy, cur_s, cur_e = 0.0, None, None
    for s, t in spans:
        if cur_e is None or s > cur_e:
            if cur_e is not None:
                busy += cur_e - cur_s
            cur_s, cur_e = s, t
        else:
            cur_e = max(cur_e, t)
    if cur_e is not None:
        busy += cur_e - cur_s
    return busy, kernels, sync_us


def bench(name, module, x, call, **meta):
    g = torch.randn_like(x)

    def step():
        x.grad = None
        out = call(module, x)
        out.backward(g)

    for _ in range(WARM):
        step()
    torch.cuda.synchronize()
    t0 = time.perf_counter()
    for _ in range(ITERS):
        step()
    torch.cuda.synchronize()
    wall = (time.perf_counter() - t0) / ITERS
    from torch.profiler import ProfilerActivity, profile

    n = 3
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(n):
            step()
        torch.cuda.synchronize()
    busy, kernels, sync_us = gpu_busy(prof)
    emit({"case": name, **meta, "wall_ms": round(wall * 1e3, 3), "gpu_busy_ms": round(busy / n / 1e3, 3),
          "kernels": kernels // n, "host_sync_ms": round(sync_us / n / 1e3, 3)})


def moe_case(experts, topk, seq, batch):
    cfg = make_cfg(experts, topk)
    spec = get_gpt_layer_local_spec(num_experts=experts, moe_grouped_gemm=False, qk_layernorm=True,
                                    normalization="RMSNorm")
    mlp = build_module(spec.submodules.mlp, config=cfg, layer_number=1).cuda()
    x = torch.randn(seq, batch, 2048, device="cuda", dtype=torch.bfloat16, requires_grad=True)
    bench("moe", mlp, x, lambda m, h: m(h)[0], experts=experts, topk=topk, tokens=seq * batch)
    del mlp, x


def layer_case(experts, topk, seq, batch):
    cfg = make_cfg(experts, topk)
    spec = get_gpt_layer_local_spec(num_experts=experts, moe_grouped_gemm=False, qk_layernorm=True,
                                    normalization="RMSNorm")
    layer = build_module(spec, config=cfg, layer_number=1).cuda()
    x = torch.randn(seq, batch, 2048, device="cuda", dtype=torch.bfloat16, requires_grad=True)

    def call(m, h):
        out = m(hidden_states=h, attention_mask=None)
        return out[0] if isinstance(out, tuple) else out

    bench("layer", layer, x, call, experts=experts, topk=topk, tokens=seq * batch)
    del layer, x


for args in [(16, 8, 4096, 1), (4, 2, 4096, 1), (32, 16, 4096, 1), (16, 8, 4096, 4), (8, 4, 4096, 1)]:
    try:
        moe_case(*args)
    except Exception as exc:  # keep going: one failed case must not lose the others
        emit({"case": "moe", "args": args, "error": repr(exc)[:400]})
    torch.cuda.empty_cache()
for args in [(16, 8, 4096, 1)]:
    try:
        layer_case(*args)
    except Exception as exc:
        emit({"case": "layer", "args": args, "error": repr(exc)[:400]})

with open(os.path.join(OUT, "megatron-moe-eager.jsonl"), "w") as f:
    for r in rows_out:
        f.write(json.dumps(r) + "\n")
torch.distributed.destroy_process_group()
