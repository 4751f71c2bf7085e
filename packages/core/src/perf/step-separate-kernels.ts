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
import { dispatchBytesPerToken, moeTokenWidth, type SeparateKernels } from "../deploy/index.ts";
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { Operator } from "../model/index.ts";
import { expectedDestinations } from "../network/index.ts";
import { overlaidMoeBackend } from "./engine-overlay.ts";
import { alignedBufferRows, expertPathRuns, runsForExperts } from "./moe-prologue-ops.ts";
import {
  baseName,
  type Insertion,
  inputElements,
  kernelsAfter,
  kernelsBefore,
  permutedCombine,
  type SeparateKernelContext,
  scalePaddingOf,
  withAntiquantWorkspace,
} from "./separate-kernel-ops.ts";
import { attentionOutputFormat, routedExpertFormat, type StepContext } from "./step-context.ts";
import type { MicrobatchWork } from "./step-work.ts";

export type { SeparateKernelContext } from "./separate-kernel-ops.ts";

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
  return insertSeparateKernels(ops, policy, ctx, fusedOperatorNames(policy, ctx));
}

/** `withSeparateKernels` with the step's fused operator names resolved once (not per layer). */
function insertSeparateKernels(
  ops: readonly Operator[],
  policy: SeparateKernels,
  ctx: SeparateKernelContext,
  fused: ReadonlySet<string>,
): Operator[] {
  // The CUTLASS MoE op quantises inside (expansion, activation): the low-latency path's rules.
  const normal = ctx.moeKernels === "normal" && policy.moePrologue === undefined;
  const gemm = ops.find(
    (op) => (op.class === "gemm" || op.class === "grouped-gemm") && inputElements(op) > 0,
  );
  const k: Insertion = {
    ops,
    policy,
    ctx,
    quant: policy.activationQuant,
    moeQuant:
      policy.activationQuant?.denseOnly === true && policy.moePrologue?.quantizesOwnInput !== true
        ? undefined
        : policy.activationQuant,
    normal,
    permute: policy.expertPermute && normal,
    actBytes: gemm !== undefined ? gemm.bytesRead.activations / inputElements(gemm) : 2,
  };
  const antiquant = policy.antiquantWorkspace === true;
  const out: Operator[] = [];
  const gathered = gateOverGathered(policy, ctx);
  const asRun = (o: Operator): Operator => {
    const run = gathered(o);
    return fused.size > 0 && fused.has(baseName(run)) ? { ...run, kernels: 0 } : run;
  };
  const push = (list: readonly (Operator | undefined)[]) => {
    for (const o of list) if (o !== undefined) out.push(asRun(o));
  };
  for (const op of ops) {
    push(kernelsBefore(k, op));
    if (baseName(op) === "moe.combine" && k.permute) {
      push(permutedCombine(k, op));
      continue;
    }
    if (antiquant) push(withAntiquantWorkspace(k, op));
    else out.push(asRun(withMoeKernelWalks(k, op)));
    if (policy.repeatedOperators?.includes(baseName(op)) === true)
      out.push({ ...op, name: `${op.name}.repeat` });
    push(kernelsAfter(k, op));
  }
  return out;
}

/**
 * The activation as the expert path with an aligned buffer runs it (`bufferAlignRows`): over every row of
 * the buffer, not the rank's routed pairs (vLLM's DeepGEMM chain applies SiLU-and-mul to the whole first
 * GEMM output). FLOPs and bytes scale with the rows; unchanged where the path does not run for the
 * experts' format.
 */
function overBuffer(k: Insertion, op: Operator): Operator {
  const pro = k.policy.moePrologue;
  const gateUp = k.ops.find((o) => baseName(o) === "moe.experts.gate_up_proj");
  const buffer = alignedBufferRows(pro, k.ctx);
  if (pro === undefined || gateUp?.shape === undefined || buffer === undefined) return op;
  if (!expertPathRuns(pro, k.ctx) || !runsForExperts(pro, gateUp)) return op;
  const rows = gateUp.shape.m * (gateUp.shape.groups ?? 1);
  if (rows <= 0) return op;
  const scale = buffer / rows;
  return {
    ...op,
    flops: op.flops * scale,
    bytesRead: { ...op.bytesRead, activations: op.bytesRead.activations * scale },
    bytesWritten: { ...op.bytesWritten, activations: op.bytesWritten.activations * scale },
  };
}

/**
 * The MoE op's kernels with the walks their loops make: the activation kernel's scale-factor padding
 * (`scalePadding`, NVFP4) and, with FP8 block-scale experts under `blockScaleGroupWalk`, each grouped
 * GEMM's scheduler walk over every local expert.
 */
function withMoeKernelWalks(k: Insertion, op: Operator): Operator {
  const pro = k.policy.moePrologue;
  if (pro === undefined) return op;
  const name = baseName(op);
  if (name === "moe.experts.act" && pro.bufferAlignRows !== undefined) return overBuffer(k, op);
  if (name === "moe.experts.act" && pro.scalePadding !== undefined) {
    const gateUp = k.ops.find((o) => baseName(o) === "moe.experts.gate_up_proj");
    return gateUp === undefined ? op : { ...op, ...scalePaddingOf(gateUp, pro, k.ctx) };
  }
  const walks =
    pro.blockScaleGroupWalk === true &&
    op.class === "grouped-gemm" &&
    (name === "moe.experts.gate_up_proj" || name === "moe.experts.down_proj") &&
    op.dtype === "fp8" &&
    k.ctx.expertScheme === "block-128x128" &&
    k.ctx.localExperts !== undefined;
  return walks ? { ...op, groupWalk: k.ctx.localExperts } : op;
}

