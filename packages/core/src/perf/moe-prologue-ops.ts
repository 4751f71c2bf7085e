/**
 * The MoE op's prologue kernels of `separate-kernel-ops.ts` (the expert sort or routing, the input
 * expansion, the grouped GEMMs' argument setup, the EP routing cut and NVFP4 scale-factor walks) as
 * vector operators, with the context every separate kernel is sized by.
 */
import type { SeparateKernels } from "../deploy/index.ts";
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { activationPass, type Operator, type QuantScheme } from "../model/index.ts";
import { contiguousLayoutRows } from "./contiguous-layout.ts";
import type { MlaDims } from "./mla-prefill-copies.ts";

export interface SeparateKernelContext {
  /** Which MoE kernels move the tokens (prefill: normal; decode: low-latency). */
  readonly moeKernels: "normal" | "low-latency";
  /** Hidden size of the model (the width of a dispatched token). */
  readonly hiddenSize: number;
  /** Tokens of the rank's microbatch that are dispatched (the rank's own tokens). */
  readonly dispatchedTokens: number;
  /** Distinct tokens the rank receives for its experts (rows the gather writes). */
  readonly receivedTokens: number;
  /** Tokens the rank's MoE op routes (all EP ranks' tokens after an all-gather). */
  readonly routedTokens: number;
  /** Routed experts per token. */
  readonly topK: number;
  /** Bytes per token of the MoE input as it travels (dispatch format with its scales); undefined when BF16. */
  readonly dispatchBytesPerToken?: number;
  /** Experts on the rank (the grouped GEMMs' problems). */
  readonly localExperts?: number;
  /** Routed experts of the model (all ranks' together). */
  readonly globalExperts?: number;
  /** Expert-parallel size of the MoE (the routing of all experts is cut to the rank's at EP > 1). */
  readonly moeEp?: number;
  /** Whether the MoE input travels in NVFP4 (with its scale factors, one byte per 16 values). */
  readonly dispatchFp4?: boolean;
  /** Whether attention is tensor-parallel without attention DP (an all-reduce follows it). */
  readonly attentionTensorParallel?: boolean;
  /** Weight format of the routed experts (for fusions only some formats' kernels do). */
  readonly expertWeights?: Dtype;
  /** Quantization scheme of the routed experts' weights (defaults resolved). */
  readonly expertScheme?: QuantScheme;
  /** Format of the KV cache (for fusions that depend on it). */
  readonly kvCache?: Dtype;
  /** Quantization scheme of the attention output projection's weights (defaults resolved). */
  readonly attentionOutputScheme?: QuantScheme;
  /** MLA head dimensions, for the key assembly of the naive (prefill) form. */
  readonly mla?: MlaDims;
}

/** Input elements of a GEMM (rows summed over groups × k). */
export function inputElements(op: Operator): number {
  const s = op.shape;
  if (s === undefined) return 0;
  return s.m * (s.groups ?? 1) * s.k;
}

export function vector(
  name: string,
  flops: number,
  readBytes: number,
  writeBytes: number,
  dtype: Operator["dtype"],
): Operator {
  return activationPass({ name, dtype, flops, readBytes, writeBytes });
}

/**
 * The MoE op's prologue before its first grouped GEMM (`moePrologue`): the expert sort (or routing) of
 * the routed pairs and, unless the GEMM gathers its rows itself, the expansion of the input rows into
 * the grouped GEMM's layout (read and written once).
 */
