/**
 * Token copies a Megatron-Core MoE layer makes around its EP transfers and experts, which the
 * model's operator graph (router, top-k, experts, combine) does not hold. Each is a memory-bound
 * pass over the routed copies (T·k rows of the hidden size on a rank, balanced routing), timed at
 * the chip's vector-class efficiency. Read from Megatron-LM 92c8482e (the commit NeMo 25.11's
 * Megatron-Bridge pins), `moe/token_dispatcher.py` and `moe/experts.py`:
 *
 * - `alltoall` (MoEAlltoAllTokenDispatcher, `moe_permute_fusion`): forward, the global permute
 *   before the all-to-all (`permute`: read T·H, write T·k·H) and, with more than one local expert,
 *   `sort_chunks_by_idxs` after it and again before the combine (read and write T·k·H each); the
 *   unpermute after the combine is the graph's `moe.combine`. Backward runs each one's transpose
 *   (the permute's is an unpermute: read T·k·H, write T·H).
 * - `allgather` (MoEAllGatherTokenDispatcher, Megatron-Core ≤ 0.7): its gathers and scatters over
 *   the TP group's gathered tokens, `allgather-dispatcher.ts`.
 * - `hybridep` / `deepep` (MoEFlexTokenDispatcher): the permutation is fused into the dispatch and
 *   combine kernels, which work in a buffer registered for the NVLink domain; one device copy moves
 *   the dispatched tokens out of it and the expert outputs into it (Megatron-LM's DeepSeek-V3 GB200
 *   write-up §2.2: "an extra D2D copy … about 10%-20% of the communication time"). Counted as read +
 *   write of T·k·H per dispatch and per combine, forward and backward (an upper bound: the buffer
 *   may hold a token once per rank rather than once per expert). DeepEP writes its received tokens
 *   directly but Megatron then permutes them by local expert and unpermutes them before the combine
 *   (`_DeepepManager.get_permuted_hidden_states_by_experts` / `get_restored_…`): the same count.
 * - FP8 expert-input padding (TEGroupedMLP `quantization_padding` / `quantization_unpadding`, TE
 *   `Fp8Padding`): under FP8 each expert's rows are rounded up to 16 (MXFP8 32) by a copy of the
 *   permuted tokens before fc1 and of the fc2 output back, unless every count is already aligned,
 *   which force-balanced random routing does not give and no recipe asks for
 *   (`moe_router_padding_for_fp8` unset); the backward runs the inverse copies. HybridEP pads inside
 *   its dispatch (`pad_multiple`), so the copies are the all-to-all and DeepEP paths'.
 * - Expert output biases (gpt-oss, `add_bias_linear`): TEGroupedMLP `_apply_bias` adds each
 *   expert's fc2 bias times the routing probability in a Python loop over local experts
 *   (`t + b * p` per expert, then `torch.cat`), unfused: forward a multiply (write 2 B per element),
 *   an add (read 4, write 2) and the concatenation (read 2, write 2); backward the bias and
 *   probability gradients (two multiplies, read 4 write 4, and two reductions, read 4) and the
 *   split's concatenation of the input gradient (read 2, write 2). BF16 probabilities (no
 *   `moe_router_dtype` in the GPT-OSS recipe).
 *
 * Token bytes per element are the scenario's dispatch format for the copies on the dispatch side
 * (permute, sort, dispatch buffer, FP8 padding) and its combine format on the combine side (unsort,
 * combine buffer, FP8 unpadding), as `ep-layer-comm.ts` sizes the transfers; Megatron's recipes
 * dispatch BF16 (quantisation happens in the expert GEMMs). The expert output bias is BF16
 * arithmetic. Derived from the source, not measured; nothing here is set from a result.
 */
import { moeTokenWidth } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { activationPass, type ModelArchitecture, type Operator } from "../model/index.ts";
import { type Device, type EfficiencyProfile, operatorTime } from "../perf/index.ts";
import { allGatherCopyOperators } from "./allgather-dispatcher.ts";
import { GLU_CLAMP_FORWARD, gluClampOperators } from "./megatron-glu-clamp.ts";
import type { ComputeTimes } from "./operator-times.ts";
import type { TrainingScenario } from "./training-scenario.ts";

