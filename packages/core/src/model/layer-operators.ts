/**
 * Operator graphs per layer and phase, for one rank's shard (see layer-work.ts for the workload and
 * layer-options.ts for the shard options): decoder layers, the model head (embedding, final norm,
 * LM head, sampling or loss) and the MTP modules.
 */
import { SupernodeError } from "../spec/index.ts";
import { attentionOperators } from "./attention-operators.ts";
import { backwardOperators } from "./backward-operators.ts";
import { compressRatio } from "./compressed-attention.ts";
import { ffnOperators } from "./ffn-operators.ts";
import { hyperCollapseOp, hyperConnectionOps, hyperExpandOp } from "./hyper-connections.ts";
import { layerArchitecture } from "./layer-attention.ts";
import { hasMixer, isHashRoutedLayer, type LayerKind, layerKind, mtpLayerKind } from "./layer-kinds.ts";
import type { LayerOperatorOptions } from "./layer-options.ts";
import { type ModelWorkload, type ResolvedWorkload, resolveWorkload } from "./layer-work.ts";
import { isLinearAttentionLayer } from "./linear-attention.ts";
import { bytesOfHighPrecision, gemmOp, rmsNormOp, vectorOp } from "./operator-builder.ts";
import { attentionWindow, attentionWindowForm, windowedWorkload } from "./sliding-window.ts";
import type { ModelArchitecture, Operator } from "./types.ts";
import { checkDivides } from "./workload-checks.ts";

function withPhase(w: ResolvedWorkload, build: () => Operator[]): Operator[] {
  const forward = build();
  return w.phase === "train-backward" ? backwardOperators(forward) : forward;
}

function decoderLayer(
  arch: ModelArchitecture,
  kind: LayerKind,
  w: ResolvedWorkload,
  prefix: string,
  linear = false,
  ratio?: number,
  hash = false,
  mixer = true,
): Operator[] {
  // A single-mixer MoE / MLP block (Nemotron-H) has no attention; its norm is the FFN's.
  const attention = mixer ? attentionOperators(arch, w, prefix, linear, ratio) : [];
  const ffn = ffnOperators(arch, kind, w, prefix, hash);
  const hc = arch.hyperConnections;
  if (hc === undefined) return [...attention, ...ffn];
  // Hyper-connections: collapse the streams before each sublayer, remix them after it.
  const a = hyperConnectionOps(arch, hc, w, prefix, "attn");
  const f = hyperConnectionOps(arch, hc, w, prefix, "ffn");
  return [a.pre, ...attention, a.post, f.pre, ...ffn, f.post];
}

/**
 * Operators of decoder layer `layerIndex` (0-based) for a workload on one rank.
 * @example
 * const ops = layerOperators(builtinModel("deepseek-v3"), 10, { phase: "decode", sequences: 64, kvTokens: 64 * 4096 });
 * ops.map((o) => o.name) // ["attn.input_norm", "attn.qkv_a_proj", ..., "moe.experts.gate_up_proj", ...]
 */
export function layerOperators(
  arch: ModelArchitecture,
  layerIndex: number,
  workload: ModelWorkload,
  options: LayerOperatorOptions = {},
): Operator[] {
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= arch.numLayers)
    throw new SupernodeError(
      "invalid-value",
      `layer index ${layerIndex} is out of range: ${arch.id} has layers 0..${arch.numLayers - 1}`,
      { fieldPath: ["layerIndex"] },
    );
  // A hash-routed layer's table spreads the tokens evenly: no popularity skew on its experts.
  const hash = isHashRoutedLayer(arch, layerIndex);
  const balanced = options.balancedTokensPerLocalExpert;
  const layerOptions =
    hash && balanced !== undefined ? { ...options, tokensPerLocalExpert: balanced } : options;
  const resolved = resolveWorkload(arch, workload, layerOptions);
  const window = attentionWindow(arch, layerIndex);
  const w =
    window === undefined
      ? resolved
      : windowedWorkload(resolved, window, attentionWindowForm(arch, layerIndex));
  const linear = isLinearAttentionLayer(arch, layerIndex);
  const ratio = compressRatio(arch, layerIndex);
  const mixer = hasMixer(arch, layerIndex);
  // The layer's own attention shape (a windowed layer's may differ from the full layers').
  const layerArch = layerArchitecture(arch, layerIndex);
  return withPhase(w, () =>
    decoderLayer(layerArch, layerKind(arch, layerIndex), w, "", linear, ratio, hash, mixer),
  );
}

