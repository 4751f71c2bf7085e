/**
 * DeepSeek-V4's compressed attention operators of one layer on one rank (compressed-attention.ts
 * has the architecture): the query and shared key = value projections, the window cache write,
 * the compressor (ratio > 0) and the lightning indexer over compressed entries (ratio 4), the
 * sparse core over window + compressed keys, and the grouped low-rank output projection. Heads and
 * output groups split over attention TP; the key projection, compressors and indexer are
 * replicated (as MLA's latent).
 *
 * Core: each query attends the window (its last `window` tokens) plus, at ratio 128, every
 * compressed entry before it (context / 128), at ratio 4 the indexer's top-k of context / 4
 * entries, at ratio 0 nothing more — one FlashMLA sparse kernel over both sets (MODEL1: the window
 * as its "extra" KV). Scores and values are head_dim wide (the value is the key).
 */
import { attentionShape, coreOp, kvCacheWriteOps, rotaryOp } from "./attention-core-ops.ts";
import {
  type CompressedMla,
  compressedEntryBytes,
  compressorOverlap,
  INDEXED_RATIO,
} from "./compressed-attention.ts";
import { indexerOperators, sparseCoreWorkload } from "./dsa-indexer-operators.ts";
import type { ResolvedWorkload } from "./layer-work.ts";
import { gemmOp, VECTOR_FLOPS_PER_ELEMENT, vectorOp } from "./operator-builder.ts";
import { windowedWorkload } from "./sliding-window.ts";
import type { ModelArchitecture, Operator } from "./types.ts";
import { matrixBytes } from "./weight-bytes.ts";

/** The workload over compressed entries: pairs, reads and writes divided by the ratio. */
function compressedWorkload(w: ResolvedWorkload, ratio: number): ResolvedWorkload {
  return {
    ...w,
    attendedTokenPairs: w.attendedTokenPairs / ratio,
    kvReadTokens: w.kvReadTokens / ratio,
    kvWriteTokens: w.kvWriteTokens / ratio,
  };
}

/**
 * One compressor (the main one at head_dim, the indexer's at index_head_dim): its projection to
 * values and gate logits, then the softmax pool of every `ratio` tokens, norm, RoPE and cache write.
 */
function compressorOps(
  w: ResolvedWorkload,
  name: string,
  hidden: number,
  width: number,
  coff: number,
  ratio: number,
  entryBytes: number,
): Operator[] {
  const T = w.tokens;
  const projected = T * 2 * coff * width;
  return [
    gemmOp(w, {
      component: "attention",
      name: `${name}.kv_gate_proj`,
      rows: T,
      n: 2 * coff * width,
      k: hidden,
    }),
    vectorOp(w, {
      name: `${name}.pool`,
      // Estimate, one FLOP per add, multiply or transcendental: bias add (1), softmax (≈ 4), weighted
      // sum (1) per projected element; then norm and rotary of each pooled entry.
      flops: 6 * projected + (VECTOR_FLOPS_PER_ELEMENT.rmsNorm + 1) * (T / ratio) * width,
      readElements: projected,
      writeElements: 0,
      weightBytes: ratio * coff * width * 2,
      kvWriteBytes: (w.kvWriteTokens / ratio) * entryBytes,
    }),
  ];
}

/**
 * Operators of a V4 attention block of compression ratio `ratio` (after the input norm).
 * @example compressedAttentionOperators(arch, arch.attention, w, "", 4).map((o) => o.name)
 */