/**
 * The gate GEMM and the top-k as a backend that gathers before its gate runs them
 * (`gateOnGatheredTokens`): over every token the MoE op routes (the attention-DP all-gather's), their
 * FLOPs and activation bytes scaled from the rank's own tokens; the gate's weights are read once.
 */
function gateOverGathered(policy: SeparateKernels, ctx: SeparateKernelContext): (o: Operator) => Operator {
  const f = ctx.dispatchedTokens > 0 ? ctx.routedTokens / ctx.dispatchedTokens : 1;
  if (policy.moePrologue?.gateOnGatheredTokens !== true || f <= 1) return (o) => o;
  return (o) => {
    const n = baseName(o);
    if (n !== "moe.router" && n !== "moe.topk") return o;
    return {
      ...o,
      flops: o.flops * f,
      bytesRead: { ...o.bytesRead, activations: o.bytesRead.activations * f },
      bytesWritten: { ...o.bytesWritten, activations: o.bytesWritten.activations * f },
    };
  };
}

/**
 * Operators whose work the engine runs inside another kernel here (`fusedKernels`): those fused
 * everywhere, with attention TP those fused into its all-reduces, within each entry's token and
 * expert-format limits.
 */
function fusedOperatorNames(policy: SeparateKernels, ctx: SeparateKernelContext): ReadonlySet<string> {
  const names = new Set<string>();
  for (const f of policy.fusedKernels ?? []) {
    if (f.when === "attention-tp" && ctx.attentionTensorParallel !== true) continue;
    if (f.maxTokens !== undefined && ctx.routedTokens > f.maxTokens) continue;
    if (f.phase !== undefined && f.phase !== (ctx.moeKernels === "normal" ? "prefill" : "decode")) continue;
    if (f.maxRankTokens !== undefined && ctx.dispatchedTokens > f.maxRankTokens) continue;
    if (!admits(f.expertWeights, ctx.expertWeights) || !admits(f.kvCache, ctx.kvCache)) continue;
    if (!admits(f.attentionOutputSchemes, ctx.attentionOutputScheme)) continue;
    if (!admits(f.attentionKinds, ctx.mla !== undefined ? "mla" : "gqa")) continue;
    for (const n of f.operators) names.add(n);
  }
  return names;
}

/** Whether an entry's list of allowed values admits the step's value (no list: every value). */
function admits<T>(allowed: readonly T[] | undefined, value: T | undefined): boolean {
  return allowed === undefined || (value !== undefined && allowed.includes(value));
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
  const engine = scenario.engine;
  // The chain of the MoE backend that runs: the named one, else the engine's default overlay's.
  const running =
    engine !== undefined ? overlaidMoeBackend(engine.name, ctx.profile.engineOverlays) : undefined;
  const policy = engine?.separateKernelsFor(scenario.system.node.accelerator.chip.vendor, running);
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
    // Without an all-to-all the MoE op routes every token it holds: the gathered EP group's with
    // attention DP, the whole instance's (replicated over the attention TP group) without.
    const holders = plan.attention.dp === 1 ? plan.attention.tp : plan.moe.ep;
    routed = plan.moe.library === "allgather-reducescatter" ? work.tokensPerRank * holders : received;
  }
  const attention = scenario.model.attention;
  const experts = moe !== undefined ? routedExpertFormat(scenario.precision) : undefined;
  const context: SeparateKernelContext = {
    ...(attention.kind === "mla" && {
      mla: { nopeDim: attention.qkNopeHeadDim, ropeDim: attention.qkRopeHeadDim, vDim: attention.vHeadDim },
    }),
    moeKernels: phase === "prefill" ? "normal" : "low-latency",
    attentionTensorParallel: plan.attention.tp > 1 && plan.attention.dp === 1,
    // The width of a dispatched token: a latent MoE's latent projection (Nemotron 3 Super).
    hiddenSize: moeTokenWidth(scenario.model),
    dispatchedTokens: work.tokensPerRank,
    receivedTokens: received,
    routedTokens: routed,
    topK: moe?.topK ?? 0,
    ...(experts !== undefined && { expertWeights: experts.dtype, expertScheme: experts.scheme }),
    kvCache: scenario.precision.kvCache,
    attentionOutputScheme: attentionOutputFormat(scenario.precision).scheme,
    ...((plan.moe?.ep ?? 1) > 1 &&
      DTYPE_BYTES[scenario.precision.dispatch] < 2 && {
        dispatchBytesPerToken: dispatchBytesPerToken(scenario.model, scenario.precision),
        dispatchFp4: scenario.precision.dispatch === "fp4",
      }),
    ...(moe !== undefined &&
      plan.moe !== undefined && {
        localExperts: moe.numRoutedExperts / plan.moe.ep,
        globalExperts: moe.numRoutedExperts,
        moeEp: plan.moe.ep,
      }),
  };
  const fused = fusedOperatorNames(policy, context);
  return (ops) => insertSeparateKernels(ops, policy, context, fused);
}
