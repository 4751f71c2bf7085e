/**
 * The small kernels of `step-separate-kernels.ts` as vector operators: what each one reads and
 * writes (activation quantisation, the MoE op prologue, expert scatter / gather, MLA key assembly,
 * the MoE input's quantisation before dispatch), and which of them run before or after an operator
 * of the layer.
 */
import type { SeparateKernels } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { type Operator, VECTOR_FLOPS_PER_ELEMENT } from "../model/index.ts";
import { mlaKeyConcat, mlaOutputCopy } from "./mla-prefill-copies.ts";
import {
  alignedBufferRows,
  expertPathRuns,
  inputElements,
  moePrologueOps,
  type SeparateKernelContext,
  scalePaddingOf,
  vector,
} from "./moe-prologue-ops.ts";

export { inputElements, type SeparateKernelContext, scalePaddingOf };

const is8Bit = (op: Operator) => op.dtype === "fp8" || op.dtype === "int8";
/** The operator's name without an MTP layer's `mtpN.` prefix. */
export const baseName = (op: { readonly name: string }) =>
  op.name.startsWith("mtp") ? op.name.replace(/^mtp\d+\./, "") : op.name;
const prefixOf = (op: Operator) => op.name.slice(0, op.name.length - baseName(op).length);

/** What the insertion of one layer's kernels needs besides the operator at hand. */
export interface Insertion {
  readonly ops: readonly Operator[];
  readonly policy: SeparateKernels;
  readonly ctx: SeparateKernelContext;
  readonly quant: SeparateKernels["activationQuant"];
  /** The quantisation the MoE path's kernels take: none where the engine's MoE op quantises inside (`denseOnly`). */
  readonly moeQuant: SeparateKernels["activationQuant"];
  /** Normal MoE kernels outside the CUTLASS MoE op (which quantises inside: the low-latency rules). */
  readonly normal: boolean;
  readonly permute: boolean;
  /** Bytes per element of the high-precision activations (what the GEMMs read in the operator model). */
  readonly actBytes: number;
}

/** A per-token-group activation quantisation of `elements` values (none without the policy). */
function quantOp(
  k: Insertion,
  quant: SeparateKernels["activationQuant"],
  name: string,
  elements: number,
  dtype: Operator["dtype"],
): Operator | undefined {
  if (quant === undefined || elements <= 0) return undefined;
  return vector(
    name,
    VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
    elements * k.actBytes,
    elements + (elements / quant.groupSize) * quant.scaleBytes,
    dtype,
  );
}

/**
 * Whether a dense 8-bit GEMM gets its own input quantisation kernel: not where the policy skips it by
 * name, nor where the policy names weight schemes and the GEMM's weights are in none of them.
 */
function quantizesInput(quant: SeparateKernels["activationQuant"], name: string, op: Operator): boolean {
  if (quant === undefined || quant.skip?.includes(name) === true) return false;
  return (
    quant.schemes === undefined || (op.weightScheme !== undefined && quant.schemes.includes(op.weightScheme))
  );
}

/**
 * Elements an expert GEMM input's own quantisation reads: the GEMM's input rows, or where the path
 * quantises what it holds (`quantizesOwnInput`, vLLM's `fused_experts`) the op's routed tokens before
 * the first GEMM and every routed (token, expert) pair's activation before the second (its caches span
 * all top-k pairs, other ranks' experts' included).
 */
function ownInputElements(k: Insertion, op: Operator, own: boolean, which: "up" | "down"): number {
  if (!own || op.shape === undefined) return inputElements(op);
  if (which === "up") return k.ctx.routedTokens * op.shape.k;
  const buffer = alignedBufferRows(k.policy.moePrologue, k.ctx);
  return (buffer ?? k.ctx.routedTokens * k.ctx.topK) * op.shape.k;
}

