/**
 * Attention operators of one layer on one rank: GQA/MHA, and MLA in its two forms.
 *
 * MLA naive (prefill, training): expand the latent of every attended token with `kv_b_proj` into
 * per-head keys and values, then run ordinary multi-head attention with head dim
 * nope + rope = 192 for scores and v = 128 for values.
 * MLA absorbed (decode): fold `W_UK` into the query (`q_absorb`) and `W_UV` into the output
 * (`v_absorb`), and attend directly over the cached latent as multi-query attention with head dim
 * kvLora + rope = 576 for scores and kvLora = 512 for values. Both compute the same attention
 * output; absorbed avoids expanding the cache (no kv_b_proj over all cached tokens) at the cost of
 * ~3× more FLOPs per attended pair, which pays off when few queries attend many cached tokens.
 *
 * Under attention TP, heads split over ranks; MLA's `q_a`/`kv_a` projections and the latent cache
 * are replicated on each rank (every rank stores and reads the whole latent).
 */
import { SupernodeError } from "../spec/errors.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import {
  bytesOfHighPrecision,
  gemmOp,
  rmsNormOp,
  VECTOR_FLOPS_PER_ELEMENT,
  vectorOp,
} from "./operator-builder.ts";
import type { AttentionShape, AttentionSpec, ModelArchitecture, Operator } from "./types.ts";
import { matrixBytes } from "./weight-bytes.ts";

type Gqa = Extract<AttentionSpec, { kind: "gqa" }>;
type Mla = Extract<AttentionSpec, { kind: "mla" }>;

/** The input norm and the attention block (up to and including `o_proj`) of one layer. */
export function attentionOperators(arch: ModelArchitecture, w: ResolvedWorkload, prefix = ""): Operator[] {
  const a = arch.attention;
  const ops = [rmsNormOp(w, `${prefix}attn.input_norm`, w.tokens, arch.hiddenSize)];
  switch (a.kind) {
    case "gqa":
      return [...ops, ...gqaOperators(arch, a, w, prefix)];
    case "mla":
      return [...ops, ...mlaOperators(arch, a, w, prefix)];
    default: {
      const unreachable: never = a;
      return unreachable;
    }
  }
}

/** What the attention core computes and moves, in FLOPs and bytes. */
interface CoreTraffic {
  readonly flops: number;
  readonly activationsReadBytes: number;
  readonly kvCacheReadBytes: number;
  readonly activationsWrittenBytes: number;
  readonly shape: AttentionShape;
}

/** The attention core (scores, softmax, values) as one fused kernel. */
function coreOp(w: ResolvedWorkload, p: string, t: CoreTraffic): Operator {
  return {
    name: `${p}attn.core`,
    class: w.forwardPhase === "decode" ? "attention-decode" : "attention-prefill",
    dtype: w.attentionDtype,
    flops: t.flops,
    bytesRead: { weights: 0, activations: t.activationsReadBytes, kvCache: t.kvCacheReadBytes },
    bytesWritten: { activations: t.activationsWrittenBytes, kvCache: 0 },
    attention: t.shape,
    kernels: 1,
  };
}

/** Rotary embedding over `elements` query/key elements. */
function rotaryOp(w: ResolvedWorkload, p: string, elements: number): Operator {
  return vectorOp(w, {
    name: `${p}attn.rotary`,
    flops: VECTOR_FLOPS_PER_ELEMENT.rotary * elements,
    readElements: elements,
    writeElements: elements,
  });
}

/** Writing the new tokens' `elementsPerToken` cache elements; nothing when no token is written. */
function kvCacheWriteOps(w: ResolvedWorkload, p: string, elementsPerToken: number): Operator[] {
  if (w.kvWriteTokens <= 0) return [];
  return [
    vectorOp(w, {
      name: `${p}attn.kv_cache_write`,
      flops: 0,
      readElements: w.kvWriteTokens * elementsPerToken,
      writeElements: 0,
      kvWriteBytes: w.kvWriteTokens * elementsPerToken * w.kvBytes,
    }),
  ];
}

/** What the attention core attends: per-query keys from the pair count; prefill and training are causal. */
function attentionShape(
  w: ResolvedWorkload,
  heads: number,
  qkHeadDim: number,
  vHeadDim: number,
): AttentionShape {
  return {
    queries: w.tokens,
    heads,
    qkHeadDim,
    vHeadDim,
    meanKeysPerQuery: w.tokens > 0 ? w.attendedTokenPairs / w.tokens : 0,
    causal: w.forwardPhase !== "decode",
  };
}

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

function gqaOperators(arch: ModelArchitecture, a: Gqa, w: ResolvedWorkload, p: string): Operator[] {
  const h = arch.hiddenSize;
  const T = w.tokens;
  const d = a.headDim;
  const hq = a.numHeads / w.attentionTp;
  const hkv = kvHeadsPerRank(a, w.attentionTp);
  const qkvWidth = (hq + 2 * hkv) * d;
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
        weightBytes: 2 * d * hp,
      }),
    );
  ops.push(rotaryOp(w, p, qkElements));
  const kvPerToken = 2 * hkv * d;
  ops.push(...kvCacheWriteOps(w, p, kvPerToken));
  // Decode reads every key/value from the cache (the new ones were just written); prefill and
  // training take the new tokens' K/V from activations and the cached context from the cache.
  const newFromActivations = w.forwardPhase === "decode" ? 0 : T;
  ops.push(
    coreOp(w, p, {
      flops: 4 * w.attendedTokenPairs * hq * d,
      activationsReadBytes: (T * hq * d + newFromActivations * kvPerToken) * w.actBytes,
      kvCacheReadBytes: w.kvReadTokens * kvPerToken * w.kvBytes,
      activationsWrittenBytes: T * hq * d * w.actBytes,
      shape: attentionShape(w, hq, d, d),
    }),
  );
  ops.push(
    gemmOp(w, {
      component: "attention",
      name: `${p}attn.o_proj`,
      rows: T,
      n: h,
      k: hq * d,
    }),
  );
  return ops;
}

