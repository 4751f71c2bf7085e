/**
 * Multi-head latent attention (MLA) operators of one layer on one rank, in its two forms (see
 * attention-operators.ts): the low-rank projections and latent norms, then either the naive core
 * (expand the latent with `kv_b_proj`, ordinary MHA) or the absorbed core (`q_absorb`, MQA over
 * the latent, `v_absorb`), then `o_proj`. Heads split over attention TP; the latent is replicated.
 */
import {
  attentionShape,
  coreOp,
  kvCacheWriteOps,
  outputProjectionOp,
  rotaryOp,
} from "./attention-core-ops.ts";
import { indexerOperators, sparseCoreWorkload } from "./dsa-indexer-operators.ts";
import { type MlaLatentCacheBytes, mlaLatentCacheBytes } from "./kv-cache.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { mlaStagingOps } from "./mla-staging-ops.ts";
import { bytesOfHighPrecision, gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import type { AttentionSpec, ModelArchitecture, Operator } from "./types.ts";
import { matrixBytes } from "./weight-bytes.ts";

type Mla = Extract<AttentionSpec, { kind: "mla" }>;

/**
 * Tokens whose latent the core attends: new ones from activations (not in decode), cached ones from
 * the cache, each cached entry `entry` bytes (kv-cache.ts `mlaLatentCacheBytes`).
 */
interface LatentSources {
  readonly fromActs: number;
  readonly fromCache: number;
  readonly entry: MlaLatentCacheBytes;
}

/**
 * MLA: projections and norms, rotary, cache write, the naive or absorbed core, `o_proj`. With
 * DeepSeek Sparse Attention the indexer runs over the whole context and the core over its top-k
 * keys per query (dsa-indexer-operators.ts).
 */
export function mlaOperators(arch: ModelArchitecture, a: Mla, full: ResolvedWorkload, p: string): Operator[] {
  const h = arch.hiddenSize;
  const T = full.tokens;
  const hr = a.numHeads / full.attentionTp;
  const latent = a.kvLoraRank + a.qkRopeHeadDim;
  const ops = mlaProjectionOps(a, full, p, h, hr);
  const ropeElements = T * (hr + 1) * a.qkRopeHeadDim;
  ops.push(rotaryOp(full, p, ropeElements));
  const entry = mlaLatentCacheBytes(a, full.kvDtype);
  ops.push(...kvCacheWriteOps(full, p, latent, entry.latent + entry.rope));
  // A shared-indexer layer (GLM-5.2) reuses an earlier layer's top-k: no indexer of its own.
  if (a.sparse !== undefined && a.sparse.sharedTopK !== true)
    ops.push(...indexerOperators(a.sparse, a.qLoraRank ?? h, h, a.qkRopeHeadDim, full, p));
  const w = a.sparse === undefined ? full : sparseCoreWorkload(full, a.sparse.topK);
  const sources: LatentSources = {
    fromActs: w.forwardPhase === "decode" ? 0 : T,
    fromCache: w.kvReadTokens,
    entry,
  };
  // The sparse prefill kernel computes padding heads where the engine pads them (dsaHeadPad).
  const pad = a.sparse !== undefined && w.forwardPhase !== "decode" ? w.dsaHeadPad : undefined;
  const kernelHeads = pad === undefined ? hr : Math.ceil(hr / pad) * pad;
  const core =
    w.mlaForm === "naive"
      ? mlaNaiveCoreOps(a, w, p, hr, sources)
      : mlaAbsorbedCoreOps(a, w, p, hr, sources, kernelHeads);
  // The DSA core gathers its keys by the indexer's top-k: the sparse kernel's efficiency applies.
  const staging =
    a.sparse !== undefined && w.mlaForm === "absorbed" && w.dsaStagingCopies && w.forwardPhase !== "decode"
      ? mlaStagingOps(a, w, p, hr, kernelHeads, T + full.kvReadTokens, entry, a.sparse.topK)
      : [];
  ops.push(...staging, ...(a.sparse === undefined ? core : core.map(markSparse)));
  ops.push(outputProjectionOp(w, p, h, hr * a.vHeadDim));
  return ops;
}

/** Query and latent projections (fused `qkv_a_proj` with a query LoRA), the latent norms and `q_b_proj`. */
function mlaProjectionOps(a: Mla, w: ResolvedWorkload, p: string, h: number, hr: number): Operator[] {
  const T = w.tokens;
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
  return ops;
}

/** Naive form: expand every attended latent with `kv_b_proj`, then MHA with head dim nope + rope. */
function mlaNaiveCoreOps(a: Mla, w: ResolvedWorkload, p: string, hr: number, src: LatentSources): Operator[] {
  const T = w.tokens;
  const qHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
  const { fromActs, fromCache, entry } = src;
  const attended = fromActs + fromCache;
  const pairs = w.attendedTokenPairs;
  const ops: Operator[] = [];
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
      kvCache: fromCache * entry.latent,
    },
  });
  ops.push(
    coreOp(w, p, {
      flops: 2 * pairs * hr * qHead + 2 * pairs * hr * a.vHeadDim,
      activationsReadBytes:
        (T * hr * qHead + attended * hr * (a.qkNopeHeadDim + a.vHeadDim) + fromActs * a.qkRopeHeadDim) *
        w.actBytes,
      kvCacheReadBytes: fromCache * entry.rope,
      activationsWrittenBytes: T * hr * a.vHeadDim * w.actBytes,
      shape: attentionShape(w, hr, qHead, a.vHeadDim),
    }),
  );
  return ops;
}

/**
 * Absorbed form: `W_UK` folded into the query, MQA over the cached latent, `W_UV` folded into the
 * output; the core kernel runs `kernelHeads` query heads (the rank's, or a padded count).
 */
function mlaAbsorbedCoreOps(
  a: Mla,
  w: ResolvedWorkload,
  p: string,
  hr: number,
  src: LatentSources,
  kernelHeads = hr,
): Operator[] {
  const T = w.tokens;
  const latent = a.kvLoraRank + a.qkRopeHeadDim;
  const aw = w.components.attention.weights;
  const { fromActs, fromCache, entry } = src;
  const pairs = w.attendedTokenPairs;
  const ops: Operator[] = [];
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
      flops: 2 * pairs * kernelHeads * latent + 2 * pairs * kernelHeads * a.kvLoraRank,
      activationsReadBytes: (T * kernelHeads * latent + fromActs * latent) * w.actBytes,
      kvCacheReadBytes: fromCache * (entry.latent + entry.rope),
      activationsWrittenBytes: T * kernelHeads * a.kvLoraRank * w.actBytes,
      shape: attentionShape(w, kernelHeads, latent, a.kvLoraRank),
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
  return ops;
}

/** The attention core of a DSA layer, flagged as attending keys gathered by index. */
function markSparse(op: Operator): Operator {
  return op.attention === undefined ? op : { ...op, attention: { ...op.attention, sparse: true } };
}
