/**
 * Manifold-constrained hyper-connections (mHC; DeepSeek-V4 `hc_mult` = 4, `hc_sinkhorn_iters` = 20),
 * read from transformers' `models/deepseek_v4/modular_deepseek_v4.py` (DeepseekV4HyperConnection,
 * DeepseekV4HyperHead, DeepseekV4DecoderLayer). The residual is n streams of the hidden state
 * (n × hidden per token between layers). Around each sublayer (attention, FFN):
 *
 * - pre: an unweighted RMSNorm of the flattened n × hidden streams, one small matmul to
 *   (2 + n) × n mixing logits (`fn`, kept in FP32), sigmoids, a Sinkhorn projection of the n × n
 *   part, and the collapse of the streams to the sublayer's input (a weighted sum over n);
 * - post: each stream = post weight × the sublayer output + the n × n mix of the streams.
 *
 * Before the final norm a head collapses the streams once more (n logits). Each is timed as a
 * memory-bound vector op over the streams (DeepGEMM's HC kernels fuse the norm with the matmul;
 * aiconfigurator times the pre and post modules as BF16 ops); the mixing matmul's FLOPs are counted,
 * Sinkhorn's 2 × iters × n² per token too.
 */
import { DTYPE_BYTES } from "../hardware/index.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { vectorOp } from "./operator-builder.ts";
import type { HyperConnectionSpec, ModelArchitecture, Operator } from "./types.ts";
import { highPrecisionTensor } from "./weight-tensor-builders.ts";
import type { WeightTensor } from "./weight-tensors.ts";

/** Mixing logits per token of one connection: pre (n), post (n) and the n × n stream mix. */
function mixWidth(n: number): number {
  return (2 + n) * n;
}

/**
 * The two hyper-connections of a decoder layer (attention and FFN sites): `fn`, `base`, `scale` each.
 * @example hyperConnectionTensors({ streams: 4, sinkhornIters: 20 }, 4096).length // 6
 */
export function hyperConnectionTensors(hc: HyperConnectionSpec, hidden: number): WeightTensor[] {
  const n = hc.streams;
  return ["attn_hc", "ffn_hc"].flatMap((site) => [
    highPrecisionTensor(`${site}.fn`, "attention", mixWidth(n), n * hidden),
    highPrecisionTensor(`${site}.base`, "attention", mixWidth(n), 1),
    highPrecisionTensor(`${site}.scale`, "attention", 3, 1),
  ]);
}

/** The final collapse before the model's norm (`hc_head`: n logits from the n × hidden streams). */
export function hyperHeadTensors(hc: HyperConnectionSpec, hidden: number): WeightTensor[] {
  const n = hc.streams;
  return [
    highPrecisionTensor("hc_head.fn", "lm-head", n, n * hidden),
    highPrecisionTensor("hc_head.base", "lm-head", n, 1),
    highPrecisionTensor("hc_head.scale", "lm-head", 1, 1),
  ];
}

/**
 * Pre (`${site}_pre`) and post (`${site}_post`) operators of one site for the workload's tokens.
 * @example hyperConnectionOps(arch, arch.hyperConnections, w, "", "attn").map((o) => o.name) // ["attn_hc.pre", "attn_hc.post"]
 */
export function hyperConnectionOps(
  arch: ModelArchitecture,
  hc: HyperConnectionSpec,
  w: ResolvedWorkload,
  p: string,
  site: "attn" | "ffn",
): { pre: Operator; post: Operator } {
  const T = w.tokens;
  const h = arch.hiddenSize;
  const n = hc.streams;
  const streams = T * n * h;
  const mix = mixWidth(n);
  const pre = vectorOp(w, {
    name: `${p}${site}_hc.pre`,
    // Estimate: norm (≈ 3 per element: square, sum, scale), the mixing matmul, Sinkhorn over
    // n × n, the weighted collapse.
    flops: 3 * streams + 2 * streams * mix + 2 * T * hc.sinkhornIters * n * n + 2 * streams,
    readElements: streams,
    writeElements: T * (h + mix),
    weightBytes: (mix * n * h + mix + 3) * DTYPE_BYTES.fp32,
  });
  const post = vectorOp(w, {
    name: `${p}${site}_hc.post`,
    flops: 2 * streams + 2 * streams * n,
    readElements: streams + T * h + T * mix,
    writeElements: streams,
  });
  return { pre, post };
}

/** The embedding's expansion of every token to n streams. */
export function hyperExpandOp(
  arch: ModelArchitecture,
  hc: HyperConnectionSpec,
  w: ResolvedWorkload,
  p: string,
): Operator {
  const h = arch.hiddenSize;
  return vectorOp(w, {
    name: `${p}hc.expand`,
    flops: 0,
    readElements: w.tokens * h,
    writeElements: w.tokens * hc.streams * h,
  });
}

/** The head's collapse of the streams for the tokens that get logits. */
export function hyperCollapseOp(
  arch: ModelArchitecture,
  hc: HyperConnectionSpec,
  w: ResolvedWorkload,
  p: string,
): Operator {
  const h = arch.hiddenSize;
  const n = hc.streams;
  const m = w.logitTokens * (w.lmHeadTp / w.attentionTp);
  return vectorOp(w, {
    name: `${p}hc_head.collapse`,
    flops: 3 * m * n * h + 2 * m * n * n * h + 2 * m * n * h,
    readElements: m * n * h,
    writeElements: m * h,
    weightBytes: (n * n * h + n + 1) * DTYPE_BYTES.fp32,
  });
}
