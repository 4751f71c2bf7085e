/**
 * The small kernels an engine runs on their own between the operators of a layer (the engine's
 * `separateKernels`, data/engines/<name>.yaml): format conversion and layout changes that the
 * operator list leaves out because a fused engine does them inside its GEMMs and MoE transfers.
 *
 * - Activation quantisation: before each GEMM that computes in an 8-bit format, a per-token-group
 *   kernel reads the BF16 input and writes the 8-bit copy and one scale per `groupSize` elements.
 *   Where the MoE kernels carry the tokens quantised (normal kernels: the engine quantises before
 *   dispatch), the routed experts' first GEMM needs none and the quantisation runs once on the
 *   rank's own tokens before the dispatch; the low-latency kernels quantise inside the dispatch and
 *   their expert path fuses SiLU with the quantisation of the second GEMM's input, so in that mode
 *   the grouped GEMMs get none.
 * - Expert permutation (normal kernels only): the received tokens (8-bit, with their scales) are
 *   scattered into the grouped GEMM's per-expert contiguous rows, and the GEMM's BF16 rows gathered
 *   back to the received tokens, weighted by the top-k weights; the gather replaces the model's
 *   weighted sum of expert outputs (`moe.combine`), whose reduction across ranks happens in the
 *   combine transfer; the shared expert's output is then added to it by one more kernel.
 * - MoE op prologue (TensorRT-LLM's CUTLASS MoE, `moePrologue`): before the first grouped GEMM the op
 *   sorts the routed (token, expert) pairs of every token it is given by expert — one single-block
 *   kernel while those tokens fit one block, else a three-kernel blocked prefix sum — expands the
 *   input rows of the rank's experts into the grouped GEMM's per-expert layout, and fills the
 *   grouped GEMMs' per-expert arguments (pointers, strides, problem sizes: `gemmSetupKernels`); its
 *   activation kernel quantises the second GEMM's input and its finalize kernel is the weighted sum
 *   (`moe.combine`), so the expert path needs no other quantisation. Where the MoE input travels
 *   in a format narrower than BF16 (`quantizeBeforeComm`, the scenario's dispatch format), the
 *   rank's own tokens are quantised in one kernel before the all-gather or all-to-all.
 * - MLA key assembly (naive prefill form): the expanded keys (no-position part, from kv_b_proj) and
 *   the one rotary key per token are copied into one per-head key tensor for the attention kernel.
 *
 * Each kernel is a vector operator: its time is the operator model's (bytes over the memory
 * bandwidth and efficiency of the chip's vector class, plus a launch), for every chip alike.
 */
import { dispatchBytesPerToken, type SeparateKernels } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import { type Operator, VECTOR_FLOPS_PER_ELEMENT } from "../model/index.ts";
import { expectedDestinations } from "../network/index.ts";
import type { StepContext } from "./step-context.ts";
import type { MicrobatchWork } from "./step-work.ts";

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
  /** MLA head dimensions, for the key assembly of the naive (prefill) form. */
  readonly mla?: { readonly nopeDim: number; readonly ropeDim: number; readonly vDim: number };
}

const is8Bit = (op: Operator) => op.dtype === "fp8" || op.dtype === "int8";
const baseName = (op: Operator) => op.name.replace(/^mtp\d+\./, "");
const prefixOf = (op: Operator) => op.name.slice(0, op.name.length - baseName(op).length);

/** Input elements of a GEMM (rows summed over groups × k). */
function inputElements(op: Operator): number {
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
  return {
    name,
    class: "vector",
    dtype,
    flops,
    bytesRead: { weights: 0, activations: readBytes, kvCache: 0 },
    bytesWritten: { activations: writeBytes, kvCache: 0 },
    kernels: 1,
  };
}