/** The kernels that run before `op`: input quantisation, the MoE prologue, the expert scatter. */
export function kernelsBefore(k: Insertion, op: Operator): (Operator | undefined)[] {
  const name = baseName(op);
  const p = prefixOf(op);
  const out: (Operator | undefined)[] = [];
  if (op.class === "gemm" && is8Bit(op) && quantizesInput(k.quant, name, op))
    out.push(quantOp(k, k.quant, `${op.name}.quant`, inputElements(op), op.dtype));
  if (name === "moe.experts.gate_up_proj") out.push(...moePrologueOps(op, k.policy, k.ctx, p));
  if (op.class === "grouped-gemm" && is8Bit(op)) {
    const rows = (op.shape?.m ?? 0) * (op.shape?.groups ?? 1);
    const pro = k.policy.moePrologue;
    // An expert path with an aligned buffer (`bufferAlignRows`) scatters its own 8-bit rows into it.
    const buffered = pro?.bufferAlignRows !== undefined && expertPathRuns(pro, k.ctx);
    if (name === "moe.experts.gate_up_proj" && (k.permute || buffered) && k.moeQuant !== undefined) {
      // ep_scatter: received 8-bit tokens and scales into per-expert contiguous rows.
      const bytes = rows * (op.shape?.k ?? 0) * (1 + k.moeQuant.scaleBytes / k.moeQuant.groupSize);
      out.push(vector(`${p}moe.experts.scatter`, 0, bytes, bytes, op.dtype));
    }
    // The second GEMM's input: quantised on its own with normal kernels, fused with SiLU otherwise.
    // An expert path that quantises outside the op (`expertInputQuant`) does both inputs on their
    // own, the first unless the dispatch delivered the tokens quantised (or it quantises its own
    // input whatever they travelled in: `quantizesOwnInput`).
    const ownQuant = pro?.expertInputQuant === true && expertPathRuns(pro, k.ctx);
    const own = pro?.quantizesOwnInput === true;
    if (name === "moe.experts.down_proj" && (k.normal || ownQuant))
      out.push(quantOp(k, k.moeQuant, `${op.name}.quant`, ownInputElements(k, op, own, "down"), op.dtype));
    const arrivedQuantised = k.ctx.dispatchBytesPerToken !== undefined && !own;
    if (name === "moe.experts.gate_up_proj" && ownQuant && !arrivedQuantised)
      out.push(quantOp(k, k.moeQuant, `${op.name}.quant`, ownInputElements(k, op, own, "up"), op.dtype));
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
  const gather = vector(
    `${p}moe.experts.gather`,
    2 * rows * h,
    rows * h * k.actBytes,
    k.ctx.receivedTokens * h * k.actBytes,
    op.dtype,
  );
  const add = sharedExpertAdd(k, op);
  return add === undefined ? [gather] : [gather, add];
}

/**
 * The shared expert's output added to the combined routed output on the rank's own tokens, one
 * elementwise kernel (undefined without a shared expert).
 */
function sharedExpertAdd(k: Insertion, op: Operator): Operator | undefined {
  const shared = k.ops.find((o) => baseName(o) === "moe.shared.down_proj");
  const own = (shared?.shape?.m ?? 0) * k.ctx.hiddenSize;
  if (own <= 0) return undefined;
  return vector(`${prefixOf(op)}moe.shared_add`, own, 2 * own * k.actBytes, own * k.actBytes, op.dtype);
}

/**
 * The kernels that run after `op`: MLA key assembly and output copy, the shared-expert add, the MoE
 * input's quantisation before dispatch.
 */
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
  // An engine that adds the shared expert after the MoE op's finalize (the permuted path adds it in permutedCombine).
  if (name === "moe.combine" && policy.sharedExpertAdd === true) out.push(sharedExpertAdd(k, op));
  if (name === "moe.router" && k.normal && k.moeQuant !== undefined) {
    const experts = k.ops.find((o) => baseName(o) === "moe.experts.gate_up_proj");
    if (experts !== undefined && is8Bit(experts))
      out.push(
        quantOp(
          k,
          k.moeQuant,
          `${p}moe.dispatch_quant`,
          ctx.dispatchedTokens * ctx.hiddenSize,
          experts.dtype,
        ),
      );
  }
  return out;
}