export function compressedAttentionOperators(
  arch: ModelArchitecture,
  a: CompressedMla,
  full: ResolvedWorkload,
  p: string,
  ratio: number,
): Operator[] {
  const h = arch.hiddenSize;
  const T = full.tokens;
  const hr = a.numHeads / full.attentionTp;
  const head = a.kvLoraRank + a.qkRopeHeadDim;
  const q = a.qLoraRank ?? h;
  const aw = full.components.attention.weights;
  const entry = compressedEntryBytes(a, full.kvDtype);
  const ops: Operator[] = [
    gemmOp(full, {
      component: "attention",
      name: `${p}attn.qkv_a_proj`,
      rows: T,
      n: (a.qLoraRank ?? 0) + head,
      k: h,
      weightBytes: (a.qLoraRank === null ? 0 : matrixBytes(q, h, aw)) + matrixBytes(head, h, aw),
    }),
    vectorOp(full, {
      name: `${p}attn.latent_norms`,
      flops: VECTOR_FLOPS_PER_ELEMENT.rmsNorm * T * ((a.qLoraRank ?? 0) + head),
      readElements: T * ((a.qLoraRank ?? 0) + head),
      writeElements: T * ((a.qLoraRank ?? 0) + head),
      weightBytes: ((a.qLoraRank ?? 0) + head) * 2,
      kernels: a.qLoraRank === null ? 1 : 2,
    }),
    gemmOp(full, { component: "attention", name: `${p}attn.q_b_proj`, rows: T, n: hr * head, k: q }),
    vectorOp(full, {
      name: `${p}attn.q_head_norm`,
      // Estimate: an unweighted RMSNorm per head (square, sum, scale, multiply: 4 per element).
      flops: 4 * T * hr * head,
      readElements: T * hr * head,
      writeElements: T * hr * head,
    }),
    // RoPE on the queries and the key, and the inverse rotation of the output's rope part.
    rotaryOp(full, p, T * (2 * hr + 1) * a.qkRopeHeadDim),
    ...kvCacheWriteOps(full, p, head, entry),
  ];
  const window = windowedWorkload(full, a.compressed.window);
  let pairs = window.attendedTokenPairs;
  let rows = window.kvReadTokens;
  if (ratio > 0) {
    ops.push(...compressorOps(full, `${p}attn.compressor`, h, head, compressorOverlap(ratio), ratio, entry));
    const compressed = compressedWorkload(full, ratio);
    let attended = compressed;
    if (ratio === INDEXED_RATIO && a.sparse !== undefined) {
      const s = a.sparse;
      ops.push(
        ...compressorOps(full, `${p}attn.indexer`, h, s.indexHeadDim, 2, ratio, 0),
        ...indexerOperators(s, q, h, a.qkRopeHeadDim, compressed, p, false),
      );
      attended = sparseCoreWorkload(compressed, s.topK);
    }
    pairs += attended.attendedTokenPairs;
    rows += attended.kvReadTokens;
  }
  const core = { ...full, attendedTokenPairs: pairs, kvReadTokens: rows };
  const pad = full.forwardPhase !== "decode" ? full.dsaHeadPad : undefined;
  const kh = pad === undefined ? hr : Math.ceil(hr / pad) * pad;
  const fromActs = full.forwardPhase === "decode" ? 0 : T;
  const op = coreOp(core, p, {
    flops: 4 * pairs * kh * head,
    activationsReadBytes: (T * kh * head + fromActs * head) * full.actBytes,
    kvCacheReadBytes: rows * entry,
    activationsWrittenBytes: T * kh * head * full.actBytes,
    shape: { ...attentionShape(core, kh, head, head), sparse: true },
  });
  ops.push(op);
  // The rank's heads form hr × g / heads output groups; a rank holding part of one group (TP above
  // o_groups) projects its share of the group's input (a partial sum, reduced with the output).
  const { outputGroups: g, outputRank: rank } = a.compressed;
  const groups = Math.max(1, (hr * g) / a.numHeads);
  const groupInput = Math.min((a.numHeads * head) / g, hr * head);
  ops.push(
    gemmOp(full, {
      component: "attention-output",
      name: `${p}attn.o_a_proj`,
      rows: T * groups,
      n: rank,
      k: groupInput,
      groups,
    }),
    gemmOp(full, {
      component: "attention-output",
      name: `${p}attn.o_b_proj`,
      rows: T,
      n: h,
      k: groups * rank,
    }),
  );
  return ops;
}