/**
 * The MoE op's prologue before its first grouped GEMM (`moePrologue`): the expert sort of the routed
 * pairs and the expansion of the input rows into the grouped GEMM's layout (read and written once).
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
  const rows = gateUp.shape.m * (gateUp.shape.groups ?? 1);
  const bytes = rows * gateUp.shape.k * (gateUp.bytesRead.activations / inputElements(gateUp));
  const out = [sort, vector(`${prefix}moe.experts.expand`, 0, bytes, bytes, gateUp.dtype)];
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
 * The layer's operators with the engine's separate kernels inserted where they run.
 * @example withSeparateKernels(ops, { expertPermute: false, activationQuant: { groupSize: 128, scaleBytes: 4 } }, ctx)
 */
export function withSeparateKernels(
  ops: readonly Operator[],
  policy: SeparateKernels | undefined,
  ctx: SeparateKernelContext,
): Operator[] {
  if (policy === undefined) return [...ops];
  const quant = policy.activationQuant;
  // The CUTLASS MoE op quantises inside (expansion, activation): the low-latency path's rules.
  const normal = ctx.moeKernels === "normal" && policy.moePrologue === undefined;
  const permute = policy.expertPermute && normal;
  // Bytes per element of the high-precision activations (what the GEMMs read in the operator model).
  const gemm = ops.find(
    (op) => (op.class === "gemm" || op.class === "grouped-gemm") && inputElements(op) > 0,
  );
  const actBytes = gemm !== undefined ? gemm.bytesRead.activations / inputElements(gemm) : 2;
  const quantOp = (name: string, elements: number, dtype: Operator["dtype"]): Operator | undefined =>
    quant === undefined || elements <= 0
      ? undefined
      : vector(
          name,
          VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
          elements * actBytes,
          elements + (elements / quant.groupSize) * quant.scaleBytes,
          dtype,
        );
  const out: Operator[] = [];
  const push = (op: Operator | undefined) => {
    if (op !== undefined) out.push(op);
  };
  for (const op of ops) {
    const name = baseName(op);
    const p = prefixOf(op);
    if (op.class === "gemm" && is8Bit(op)) push(quantOp(`${op.name}.quant`, inputElements(op), op.dtype));
    if (name === "moe.experts.gate_up_proj") for (const k of moePrologueOps(op, policy, ctx, p)) out.push(k);
    if (op.class === "grouped-gemm" && is8Bit(op)) {
      const rows = (op.shape?.m ?? 0) * (op.shape?.groups ?? 1);
      if (name === "moe.experts.gate_up_proj" && permute && quant !== undefined) {
        // ep_scatter: received 8-bit tokens and scales into per-expert contiguous rows.
        const bytes = rows * (op.shape?.k ?? 0) * (1 + quant.scaleBytes / quant.groupSize);
        push(vector(`${p}moe.experts.scatter`, 0, bytes, bytes, op.dtype));
      }
      // The second GEMM's input: quantised on its own with normal kernels, fused with SiLU otherwise.
      if (name === "moe.experts.down_proj" && normal)
        push(quantOp(`${op.name}.quant`, inputElements(op), op.dtype));
    }
    if (name === "moe.combine" && permute) {
      // ep_gather: the experts' BF16 rows, weighted, back to the received tokens.
      const experts = ops.find((o) => baseName(o) === "moe.experts.down_proj");
      const rows = (experts?.shape?.m ?? 0) * (experts?.shape?.groups ?? 1);
      const h = ctx.hiddenSize;
      // The shared expert's output added to the combined routed output (rank's own tokens).
      const shared = ops.find((o) => baseName(o) === "moe.shared.down_proj");
      const own = (shared?.shape?.m ?? 0) * h;
      push(
        vector(
          `${p}moe.experts.gather`,
          2 * rows * h,
          rows * h * actBytes,
          ctx.receivedTokens * h * actBytes,
          op.dtype,
        ),
      );
      if (own > 0) push(vector(`${p}moe.shared_add`, own, 2 * own * actBytes, own * actBytes, op.dtype));
      continue;
    }
    out.push(op);
    if (name === "attn.kv_b_proj" && policy.mlaKeyConcat && ctx.mla !== undefined) {
      // k[..., :nope] = k_nope; k[..., nope:] = k_pe (broadcast over heads): two copy kernels.
      const { nopeDim, ropeDim, vDim } = ctx.mla;
      const rows = op.shape?.m ?? 0;
      const heads = (op.shape?.n ?? 0) / (nopeDim + vDim);
      const read = rows * (heads * nopeDim + ropeDim) * actBytes;
      const write = rows * heads * (nopeDim + ropeDim) * actBytes;
      if (rows > 0 && heads > 0)
        out.push({ ...vector(`${p}attn.k_concat`, 0, read, write, op.dtype), kernels: 2 });
    }
    if (name === "moe.router" && policy.moePrologue?.quantizeBeforeComm === true) {
      // The MoE op's input quantised on the rank's own tokens before the all-gather / all-to-all.
      const perToken = ctx.dispatchBytesPerToken;
      const elements = ctx.dispatchedTokens * ctx.hiddenSize;
      if (perToken !== undefined && elements > 0)
        push(
          vector(
            `${p}moe.dispatch_quant`,
            VECTOR_FLOPS_PER_ELEMENT.quantize * elements,
            elements * actBytes,
            ctx.dispatchedTokens * perToken,
            op.dtype,
          ),
        );
    }
    if (name === "moe.router" && normal && quant !== undefined) {
      const experts = ops.find((o) => baseName(o) === "moe.experts.gate_up_proj");
      if (experts !== undefined && is8Bit(experts))
        push(quantOp(`${p}moe.dispatch_quant`, ctx.dispatchedTokens * ctx.hiddenSize, experts.dtype));
    }
  }
  return out;
}

