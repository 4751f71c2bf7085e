/**
 * Reference cases: the operator microbenchmarks of ../shared/references (records cm384-065..080,
 * flashmla-h800, deepgemm-h800) and the kernel benchmarks added with their sources (DeepGEMM's
 * table, FlashAttention-3's forward figure), re-run through `operatorTime` on the catalog's chips, for
 * `supernode validate` and the perf tests. The records live in
 * `data/efficiency/microbenchmarks/operators.yaml`, each with its role (prediction or consistency) and
 * the record it duplicates, if any; how independent it is, `validate` derives (docs/validation.md).
 */
import { builtinCatalog, type ReferenceComparison } from "../catalog/index.ts";
import { type Chip, DTYPE_BYTES } from "../hardware/index.ts";
import { gatedDeltaPrefillOperator, type Operator } from "../model/index.ts";
import { GIGA, MICROSECOND, TERA } from "../spec/index.ts";
import { computeDevice } from "./device.ts";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { moeOpTime } from "./moe-op-case.ts";
import {
  type FlashAttentionSpec,
  type GatedDeltaPrefillSpec,
  type GqaDecodeSpec,
  type Measure,
  OPERATOR_BENCHMARK_FILE,
  type OperatorBenchmarkRecord,
  operatorBenchmarks,
} from "./operator-benchmark-file.ts";
import { operatorBytes, operatorTime } from "./operator-time.ts";

export {
  type OperatorBenchmarkFile,
  type OperatorBenchmarkRecord,
  operatorBenchmarks,
} from "./operator-benchmark-file.ts";

/** An operator-level comparison; several cases may share one calibration record. */
export interface OperatorReferenceCase extends ReferenceComparison {
  /** Chip the case runs on. */
  readonly chipId: string;
}

/**
 * Every operator reference case, predicted with the built-in catalog's chips (or `resolveChip`'s)
 * and their efficiency profiles.
 * @example operatorReferenceCases().find((c) => c.id === "cm384-071") // { predicted: 77.7, published: 77.4, ... }
 */
export function operatorReferenceCases(
  resolveChip: (id: string) => Chip = (id) => builtinCatalog().chip(id),
): OperatorReferenceCase[] {
  const file = operatorBenchmarks();
  return file.records.map((record) => {
    const source = file.sources[record.source];
    return {
      id: record.id,
      description: record.description,
      predicted: predictRecord(record, resolveChip(record.chip)),
      published: record.published,
      unit: MEASURE_UNITS[record.measure],
      source: source === undefined ? record.source : `${source.title}, ${source.url}, ${source.section}`,
      role: record.role,
      ...(record.duplicateOf !== undefined ? { duplicateOf: record.duplicateOf } : {}),
      chipId: record.chip,
    };
  });
}

const MEASURE_UNITS: Readonly<Record<Measure, string>> = {
  "compute-utilisation-pct": "% of peak",
  "achieved-bandwidth-GBps": "GB/s",
  "achieved-tflops": "TFLOPS",
  "step-time-per-kernel-us": "µs per kernel",
  "kernel-time-ms": "ms",
  "op-time-us": "µs",
};

/** The model's value of a record's measure on `chip`. */
function predictRecord(record: OperatorBenchmarkRecord, chip: Chip): number {
  const spec = record.operator;
  if (spec.kind === "moe-op") {
    if (record.measure !== "op-time-us" || record.engine === undefined)
      throw new Error(
        `${OPERATOR_BENCHMARK_FILE}: record ${record.id}: a moe-op record needs measure op-time-us and an engine`,
      );
    return moeOpTime(spec, record.engine, chip) / MICROSECOND;
  }
  const device = computeDevice(chip);
  const op = benchmarkOperator(record);
  const base = efficiencyProfileForChip(chip);
  const engine = record.engine;
  const profile =
    engine === undefined
      ? base
      : withEngineOverlays(base, {
          engine: engine.name,
          ...(engine.version !== undefined && { version: engine.version }),
          ...(spec.kind === "mla-decode" && { modelAttention: spec.topK ? "mla-sparse" : "mla-dense" }),
          ...(spec.kind === "gqa-decode" && { modelAttention: "gqa" }),
          ...(spec.kind === "flash-attention" &&
            spec.modelAttention !== undefined && { modelAttention: spec.modelAttention }),
        });
  const timing = operatorTime(op, device, profile);
  switch (record.measure) {
    case "compute-utilisation-pct": {
      const peak = device.peakFlopsPerS[timing.dtype]?.value ?? Number.NaN;
      return (100 * op.flops) / timing.timeS / peak;
    }
    case "achieved-bandwidth-GBps":
      return operatorBytes(op) / timing.timeS / GIGA;
    case "achieved-tflops":
      return op.flops / timing.timeS / TERA;
    case "step-time-per-kernel-us":
      return timing.timeS / MICROSECOND;
    case "kernel-time-ms":
      return timing.timeS * 1e3;
    case "op-time-us":
      return timing.timeS / MICROSECOND;
    default:
      return assertNever(record.measure);
  }
}