export function moePrologueOps(
  gateUp: Operator,
  policy: SeparateKernels,
  ctx: SeparateKernelContext,
  prefix: string,
): Operator[] {
  const pro = policy.moePrologue;
  if (pro === undefined || gateUp.shape === undefined) return [];
  if (!expertPathRuns(pro, ctx) || !runsForExperts(pro, gateUp)) return [];
  const pairs = ctx.routedTokens * ctx.topK;
  const kernels = sortKernels(pro, ctx);
  // Expert ids read; the two row maps and the per-expert offsets written (4-byte integers).
  const sort = { ...vector(`${prefix}moe.experts.sort`, 0, 4 * pairs, 8 * pairs, gateUp.dtype), kernels };
  const out = [
    ...reswizzleOps(pro, ctx, prefix, gateUp.dtype),
    ...epRoutingOps(pro, ctx, prefix, gateUp.dtype),
    sort,
    ...expertMapOps(pro, ctx, prefix, gateUp),
  ];
  const pad = pro.inputPadColumns;
  if (pad !== undefined && ctx.hiddenSize % pad !== 0) {
    // torch.nn.functional.pad of the op's BF16 input (every token it routes) to the aligned width.
    const row = ctx.routedTokens * DTYPE_BYTES.bf16;
    const padded = Math.ceil(ctx.hiddenSize / pad) * pad;
    out.push(vector(`${prefix}moe.experts.input_pad`, 0, row * ctx.hiddenSize, row * padded, gateUp.dtype));
  }
  if (pro.expandKernel !== false) {
    const rows = gateUp.shape.m * (gateUp.shape.groups ?? 1);
    const bytes = rows * gateUp.shape.k * (gateUp.bytesRead.activations / inputElements(gateUp));
    const expand = {
      ...vector(`${prefix}moe.experts.expand`, 0, bytes, bytes, gateUp.dtype),
      ...scalePaddingOf(gateUp, pro, ctx),
    };
    // CANN's npu_moe_init_routing sorts and writes the expanded rows in one launch.
    out.push(pro.expandInRouting === true ? { ...expand, kernels: 0 } : expand);
  }
  const setup = pro.gemmSetupKernels ?? 0;
  if (setup > 0) {
    // Per local expert: its token offset read; for each of the two GEMMs a pointer triple, a stride
    // triple and a problem shape written (8-byte words).
    const experts = ctx.localExperts ?? gateUp.shape.groups ?? 1;
    const setupOp = vector(
      `${prefix}moe.experts.gemm_setup`,
      0,
      8 * experts,
      2 * 9 * 8 * experts,
      gateUp.dtype,
    );
    out.push({ ...setupOp, kernels: setup });
  }
  return out;
}

/**
 * Kernels of the expert sort: one while the op's tokens fit the single-block kernel (and, where the
 * prologue says so, its routed pairs and the model's experts fit vLLM's small-batch kernel), else
 * `unfusedKernels`.
 */
export function sortKernels(
  pro: NonNullable<SeparateKernels["moePrologue"]>,
  ctx: SeparateKernelContext,
): number {
  const pairs = ctx.routedTokens * ctx.topK;
  const experts = ctx.globalExperts;
  const small =
    ctx.routedTokens <= pro.fusedMaxTokens &&
    (pro.fusedMaxPairs === undefined || pairs < pro.fusedMaxPairs) &&
    (pro.fusedMaxExperts === undefined || (experts !== undefined && experts <= pro.fusedMaxExperts));
  return small ? 1 : pro.unfusedKernels;
}

/** Whether the prologue runs for the op's experts (`expertWeights`: same-width weights in one of those formats). */
export function runsForExperts(pro: NonNullable<SeparateKernels["moePrologue"]>, gateUp: Operator): boolean {
  const formats = pro.expertWeights;
  return formats === undefined || (gateUp.weightOnlyElements === undefined && formats.includes(gateUp.dtype));
}

/**
 * The sorted blocks' expert ids mapped from global to the rank's own at EP > 1 (`expertMapKernels`;
 * vLLM's `expert_ids = expert_map[expert_ids]`): one 4-byte id per block of the padded rows read,
 * looked up and written.
 */
function expertMapOps(
  pro: NonNullable<SeparateKernels["moePrologue"]>,
  ctx: SeparateKernelContext,
  prefix: string,
  gateUp: Operator,
): Operator[] {
  const k = pro.expertMapKernels;
  const local = ctx.localExperts;
  const global = ctx.globalExperts;
  if (k === undefined || local === undefined || global === undefined || local >= global) return [];
  // At most one block per routed pair plus one per expert (an upper bound; the launch dominates).
  const blocks = ctx.routedTokens * ctx.topK + global;
  const op = vector(`${prefix}moe.experts.expert_map`, 0, 8 * blocks, 4 * blocks, gateUp.dtype);
  return [{ ...op, kernels: k }];
}

