/**
 * Tensor-parallel communication of one micro-batch through the bottleneck stage (Megatron-Core,
 * Transformer Engine), per TP block: a layer's mixer (attention, Mamba), its dense FFN and a MoE
 * layer's shared experts are one block each; the routed experts take the sequence-parallel shard.
 *
 * Forward, per block: with sequence parallelism an all-gather of the block's input before its
 * column-parallel GEMM and a reduce-scatter after its row-parallel one; without it one all-reduce
 * after the row-parallel GEMM (Megatron's `reduce_from_tensor_model_parallel_region`).
 *
 * Backward without TP overlap (`overlap.tp` false: no userbuffers, no MC2), as Megatron-Core's
 * `LinearWithGradAccumulationAndAsyncCommunication.backward` (core_v0.6.0 … `tensor_parallel/layers.py`)
 * and TE's `Linear` / `LayerNormLinear` backward run it:
 * - the row-parallel GEMM's output gradient is all-gathered before its data gradient (the backward
 *   of the forward reduce-scatter, synchronous): exposed;
 * - the column-parallel GEMM re-gathers its input asynchronously while its data-gradient GEMM runs,
 *   and reduce-scatters that data gradient asynchronously while its weight-gradient GEMM runs: each
 *   exposed only where it outlasts the GEMM beside it;
 * - without sequence parallelism, the column-parallel data gradient's all-reduce runs beside the
 *   weight-gradient GEMM (`async_grad_allreduce`), and nothing else;
 * - shared experts gather and scatter outside their linears (`SharedExpertMLP`:
 *   `gather_from_sequence_parallel_region`, `reduce_scatter_to_sequence_parallel_region`), whose
 *   backwards are a synchronous reduce-scatter and all-gather (all-reduce without SP): exposed; so
 *   do the routed experts behind the all-gather dispatcher (`allgather-dispatcher.ts`) and the
 *   all-to-all one at tp > 1, with its own collectives (`alltoall-sp2hp-dispatcher.ts`).
 * With `overlap.tp` (TE userbuffers, MindSpeed MC2) the block's collectives are hidden under the
 * stage's compute, exposed only where they exceed it. Full recomputation repeats the forward's.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import { gatheredExpertsTpS } from "./alltoall-sp2hp-dispatcher.ts";
import { groupCollectiveS } from "./group-fabric.ts";
import type { PipelineCompute } from "./stage-compute.ts";
import type { TrainingScenario } from "./training-scenario.ts";

export interface TpComm {
  readonly totalS: number;
  readonly exposedForwardS: number;
  readonly exposedBackwardS: number;
}

const NONE: TpComm = { totalS: 0, exposedForwardS: 0, exposedBackwardS: 0 };

/**
 * TP seconds of one micro-batch on the bottleneck stage: all of it, and what forward and backward expose.
 * @example tpComm(scenario, pipelineCompute(scenario)).exposedBackwardS
 */
export function tpComm(s: TrainingScenario, c: PipelineCompute): TpComm {
  const { tp, sequenceParallel } = s.layout;
  if (tp <= 1) return NONE;
  const bytes = c.tokensPerRank * s.model.hiddenSize * DTYPE_BYTES.bf16;
  const ag = sequenceParallel ? groupCollectiveS(s.fabricTarget, "all-gather", bytes, tp, 1) : 0;
  const rs = sequenceParallel ? groupCollectiveS(s.fabricTarget, "reduce-scatter", bytes, tp, 1) : 0;
  const ar = sequenceParallel ? 0 : groupCollectiveS(s.fabricTarget, "all-reduce", bytes, tp, 1);
  const st = c.bottleneck;
  // Blocks gathered outside their linears: shared experts, and routed experts split over TP behind the
  // all-gather dispatcher or the all-to-all one at tp > 1, whose collectives differ (alltoall-sp2hp-dispatcher.ts).
  const shared = st.tpBlocks.sharedExperts;
  const gathered =
    st.tpBlocks.gatheredExperts > 0 ? st.tpBlocks.gatheredExperts * gatheredExpertsTpS(s, bytes) : 0;
  const inside = st.tpBlocks.mixer + st.tpBlocks.ffn;
  const fwd = (inside + shared) * (ag + rs + ar) + gathered;
  const recomputed = s.recompute === "full" ? fwd : 0;
  if (s.overlap.tp) {
    const bwd = fwd + recomputed;
    return {
      totalS: fwd + bwd,
      exposedForwardS: Math.max(0, fwd - st.forwardS),
      exposedBackwardS: Math.max(0, bwd - st.backwardDataS - st.backwardWeightS),
    };
  }
  // One block's backward exposure beside its column-parallel GEMMs' data and weight gradients.
  const block = (n: number, dgradS: number, wgradS: number): number => {
    if (n === 0) return 0;
    const [d, w] = [dgradS / n, wgradS / n];
    return sequenceParallel ? n * (ag + Math.max(0, ag - d) + Math.max(0, rs - w)) : n * Math.max(0, ar - w);
  };
  const g = st.columnGemms;
  const exposedB =
    block(st.tpBlocks.mixer, g.mixerDgradS, g.mixerWgradS) +
    block(st.tpBlocks.ffn, g.ffnDgradS, g.ffnWgradS) +
    shared * (ag + rs + ar) +
    gathered;
  const bwdTotal = inside * (2 * ag + rs + ar) + shared * (ag + rs + ar) + gathered + recomputed;
  return { totalS: fwd + bwdTotal, exposedForwardS: fwd, exposedBackwardS: exposedB + recomputed };
}