const BF16 = DTYPE_BYTES.bf16;

/** One memory-bound pass: bytes read and written, kernels launched. */
function pass(name: string, readBytes: number, writeBytes: number, kernels = 1): Operator {
  return activationPass({ name, dtype: "bf16", readBytes, writeBytes, kernels });
}

/** What one rank's MoE layer moves per micro-batch. */
export interface MoeTokenCopyShape {
  /** Tokens the rank routes (its sequence-parallel shard of the micro-batch). */
  readonly tokens: number;
  /** Routed copies that reach the rank's experts (tokens × top-k, balanced). */
  readonly routedRows: number;
  readonly localExperts: number;
}

/** Bytes per element of the token copies on the dispatch side and on the combine side. */
export interface MoeTokenCopyBytes {
  readonly dispatch: number;
  readonly combine: number;
}

/**
 * The token-copy passes of one MoE layer, forward or backward.
 * @example moeTokenCopyOperators(qwen3_30b, "alltoall", { tokens: 4096, routedRows: 32768, localExperts: 16 }, "forward").length // 3
 */
export function moeTokenCopyOperators(
  arch: ModelArchitecture,
  dispatcher: TrainingScenario["tokenDispatcher"],
  shape: MoeTokenCopyShape,
  direction: "forward" | "backward",
  fp8 = false,
  elementBytes: MoeTokenCopyBytes = { dispatch: BF16, combine: BF16 },
): Operator[] {
  // The copies are of what the dispatcher carries: a latent MoE's latent-wide tokens.
  const h = moeTokenWidth(arch);
  const tokensBytes = shape.tokens * h * elementBytes.dispatch;
  const routedBytes = shape.routedRows * h * elementBytes.dispatch;
  const combinedBytes = shape.routedRows * h * elementBytes.combine;
  const ops: Operator[] = [];
  const back = direction === "backward" ? ".backward" : "";
  if (dispatcher === "allgather" || dispatcher === "alltoall-sp2hp")
    throw new Error(
      `moeTokenCopyOperators: the ${dispatcher} dispatcher's passes are counted by withTokenCopies (allgather-dispatcher.ts, alltoall-sp2hp-dispatcher.ts)`,
    );
  if (dispatcher === "alltoall") {
    ops.push(
      direction === "forward"
        ? pass("moe.permute", tokensBytes, routedBytes)
        : pass("moe.permute.backward", routedBytes, tokensBytes),
    );
    if (shape.localExperts > 1)
      ops.push(
        pass(`moe.sort_chunks${back}`, routedBytes, routedBytes),
        pass(`moe.unsort_chunks${back}`, combinedBytes, combinedBytes),
      );
  } else {
    ops.push(
      pass(`moe.dispatch_buffer_copy${back}`, routedBytes, routedBytes),
      pass(`moe.combine_buffer_copy${back}`, combinedBytes, combinedBytes),
    );
  }
  if (fp8 && dispatcher !== "hybridep")
    ops.push(
      pass(`moe.experts.fp8_padding${back}`, routedBytes, routedBytes),
      pass(`moe.experts.fp8_unpadding${back}`, combinedBytes, combinedBytes),
    );
  if (arch.moe?.expertBias === true) {
    const elements = shape.routedRows * h;
    const e = shape.localExperts;
    ops.push(
      direction === "forward"
        ? pass("moe.experts.output_bias", 3 * BF16 * elements, 3 * BF16 * elements, 2 * e + 1)
        : pass("moe.experts.output_bias.backward", 5 * BF16 * elements, 3 * BF16 * elements, 4 * e + 1),
    );
  }
  return ops;
}

/**
 * A scenario's token-copy bytes per element: its dispatch and combine formats.
 * @example tokenCopyBytes(qwen3Gb200Scenario) // { dispatch: 2, combine: 2 }
 */