/**
 * The insertion for one step: the scenario engine's separate kernels on the scenario's chip, with
 * the MoE kernels of the phase (normal for prefill, low-latency for decode, as `stepComm` times them).
 * @example separateKernelsOf(ctx, work, "prefill")(layerOps)
 */
export function separateKernelsOf(
  ctx: StepContext,
  work: MicrobatchWork,
  phase: "decode" | "prefill",
): (ops: readonly Operator[]) => readonly Operator[] {
  const { scenario, plan } = ctx;
  const policy = scenario.engine?.separateKernelsFor(scenario.system.node.accelerator.chip.vendor);
  if (policy === undefined) return (ops) => ops;
  const moe = scenario.model.moe;
  let received = work.tokensPerRank;
  let routed = work.tokensPerRank;
  if (moe !== undefined && plan.moe !== undefined && plan.moe.ep > 1) {
    const routing = {
      experts: moe.numRoutedExperts,
      groups: moe.numExpertGroups,
      topKGroups: moe.topKGroups,
    };
    const perToken = expectedDestinations(routing, moe.topK, plan.moe.ep, plan.moe.ep).ranksPerToken;
    received = work.tokensPerRank * perToken * work.imbalance.factor;
    routed = plan.moe.library === "allgather-reducescatter" ? work.tokensPerRank * plan.moe.ep : received;
  }
  const attention = scenario.model.attention;
  const context: SeparateKernelContext = {
    ...(attention.kind === "mla" && {
      mla: { nopeDim: attention.qkNopeHeadDim, ropeDim: attention.qkRopeHeadDim, vDim: attention.vHeadDim },
    }),
    moeKernels: phase === "prefill" ? "normal" : "low-latency",
    hiddenSize: scenario.model.hiddenSize,
    dispatchedTokens: work.tokensPerRank,
    receivedTokens: received,
    routedTokens: routed,
    topK: moe?.topK ?? 0,
    ...((plan.moe?.ep ?? 1) > 1 &&
      DTYPE_BYTES[scenario.precision.dispatch] < 2 && {
        dispatchBytesPerToken: dispatchBytesPerToken(scenario.model, scenario.precision),
      }),
    ...(moe !== undefined && plan.moe !== undefined && { localExperts: moe.numRoutedExperts / plan.moe.ep }),
  };
  return (ops) => withSeparateKernels(ops, policy, context);
}