function mlaOperators(arch: ModelArchitecture, a: Mla, w: ResolvedWorkload, p: string): Operator[] {
  const h = arch.hiddenSize;
  const T = w.tokens;
  const hr = a.numHeads / w.attentionTp;
  const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
  const latent = a.kvLoraRank + a.qkRopeHeadDim;
  const hp = bytesOfHighPrecision(w.weights);
  const aw = w.components.attention.weights;
  const ops: Operator[] = [];
  if (a.qLoraRank === null) {
    ops.push(
      gemmOp(w, {
        component: "attention",
        name: `${p}attn.q_proj`,
        rows: T,
        n: hr * qHead,
        k: h,
      }),
    );
    ops.push(
      gemmOp(w, {
        component: "attention",
        name: `${p}attn.kv_a_proj`,
        rows: T,
        n: latent,
        k: h,
      }),
    );
  } else {
    const q = a.qLoraRank;
    ops.push(
      gemmOp(w, {
        component: "attention",
        name: `${p}attn.qkv_a_proj`,
        rows: T,
        n: q + latent,
        k: h,
        weightBytes: matrixBytes(q, h, aw) + matrixBytes(latent, h, aw),
      }),
    );
  }
  const normWidth = (a.qLoraRank ?? 0) + a.kvLoraRank;
  ops.push(
    vectorOp(w, {
      name: `${p}attn.latent_norms`,
      flops: VECTOR_FLOPS_PER_ELEMENT.rmsNorm * T * normWidth,
      readElements: T * normWidth,
      writeElements: T * normWidth,
      weightBytes: normWidth * hp,
      kernels: a.qLoraRank === null ? 1 : 2,
    }),
  );
  if (a.qLoraRank !== null)
    ops.push(
      gemmOp(w, {
        component: "attention",
        name: `${p}attn.q_b_proj`,
        rows: T,
        n: hr * qHead,
        k: a.qLoraRank,
      }),
    );
  const ropeElements = T * (hr + 1) * a.qkRopeHeadDim;
  ops.push(rotaryOp(w, p, ropeElements));
  ops.push(...kvCacheWriteOps(w, p, latent));
  const fromActs = w.forwardPhase === "decode" ? 0 : T;
  const fromCache = w.kvReadTokens;
  const attended = fromActs + fromCache;
  const pairs = w.attendedTokenPairs;
  if (w.mlaForm === "naive") {
    const expand = gemmOp(w, {
      component: "attention",
      name: `${p}attn.kv_b_proj`,
      rows: attended,
      n: hr * (a.qkNopeHeadDim + a.vHeadDim),
      k: a.kvLoraRank,
    });
    ops.push({
      ...expand,
      bytesRead: {
        ...expand.bytesRead,
        activations: fromActs * a.kvLoraRank * w.actBytes,
        kvCache: fromCache * a.kvLoraRank * w.kvBytes,
      },
    });
    ops.push(
      coreOp(w, p, {
        flops: 2 * pairs * hr * qHead + 2 * pairs * hr * a.vHeadDim,
        activationsReadBytes:
          (T * hr * qHead + attended * hr * (a.qkNopeHeadDim + a.vHeadDim) + fromActs * a.qkRopeHeadDim) *
          w.actBytes,
        kvCacheReadBytes: fromCache * a.qkRopeHeadDim * w.kvBytes,
        activationsWrittenBytes: T * hr * a.vHeadDim * w.actBytes,
        shape: attentionShape(w, hr, qHead, a.vHeadDim),
      }),
    );
  } else {
    ops.push(
      gemmOp(w, {
        component: "attention",
        name: `${p}attn.q_absorb`,
        rows: T * hr,
        n: a.kvLoraRank,
        k: a.qkNopeHeadDim,
        groups: hr,
        weightBytes: matrixBytes(hr * a.qkNopeHeadDim, a.kvLoraRank, aw),
      }),
    );
    ops.push(
      coreOp(w, p, {
        flops: 2 * pairs * hr * latent + 2 * pairs * hr * a.kvLoraRank,
        activationsReadBytes: (T * hr * latent + fromActs * latent) * w.actBytes,
        kvCacheReadBytes: fromCache * latent * w.kvBytes,
        activationsWrittenBytes: T * hr * a.kvLoraRank * w.actBytes,
        shape: attentionShape(w, hr, latent, a.kvLoraRank),
      }),
    );
    ops.push(
      gemmOp(w, {
        component: "attention",
        name: `${p}attn.v_absorb`,
        rows: T * hr,
        n: a.vHeadDim,
        k: a.kvLoraRank,
        groups: hr,
        weightBytes: matrixBytes(hr * a.vHeadDim, a.kvLoraRank, aw),
      }),
    );
  }
  ops.push(
    gemmOp(w, {
      component: "attention",
      name: `${p}attn.o_proj`,
      rows: T,
      n: h,
      k: hr * a.vHeadDim,
    }),
  );
  return ops;
}