/**
 * Rows of the expert path's aligned buffer (`bufferAlignRows`; vLLM's DeepGEMM `compute_aligned_M`):
 * every routed pair of the op's tokens plus A − 1 per local expert, rounded up to A; undefined where the
 * prologue records no buffer or the rank's experts are not known.
 * @example alignedBufferRows({ ...pro, bufferAlignRows: 128 }, { ...ctx, routedTokens: 8, topK: 8, localExperts: 64 }) // 8192
 */
export function alignedBufferRows(
  pro: SeparateKernels["moePrologue"],
  ctx: SeparateKernelContext,
): number | undefined {
  const align = pro?.bufferAlignRows;
  if (align === undefined || ctx.localExperts === undefined) return undefined;
  return contiguousLayoutRows(ctx.routedTokens * ctx.topK, ctx.localExperts, align);
}

/**
 * Whether the prologue's kernels and the expert path's own input quantisations run: always, except
 * under `onlyWithoutExpertParallel` at EP > 1 (the dispatch lays the rows out and quantises them).
 */
export function expertPathRuns(
  pro: NonNullable<SeparateKernels["moePrologue"]>,
  ctx: SeparateKernelContext,
): boolean {
  return pro.onlyWithoutExpertParallel !== true || (ctx.moeEp ?? 1) <= 1;
}

/**
 * The scale-factor padding walk of a kernel of the CUTLASS MoE op with NVFP4 expert activations
 * (`scalePadding`; TensorRT-LLM moe_kernels.cu, expandInputRowsKernel and doActivationKernel: "Pad
 * zeros in the extra SFs along the N dimension"): rowsPerExpert × local experts padding rows walked
 * by min(blocksPerCore × SMs, max(expanded rows, padding rows)) blocks, expanded rows being every
 * routed token's top-k copies. Empty where the prologue records none or the activations are not NVFP4.
 */
export function scalePaddingOf(
  gateUp: Operator,
  pro: NonNullable<SeparateKernels["moePrologue"]>,
  ctx: SeparateKernelContext,
): Pick<Operator, "gridStrideWalk"> {
  const pad = pro.scalePadding;
  const experts = ctx.localExperts ?? gateUp.shape?.groups;
  if (pad === undefined || gateUp.dtype !== "fp4" || experts === undefined) return {};
  return {
    gridStrideWalk: {
      items: pad.rowsPerExpert * experts,
      launchedItems: ctx.routedTokens * ctx.topK,
      blocksPerCore: pad.blocksPerCore,
    },
  };
}

/**
 * The routing of all experts cut to the rank's own at EP > 1 (`epRoutingKernels`; TensorRT-LLM's
 * TritonEPRouter: bitmatrix shift, clear and compaction over every routed token): one bit per
 * (token, expert) and the top-k ids and weights (4 + 2 bytes) read and written.
 */
function epRoutingOps(
  pro: NonNullable<SeparateKernels["moePrologue"]>,
  ctx: SeparateKernelContext,
  prefix: string,
  dtype: Operator["dtype"],
): Operator[] {
  const ep = ctx.moeEp ?? 1;
  if (pro.epRoutingKernels === undefined || ep <= 1 || ctx.localExperts === undefined) return [];
  const bytes = ctx.routedTokens * (Math.ceil((ctx.localExperts * ep) / 32) * 4 + ctx.topK * 6);
  const op = vector(`${prefix}moe.experts.ep_routing`, 0, bytes, bytes, dtype);
  return [{ ...op, kernels: pro.epRoutingKernels }];
}

/**
 * The NVFP4 scale factors of an attention-DP all-gather re-laid for the gathered rows
 * (`scaleReswizzleKernels`; TensorRT-LLM's `reswizzle_sf` after the CUTLASS op's all-gather): one
 * byte per 16 values of every routed token read and written by each kernel.
 */
function reswizzleOps(
  pro: NonNullable<SeparateKernels["moePrologue"]>,
  ctx: SeparateKernelContext,
  prefix: string,
  dtype: Operator["dtype"],
): Operator[] {
  const k = pro.scaleReswizzleKernels;
  if (k === undefined || ctx.dispatchFp4 !== true || ctx.routedTokens <= ctx.dispatchedTokens) return [];
  const bytes = (k * ctx.routedTokens * ctx.hiddenSize) / 16;
  return [{ ...vector(`${prefix}moe.experts.sf_reswizzle`, 0, bytes, bytes, dtype), kernels: k }];
}
