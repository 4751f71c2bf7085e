/**
 * Grouped-query (and multi-head) attention operators of one layer on one rank: query heads split
 * over attention TP, KV heads split where they divide and replicated where TP exceeds them.
 */
import { SupernodeError } from "../spec/index.ts";
import {
  attentionShape,
  coreOp,
  kvCacheWriteOps,
  outputProjectionOp,
  rotaryOp,
} from "./attention-core-ops.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { bytesOfHighPrecision, gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import type { AttentionSpec, ModelArchitecture, Operator } from "./types.ts";
import { matrixBytes } from "./weight-bytes.ts";

type Gqa = Extract<AttentionSpec, { kind: "gqa" }>;

/** KV heads held per rank: split when they divide, replicated when TP exceeds them. */
function kvHeadsPerRank(a: Gqa, tp: number): number {
  if (a.numKvHeads % tp === 0) return a.numKvHeads / tp;
  if (tp % a.numKvHeads === 0) return 1;
  throw new SupernodeError(
    "infeasible",
    `num_key_value_heads (${a.numKvHeads}) and attentionTp (${tp}) must divide one another`,
    { fieldPath: ["attentionTp"] },
  );
}

/** GQA/MHA: fused QKV projection, optional QK norm, rotary, cache write, core, `o_proj`. */
export function gqaOperators(arch: ModelArchitecture, a: Gqa, w: ResolvedWorkload, p: string): Operator[] {
  const h = arch.hiddenSize;
  const T = w.tokens;
  const d = a.headDim;
  // Values may be narrower than keys (MiMo-V2-Flash: 192 / 128) or projected by k_proj (Gemma 4).
  const dv = a.vHeadDim ?? d;
  const hq = a.numHeads / w.attentionTp;
  const hkv = kvHeadsPerRank(a, w.attentionTp);
  // Qwen3-Next's gated attention: q_proj also emits a gate per query element.
  const gate = a.outputGate === true ? hq * d : 0;
  const vWidth = a.valueFromKey === true ? 0 : hkv * dv;
  const qkvWidth = (hq + hkv) * d + vWidth + gate;
  const hp = bytesOfHighPrecision(w.weights);
  const aw = w.components.attention.weights;
  const ops: Operator[] = [
    gemmOp(w, {
      component: "attention",
      name: `${p}attn.qkv_proj`,
      rows: T,
      n: qkvWidth,
      k: h,
      weightBytes: matrixBytes(qkvWidth, h, aw) + (a.qkvBias === true ? qkvWidth * hp : 0),
    }),
  ];
  const qkElements = T * (hq + hkv) * d;
  if (a.qkNorm === true)
    ops.push(
      vectorOp(w, {
        name: `${p}attn.qk_norm`,
        flops: VECTOR_FLOPS_PER_ELEMENT.rmsNorm * qkElements,
        readElements: qkElements,
        writeElements: qkElements,
        // A norm per head shares one head_dim weight; MiniMax-M2's spans this rank's whole projection.
        weightBytes: (a.qkNormScope === "projection" ? hq + hkv : 2) * d * hp,
      }),
    );
  ops.push(rotaryOp(w, p, qkElements));
  const kvPerToken = hkv * (d + dv);
  ops.push(...kvCacheWriteOps(w, p, kvPerToken));
  // Decode reads every key/value from the cache (the new ones were just written); prefill and
  // training take the new tokens' K/V from activations and the cached context from the cache.
  const newFromActivations = w.forwardPhase === "decode" ? 0 : T;
  ops.push(
    coreOp(w, p, {
      flops: 2 * w.attendedTokenPairs * hq * (d + dv),
      activationsReadBytes: (T * hq * d + newFromActivations * kvPerToken) * w.actBytes,
      kvCacheReadBytes: w.kvReadTokens * kvPerToken * w.kvBytes,
      activationsWrittenBytes: T * hq * dv * w.actBytes,
      shape: { ...attentionShape(w, hq, d, dv), kvHeads: hkv, kvElementBytes: w.kvBytes },
    }),
  );
  if (gate > 0)
    ops.push(
      vectorOp(w, {
        name: `${p}attn.output_gate`,
        flops: VECTOR_FLOPS_PER_ELEMENT.swiglu * T * gate,
        readElements: 2 * T * gate,
        writeElements: T * gate,
      }),
    );
  ops.push(outputProjectionOp(w, p, h, hq * dv));
  return ops;
}
