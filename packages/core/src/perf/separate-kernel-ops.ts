/**
 * The small kernels of `step-separate-kernels.ts` as vector operators: what each one reads and
 * writes (activation quantisation, the MoE op prologue, expert scatter / gather, MLA key assembly,
 * the MoE input's quantisation before dispatch), and which of them run before or after an operator
 * of the layer.
 */
import type { SeparateKernels } from "../deploy/index.ts";
import { DTYPE_BYTES, type Dtype } from "../hardware/index.ts";
import { activationPass, type Operator, type QuantScheme, VECTOR_FLOPS_PER_ELEMENT } from "../model/index.ts";
import { type MlaDims, mlaKeyConcat, mlaOutputCopy } from "./mla-prefill-copies.ts";

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
  /** MLA head dimensions, for the key assembly of the naive (prefill) form. */
  readonly mla?: MlaDims;
}

const is8Bit = (op: Operator) => op.dtype === "fp8" || op.dtype === "int8";
/** The operator's name without an MTP layer's `mtpN.` prefix. */
export const baseName = (op: { readonly name: string }) =>
  op.name.startsWith("mtp") ? op.name.replace(/^mtp\d+\./, "") : op.name;
const prefixOf = (op: Operator) => op.name.slice(0, op.name.length - baseName(op).length);

/** Input elements of a GEMM (rows summed over groups × k). */
export function inputElements(op: Operator): number {
  const s = op.shape;
  if (s === undefined) return 0;
  return s.m * (s.groups ?? 1) * s.k;
}