/** The operator a benchmark record describes. */
function benchmarkOperator(record: OperatorBenchmarkRecord): Operator {
  const spec = record.operator;
  switch (spec.kind) {
    case "gemm": {
      const groups = spec.groups ?? 1;
      const element = DTYPE_BYTES[spec.dtype];
      return {
        name: record.id,
        class: spec.class,
        dtype: spec.dtype,
        flops: 2 * spec.m * spec.n * spec.k * groups,
        bytesRead: {
          weights: groups * spec.k * spec.n * element,
          activations: groups * spec.m * spec.k * element,
          kvCache: 0,
        },
        bytesWritten: { activations: groups * spec.m * spec.n * spec.outputBytesPerElement, kvCache: 0 },
        shape: { m: spec.m, n: spec.n, k: spec.k, ...(spec.groups !== undefined && { groups: spec.groups }) },
        ...(spec.scheme !== undefined && spec.scheme !== "none" && { weightScheme: spec.scheme }),
        kernels: spec.kernels ?? 1,
      };
    }
    case "mla-decode": {
      // Absorbed MLA (MQA form) with DeepSeek-V3 dimensions: keys are the 512-wide latent plus the
      // 64-wide RoPE part (576), values the latent (512); one KV head shared by all query heads.
      const qkDim = 576;
      const vDim = 512;
      // Sparse: every query token gathers its own top-k rows (FlashMLA's indices per query token).
      const element = DTYPE_BYTES[spec.dtype];
      const queries = spec.batch * spec.queryTokens * spec.queryHeads;
      const keys = spec.topK === undefined ? spec.kvLength : Math.min(spec.topK, spec.kvLength);
      const rows =
        spec.topK === undefined ? spec.batch * spec.kvLength : spec.batch * spec.queryTokens * keys;
      const rowBytes = spec.kvBytesPerToken ?? qkDim * element;
      return {
        name: record.id,
        class: "attention-decode",
        dtype: spec.dtype,
        flops: 2 * queries * keys * (qkDim + vDim),
        bytesRead: { weights: 0, activations: queries * qkDim * element, kvCache: rows * rowBytes },
        bytesWritten: { activations: queries * vDim * element, kvCache: 0 },
        attention: {
          queries: spec.batch * spec.queryTokens,
          heads: spec.queryHeads,
          qkHeadDim: qkDim,
          vHeadDim: vDim,
          meanKeysPerQuery: keys,
          causal: false,
          queryTokensPerSequence: spec.queryTokens,
          ...(spec.topK !== undefined && { sparse: true }),
        },
        kernels: spec.kernels ?? 1,
      };
    }
    case "gqa-decode":
      return gqaDecodeOperator(record.id, spec);
    case "flash-attention":
      return flashAttentionOperator(record.id, spec);
    case "empty-kernel":
      return {
        name: record.id,
        class: spec.class,
        dtype: "bf16",
        flops: 0,
        bytesRead: { weights: 0, activations: 0, kvCache: 0 },
        bytesWritten: { activations: 0, kvCache: 0 },
        kernels: 1,
      };
    case "gated-delta-prefill":
      return gatedDeltaBenchmarkOperator(record.id, spec);
    case "moe-op":
      throw new Error(`record ${record.id}: a moe-op record is several operators (moe-op-case.ts)`);
    default:
      return assertNever(spec);
  }
}