function logitsOperators(arch: ModelArchitecture, w: ResolvedWorkload, prefix: string): Operator[] {
  // Split by attention TP, the vocabulary must divide; an LM head group of its own pads the
  // vocabulary to whole shards (vLLM's padded VocabParallelEmbedding) and multiplies the rows
  // gathered from its lmHeadTp / attentionTp attention groups.
  const own = w.lmHeadTp !== w.attentionTp;
  if (!own) checkDivides(arch.vocabSize, w.attentionTp, "vocab_size", "attentionTp");
  const vocab = own ? Math.ceil(arch.vocabSize / w.lmHeadTp) : arch.vocabSize / w.attentionTp;
  const m = w.logitTokens * (w.lmHeadTp / w.attentionTp);
  const hc = arch.hyperConnections;
  const ops = [
    ...(hc === undefined ? [] : [hyperCollapseOp(arch, hc, w, prefix)]),
    rmsNormOp(w, `${prefix}head.final_norm`, m, arch.hiddenSize),
    // The LM head stays in high precision (as in the published FP8 checkpoints) unless
    // `precision.components.lmHead` gives it a format.
    gemmOp(w, { name: `${prefix}head.lm_head`, component: "lm-head", rows: m, n: vocab, k: arch.hiddenSize }),
  ];
  // Softmax over the logits (max, subtract, exp, sum, divide: 5 FLOPs per logit), for the loss
  // in training and for sampling in inference.
  ops.push(
    vectorOp(w, {
      name: `${prefix}head.${w.forwardPhase === "train-forward" ? "loss" : "sampling"}`,
      flops: 5 * m * vocab,
      readElements: m * vocab,
      writeElements: m,
    }),
  );
  return ops;
}

function embeddingOperator(arch: ModelArchitecture, w: ResolvedWorkload, name: string): Operator {
  const rows = w.tokens * arch.hiddenSize;
  return vectorOp(w, {
    name,
    class: "embedding",
    flops: 0,
    readElements: 0,
    writeElements: rows,
    weightBytes: rows * bytesOfHighPrecision(w.weights),
  });
}

/**
 * Model-level operators: the embedding gather (before the layers), then the final norm, LM head
 * (vocabulary split over `attentionTp`) and sampling (inference) or the loss (training). Prefill
 * computes logits for the last token of each sequence only.
 * @example modelHeadOperators(arch, { phase: "decode", sequences: 8, kvTokens: 8000 }).map((o) => o.name)
 * // ["embed.lookup", "head.final_norm", "head.lm_head", "head.sampling"]
 */
export function modelHeadOperators(
  arch: ModelArchitecture,
  workload: ModelWorkload,
  options: LayerOperatorOptions = {},
): Operator[] {
  const w = resolveWorkload(arch, workload, options);
  const hc = arch.hyperConnections;
  const expand = hc === undefined ? [] : [hyperExpandOp(arch, hc, w, "")];
  return withPhase(w, () => [
    embeddingOperator(arch, w, "embed.lookup"),
    ...expand,
    ...logitsOperators(arch, w, ""),
  ]);
}

/**
 * Operators of all MTP modules (DeepSeek-V3: one) for the same tokens as the main model: embedding
 * of the shifted tokens, two norms, the 2h→h projection, one decoder layer, and the shared head.
 * Empty for models without MTP.
 * @example mtpOperators(builtinModel("deepseek-v3"), workload).some((o) => o.name === "mtp0.eh_proj") // true
 */
export function mtpOperators(
  arch: ModelArchitecture,
  workload: ModelWorkload,
  options: LayerOperatorOptions = {},
): Operator[] {
  if (arch.mtpModules === 0) return [];
  const w = resolveWorkload(arch, workload, options);
  const h = arch.hiddenSize;
  return withPhase(w, () => {
    const ops: Operator[] = [];
    for (let i = 0; i < arch.mtpModules; i++) {
      const p = `mtp${i}.`;
      ops.push(
        embeddingOperator(arch, w, `${p}embed.lookup`),
        rmsNormOp(w, `${p}enorm_hnorm`, w.tokens, 2 * h, 2),
        gemmOp(w, { name: `${p}eh_proj`, rows: w.tokens, n: h, k: 2 * h }),
        ...decoderLayer(arch, mtpLayerKind(arch), w, p, false, compressRatio(arch, arch.numLayers)),
        ...logitsOperators(arch, w, p),
      );
    }
    return ops;
  });
}