function vector(
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
function moePrologueOps(
  gateUp: Operator,
  policy: SeparateKernels,
  ctx: SeparateKernelContext,
  prefix: string,
): Operator[] {
  const pro = policy.moePrologue;
  if (pro === undefined || gateUp.shape === undefined) return [];
  const pairs = ctx.routedTokens * ctx.topK;
  const kernels = ctx.routedTokens <= pro.fusedMaxTokens ? 1 : pro.unfusedKernels;
  // Expert ids read; the two row maps and the per-expert offsets written (4-byte integers).
  const sort = { ...vector(`${prefix}moe.experts.sort`, 0, 4 * pairs, 8 * pairs, gateUp.dtype), kernels };
  const out = [
    ...reswizzleOps(pro, ctx, prefix, gateUp.dtype),
    ...epRoutingOps(pro, ctx, prefix, gateUp.dtype),
    sort,
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

/** What the insertion of one layer's kernels needs besides the operator at hand. */
export interface Insertion {
  readonly ops: readonly Operator[];
  readonly policy: SeparateKernels;
  readonly ctx: SeparateKernelContext;
  readonly quant: SeparateKernels["activationQuant"];
  /** Normal MoE kernels outside the CUTLASS MoE op (which quantises inside: the low-latency rules). */
  readonly normal: boolean;
  readonly permute: boolean;
  /** Bytes per element of the high-precision activations (what the GEMMs read in the operator model). */
  readonly actBytes: number;
}

/** A per-token-group activation quantisation of `elements` values (none without the policy). */
function quantOp(
  k: Insertion,
  name: string,
  elements: number,
  dtype: Operator["dtype"],
): Operator | undefined {
  const quant = k.quant;
  if (quant === undefined || elements <= 0) return undefined;
  return vector(
    name,
    VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
    elements * k.actBytes,
    elements + (elements / quant.groupSize) * quant.scaleBytes,
    dtype,
  );
}

/** The kernels that run before `op`: input quantisation, the MoE prologue, the expert scatter. */
export function kernelsBefore(k: Insertion, op: Operator): (Operator | undefined)[] {
  const name = baseName(op);
  const p = prefixOf(op);
  const out: (Operator | undefined)[] = [];
  if (op.class === "gemm" && is8Bit(op) && k.quant?.skip?.includes(name) !== true)
    out.push(quantOp(k, `${op.name}.quant`, inputElements(op), op.dtype));
  if (name === "moe.experts.gate_up_proj") out.push(...moePrologueOps(op, k.policy, k.ctx, p));
  if (op.class === "grouped-gemm" && is8Bit(op)) {
    const rows = (op.shape?.m ?? 0) * (op.shape?.groups ?? 1);
    if (name === "moe.experts.gate_up_proj" && k.permute && k.quant !== undefined) {
      // ep_scatter: received 8-bit tokens and scales into per-expert contiguous rows.
      const bytes = rows * (op.shape?.k ?? 0) * (1 + k.quant.scaleBytes / k.quant.groupSize);
      out.push(vector(`${p}moe.experts.scatter`, 0, bytes, bytes, op.dtype));
    }
    // The second GEMM's input: quantised on its own with normal kernels, fused with SiLU otherwise.
    // An expert path that quantises outside the op (`expertInputQuant`) does both inputs on their
    // own, the first unless the dispatch delivered the tokens quantised.
    const ownQuant = k.policy.moePrologue?.expertInputQuant === true;
    if (name === "moe.experts.down_proj" && (k.normal || ownQuant))
      out.push(quantOp(k, `${op.name}.quant`, inputElements(op), op.dtype));
    if (name === "moe.experts.gate_up_proj" && ownQuant && k.ctx.dispatchBytesPerToken === undefined)
      out.push(quantOp(k, `${op.name}.quant`, inputElements(op), op.dtype));
  }
  return out;
}

/**
 * A weight-only grouped GEMM as it runs under `antiquantWorkspace` (CANN's GroupedMatmul antiquant
 * path, ops-transformer `grouped_matmul_antiquant.h`): inside the GEMM's launch (no launch of its
 * own) the vector cores read the packed weights of every expert that has tokens, with their group
 * scales, and write the weights in the math format to a global-memory workspace
 * (`CastWeightProcess`); the matrix unit then reads that copy. The cast is counted as 4 element
 * operations (cast, offset add, scale multiply, cast back), an order of magnitude; its traffic and
 * the GEMM's wider weight read are timed at the chip's memory bandwidth like every operator.
 * Other operators are returned as they are.
 */
export function withAntiquantWorkspace(k: Insertion, op: Operator): Operator[] {
  const elements = op.weightOnlyElements;
  if (k.policy.antiquantWorkspace !== true || op.class !== "grouped-gemm" || elements === undefined)
    return [op];
  const copy = elements * DTYPE_BYTES[op.dtype];
  const cast: Operator = {
    name: `${op.name}.antiquant`,
    class: "vector",
    dtype: op.dtype,
    flops: VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
    bytesRead: { weights: op.bytesRead.weights, activations: 0, kvCache: 0 },
    bytesWritten: { activations: copy, kvCache: 0 },
    kernels: 0,
  };
  return [cast, { ...op, bytesRead: { ...op.bytesRead, weights: copy } }];
}

/** What replaces the weighted sum `moe.combine` with permuted experts: ep_gather and the shared-expert add. */
export function permutedCombine(k: Insertion, op: Operator): Operator[] {
  const p = prefixOf(op);
  // ep_gather: the experts' BF16 rows, weighted, back to the received tokens.
  const experts = k.ops.find((o) => baseName(o) === "moe.experts.down_proj");
  const rows = (experts?.shape?.m ?? 0) * (experts?.shape?.groups ?? 1);
  const h = k.ctx.hiddenSize;
  // The shared expert's output added to the combined routed output (rank's own tokens).
  const shared = k.ops.find((o) => baseName(o) === "moe.shared.down_proj");
  const own = (shared?.shape?.m ?? 0) * h;
  const out = [
    vector(
      `${p}moe.experts.gather`,
      2 * rows * h,
      rows * h * k.actBytes,
      k.ctx.receivedTokens * h * k.actBytes,
      op.dtype,
    ),
  ];
  if (own > 0) out.push(vector(`${p}moe.shared_add`, own, 2 * own * k.actBytes, own * k.actBytes, op.dtype));
  return out;
}

/** The kernels that run after `op`: MLA key assembly and output copy, the MoE input's quantisation before dispatch. */
export function kernelsAfter(k: Insertion, op: Operator): (Operator | undefined)[] {
  const name = baseName(op);
  const p = prefixOf(op);
  const { ctx, policy } = k;
  const out: (Operator | undefined)[] = [];
  if (name === "attn.kv_b_proj") out.push(mlaKeyConcat(policy, ctx.mla, op, p, k.actBytes));
  // Only the output copy looks for the layer's kv_b_proj (not every operator of the hot path).
  if (name === "attn.core" && policy.mlaOutputCopy === true) {
    const kvB = k.ops.find((o) => baseName(o) === "attn.kv_b_proj");
    out.push(mlaOutputCopy(ctx.mla, op, kvB, p));
  }
  if (name === "moe.router" && policy.moePrologue?.quantizeBeforeComm === true) {
    // The MoE op's input quantised on the rank's own tokens before the all-gather / all-to-all.
    const perToken = ctx.dispatchBytesPerToken;
    const elements = ctx.dispatchedTokens * ctx.hiddenSize;
    if (perToken !== undefined && elements > 0)
      out.push(
        vector(
          `${p}moe.dispatch_quant`,
          VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
          elements * k.actBytes,
          ctx.dispatchedTokens * perToken,
          op.dtype,
        ),
      );
  }
  if (name === "moe.router" && k.normal && k.quant !== undefined) {
    const experts = k.ops.find((o) => baseName(o) === "moe.experts.gate_up_proj");
    if (experts !== undefined && is8Bit(experts))
      out.push(quantOp(k, `${p}moe.dispatch_quant`, ctx.dispatchedTokens * ctx.hiddenSize, experts.dtype));
  }
  return out;
}
