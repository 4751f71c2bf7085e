/**
 * Megatron-Core's weight-gradient accumulation without `gradient_accumulation_fusion`.
 *
 * With the fusion (Megatron-Core's default where APEX or Transformer Engine provides it; TE's
 * `fuse_wgrad_accumulation`) the weight-gradient GEMM adds its result into the parameter's FP32
 * `main_grad` itself. Without it (`--no-gradient-accumulation-fusion`, as MindSpeed-LLM's scripts
 * run), `LinearWithGradAccumulationAndAsyncCommunication.backward` returns the gradient in the
 * activations' dtype (BF16) and the DDP backward hook runs `param.main_grad.add_(param.grad)`
 * (Megatron-LM core_v0.6.0, which MindSpeed-LLM 1.0.RC3 runs, and core_v0.8.0:
 * `tensor_parallel/layers.py`, `distributed/distributed_data_parallel.py`
 * `_make_param_hook`), once per parameter per micro-batch: read the gradient (the parameters'
 * dtype), read and write `main_grad` (`precision.gradients`; BF16 training forces it to FP32,
 * `accumulate_allreduce_grads_in_fp32`, `training/arguments.py`). Timed as one memory-bound pass over
 * every parameter the rank holds at the chip's vector-class memory efficiency (as the optimizer); the
 * per-tensor launches are not counted. Derived from the source; nothing set from a result.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { StageParams } from "./stage-params.ts";
import { memoryPassS } from "./step-sync.ts";
import type { TrainingScenario } from "./training-scenario.ts";

/**
 * Seconds per micro-batch the unfused accumulation adds to one rank's weight-gradient backward (0
 * with the fusion).
 * @example gradAccumulationS(mindspeedLlama2Scenario, stageParams(mindspeedLlama2Scenario)[0]) // ≈ 0.016
 */
export function gradAccumulationS(s: TrainingScenario, params: StageParams): number {
  if (s.gradientAccumulationFusion || s.framework !== "megatron-core") return 0;
  const p = s.precision;
  const bytesPerParam = DTYPE_BYTES[p.params] + 2 * DTYPE_BYTES[p.gradients];
  return memoryPassS(s, params.perRank * bytesPerParam);
}