/**
 * A GQA decode core as the step model builds it (gqa-operators.ts): each sequence's query heads
 * read its `min(kvLength, window)` cached keys and values of every KV head once.
 */
function gqaDecodeOperator(id: string, spec: GqaDecodeSpec): Operator {
  const element = DTYPE_BYTES[spec.dtype];
  const keys = Math.min(spec.kvLength, spec.window ?? spec.kvLength);
  const queryElements = spec.batch * spec.queryHeads * spec.headDim;
  return {
    name: id,
    class: "attention-decode",
    dtype: spec.dtype,
    flops: 2 * spec.batch * keys * spec.queryHeads * 2 * spec.headDim,
    bytesRead: {
      weights: 0,
      activations: queryElements * element,
      kvCache: spec.batch * keys * spec.kvHeads * 2 * spec.headDim * DTYPE_BYTES[spec.kvDtype],
    },
    bytesWritten: { activations: queryElements * element, kvCache: 0 },
    attention: {
      queries: spec.batch,
      heads: spec.queryHeads,
      qkHeadDim: spec.headDim,
      vHeadDim: spec.headDim,
      meanKeysPerQuery: keys,
      causal: false,
      queryTokensPerSequence: 1,
      kvHeads: spec.kvHeads,
      kvElementBytes: DTYPE_BYTES[spec.kvDtype],
    },
    kernels: spec.kernels ?? 1,
  };
}

/**
 * FLA's chunked gated-delta-rule chain over the record's sequences: the longest sets the state
 * kernel's walk (the tables' mixed lengths: 6144+2048 walks 96 chunks), the chain's bytes over all tokens.
 */
function gatedDeltaBenchmarkOperator(id: string, spec: GatedDeltaPrefillSpec): Operator {
  const tokens = spec.seqLens.reduce((a, b) => a + b, 0);
  const shape = {
    tokens,
    sequences: spec.seqLens.length,
    longestSequence: Math.max(...spec.seqLens),
    keyHeads: spec.keyHeads,
    valueHeads: spec.valueHeads,
    keyHeadDim: spec.headDim,
    valueHeadDim: spec.headDim,
    dtype: spec.dtype,
  };
  const chain = gatedDeltaPrefillOperator(id, shape, 0);
  if (spec.qkL2Norm !== true) return chain;
  // In-kernel q / k L2 norm (SGLang's call): q and k read and written once more, two more launches.
  const qk = 2 * tokens * spec.keyHeads * spec.headDim * DTYPE_BYTES[spec.dtype];
  return {
    ...chain,
    bytesRead: { ...chain.bytesRead, activations: chain.bytesRead.activations + qk },
    bytesWritten: { ...chain.bytesWritten, activations: chain.bytesWritten.activations + qk },
    kernels: chain.kernels + 2,
  };
}

/**
 * Prefill attention as FlashAttention's benchmark counts it: 2·B·H·S²·(d_qk + d_v) FLOPs (4·B·H·S²·d
 * when the head dims are equal), half under a causal mask; Q, K, V read and O written once.
 */
function flashAttentionOperator(id: string, spec: FlashAttentionSpec): Operator {
  const element = DTYPE_BYTES[spec.dtype];
  const tokens = spec.batch * spec.seqLen;
  const vDim = spec.vHeadDim ?? spec.headDim;
  const full = 2 * spec.batch * spec.heads * spec.seqLen * spec.seqLen * (spec.headDim + vDim);
  const perToken = spec.heads * element;
  const qkvo = tokens * perToken * (2 * spec.headDim + 2 * vDim);
  return {
    name: id,
    class: "attention-prefill",
    dtype: spec.dtype,
    flops: spec.causal ? full / 2 : full,
    bytesRead: { weights: 0, activations: qkvo - tokens * perToken * vDim, kvCache: 0 },
    bytesWritten: { activations: tokens * perToken * vDim, kvCache: 0 },
    attention: {
      queries: tokens,
      heads: spec.heads,
      qkHeadDim: spec.headDim,
      vHeadDim: vDim,
      meanKeysPerQuery: spec.causal ? (spec.seqLen + 1) / 2 : spec.seqLen,
      causal: spec.causal,
    },
    kernels: 1,
  };
}

function assertNever(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}