export function tokenCopyBytes(s: TrainingScenario): MoeTokenCopyBytes {
  return { dispatch: DTYPE_BYTES[s.precision.dispatch], combine: DTYPE_BYTES[s.precision.combine] };
}

/**
 * The token-copy passes of one MoE layer of a scenario, forward or backward, for its dispatcher:
 * `tokensPerRank` the micro-batch's tokens on the rank before the sequence-parallel split (the TP
 * group's tokens). The all-gather dispatcher permutes the group's gathered tokens
 * (allgather-dispatcher.ts); the all-to-all one at tp > 1 permutes all of them and their k copies at
 * 1/tp of the width (alltoall-sp2hp-dispatcher.ts); the others the sequence-parallel shard. The GLU
 * clamp's passes (megatron-glu-clamp.ts) follow the copies.
 * @example dispatcherCopyOperators(qwen3Gb200Scenario, 4096, 16, "forward").length // 3
 */
export function dispatcherCopyOperators(
  s: TrainingScenario,
  tokensPerRank: number,
  localExperts: number,
  direction: "forward" | "backward",
): Operator[] {
  const moe = s.model.moe;
  if (moe === undefined) return [];
  const bytes = tokenCopyBytes(s);
  const fp8 = s.precision.compute === "fp8";
  const tp = s.layout.tp;
  const inter = moe.expertIntermediateSize;
  if (s.tokenDispatcher === "allgather" || s.tokenDispatcher === "alltoall-sp2hp") {
    // The TP group's tokens and their k copies, every expert split over tp (megatron-glu-clamp.ts).
    const clamp = gluClampOperators(s.model, tokensPerRank * moe.topK, inter / tp, direction);
    if (s.tokenDispatcher === "allgather")
      return [...allGatherCopyOperators(s.model, tokensPerRank, direction, bytes.dispatch), ...clamp];
    const group = { tokens: tokensPerRank, routedRows: tokensPerRank * moe.topK, localExperts };
    const sliced = { dispatch: bytes.dispatch / tp, combine: bytes.combine / tp };
    return [...moeTokenCopyOperators(s.model, "alltoall", group, direction, fp8, sliced), ...clamp];
  }
  const tokens = tokensPerRank / tp;
  const shape = { tokens, routedRows: tokens * moe.topK, localExperts };
  return [
    ...moeTokenCopyOperators(s.model, s.tokenDispatcher, shape, direction, fp8, bytes),
    ...gluClampOperators(s.model, shape.routedRows, inter, direction),
  ];
}

/**
 * A MoE layer's times with the token copies (and the GLU clamp, `megatron-glu-clamp.ts`) added
 * (forward; backward as data-gradient work); full recompute repeats the forward's, selective the clamp's.
 * @example withTokenCopies(moeLayerTimes, qwen3Gb200Scenario, 16384, 16, device, profile).forwardS
 */
export function withTokenCopies(
  t: ComputeTimes,
  s: TrainingScenario,
  tokensPerRank: number,
  localExperts: number,
  device: Device,
  profile: EfficiencyProfile,
): ComputeTimes {
  if (s.model.moe === undefined) return t;
  const operators = (direction: "forward" | "backward") =>
    dispatcherCopyOperators(s, tokensPerRank, localExperts, direction);
  const time = (ops: Operator[]) => ops.reduce((sum, op) => sum + operatorTime(op, device, profile).timeS, 0);
  const forward = operators("forward");
  const forwardS = time(forward);
  // Full recompute repeats every forward pass; `selective` (Megatron's `moe_act`) the GLU clamp.
  const recomputedS =
    s.recompute === "full"
      ? forwardS
      : s.recompute === "selective"
        ? time(forward.filter((op) => op.name === GLU_CLAMP_FORWARD))
        : 0;
  return {
    ...t,
    forwardS: t.forwardS + forwardS,
    backwardDataS: t.backwardDataS + time(operators("backward")),
    recomputeS: t.recomputeS + recomputedS,
  };
}
