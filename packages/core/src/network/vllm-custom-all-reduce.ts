/**
 * vLLM's own tensor-parallel all-reduce on NVLink (`packages/core/data/fabric/vllm-custom-all-reduce.yaml`):
 * the custom kernel of csrc/custom_all_reduce.cuh, one-stage (every rank loads all n − 1 peer buffers)
 * at 2 ranks and below a size, two-stage (reduce-scatter + all-gather, 2 × (n − 1) / n × S loaded)
 * above. It runs at its world sizes, on one host's NVLink-connected GPUs (vLLM disables it for a group
 * that spans nodes, even within one NVLink domain such as an NVL72 rack), below its max size; NCCL
 * runs otherwise.
 * vLLM does not time the two: below the limit the custom kernel runs even where NCCL is faster.
 */

import { z } from "zod";
import { builtinParsedOnce } from "../catalog/index.ts";
import {
  calibratedOnSchema,
  compareVersions,
  engineReleaseSchema,
  GIGA,
  keyedSourcedValueSchema,
  keyedSourceFields,
  MICROSECOND,
  parseDocument,
  sourceKeyCheck,
  sourcesBlockSchema,
} from "../spec/index.ts";
import type { FabricModel } from "./fabric-model.ts";

const sourced = { ...keyedSourceFields, calibratedOn: calibratedOnSchema.optional() };
const positive = keyedSourcedValueSchema(z.number().finite().positive());
const nonNegative = keyedSourcedValueSchema(z.number().finite().nonnegative());
const fileSchema = z.strictObject({
  sources: sourcesBlockSchema,
  engine: z.strictObject({
    name: z.string().min(1),
    maxBytes: positive,
    symmetricMemoryIn: z.strictObject({
      value: z
        .array(z.strictObject({ from: engineReleaseSchema, below: engineReleaseSchema.optional() }))
        .min(1),
      ...sourced,
    }),
    worldSizes: z.strictObject({ value: z.array(z.number().int().min(2)).min(1), ...sourced }),
    oneStageBelowBytes: z.strictObject({ fourRanks: positive, eightRanks: positive }),
  }),
  generations: z.array(
    z.strictObject({
      match: z.string().min(1),
      fixedUs: nonNegative,
      perPeerUs: nonNegative,
      capsWithSymmetricMemory: z.strictObject({
        value: z.record(z.string().regex(/^\d+$/, "a world size"), z.number().positive()),
        ...sourced,
      }),
      peerLoadGBps: positive,
    }),
  ),
});

export interface VllmCustomAllReduceParams {
  /** The engine (scenario `engine.name`) that runs the kernel. */
  readonly engine: string;
  /** Messages of this many bytes and more go to NCCL. */
  readonly maxBytes: number;
  /** Version ranges whose default runs torch symmetric memory (then the generation's caps hold). */
  readonly symmetricMemoryIn: readonly { readonly from: string; readonly below?: string }[];
  readonly worldSizes: readonly number[];
  /** One-stage below these sizes at ≤ 4 and ≤ 8 ranks (always at 2). */
  readonly oneStageBelowBytesFourRanks: number;
  readonly oneStageBelowBytesEightRanks: number;
  /** Per NVLink generation (matched against the scale-up technology label): seconds, bytes/s. */
  readonly generations: readonly {
    readonly match: RegExp;
    readonly fixedS: number;
    readonly perPeerS: number;
    /** The custom kernel's size cap by world size where symmetric memory runs. */
    readonly capsWithSymmetricMemory: ReadonlyMap<number, number>;
    readonly peerLoadBytesPerS: number;
  }[];
}

/**
 * Parses a vLLM custom all-reduce file's text; every source key must be defined in the file.
 * @example parseVllmCustomAllReduce(text, "vllm-custom-all-reduce.yaml").engine // "vllm"
 */
export function parseVllmCustomAllReduce(text: string, fileName: string): VllmCustomAllReduceParams {
  const doc = parseDocument(text, fileName, fileSchema);
  const check = sourceKeyCheck(doc.sources, fileName);
  const e = doc.engine;
  check(e.maxBytes.source, ["engine", "maxBytes"]);
  check(e.worldSizes.source, ["engine", "worldSizes"]);
  check(e.symmetricMemoryIn.source, ["engine", "symmetricMemoryIn"]);
  check(e.oneStageBelowBytes.fourRanks.source, ["engine", "oneStageBelowBytes", "fourRanks"]);
  check(e.oneStageBelowBytes.eightRanks.source, ["engine", "oneStageBelowBytes", "eightRanks"]);
  for (const [i, g] of doc.generations.entries())
    for (const field of ["fixedUs", "perPeerUs", "capsWithSymmetricMemory", "peerLoadGBps"] as const)
      check(g[field].source, ["generations", i, field]);
  return {
    engine: e.name,
    maxBytes: e.maxBytes.value,
    symmetricMemoryIn: e.symmetricMemoryIn.value.map((r) => ({
      from: r.from,
      ...(r.below !== undefined ? { below: r.below } : {}),
    })),
    worldSizes: e.worldSizes.value,
    oneStageBelowBytesFourRanks: e.oneStageBelowBytes.fourRanks.value,
    oneStageBelowBytesEightRanks: e.oneStageBelowBytes.eightRanks.value,
    generations: doc.generations.map((g) => ({
      match: new RegExp(g.match, "i"),
      fixedS: g.fixedUs.value * MICROSECOND,
      perPeerS: g.perPeerUs.value * MICROSECOND,
      capsWithSymmetricMemory: new Map(
        Object.entries(g.capsWithSymmetricMemory.value).map(([n, b]) => [Number(n), b]),
      ),
      peerLoadBytesPerS: g.peerLoadGBps.value * GIGA,
    })),
  };
}

/**
 * The built-in vLLM custom all-reduce parameters (memoised).
 * @example builtinVllmCustomAllReduce().maxBytes // 8388608
 */
export const builtinVllmCustomAllReduce: () => VllmCustomAllReduceParams = builtinParsedOnce(
  "fabric/vllm-custom-all-reduce.yaml",
  parseVllmCustomAllReduce,
);

/**
 * Whether the kernel takes its one-stage path for `bytes` over `ranks` ranks (custom_all_reduce.cuh).
 * @example oneStage(4, 65536) // true
 */
export function oneStage(ranks: number, bytes: number, params = builtinVllmCustomAllReduce()): boolean {
  if (ranks <= 2) return true;
  if (ranks <= 4 && bytes < params.oneStageBelowBytesFourRanks) return true;
  return ranks <= 8 && bytes < params.oneStageBelowBytesEightRanks;
}

/**
 * Whether vLLM `version` runs torch symmetric memory by default (undefined: not).
 * @example runsSymmetricMemory("0.11.0") // true
 */
export function runsSymmetricMemory(
  version: string | undefined,
  params = builtinVllmCustomAllReduce(),
): boolean {
  if (version === undefined) return false;
  return params.symmetricMemoryIn.some(
    (r) =>
      compareVersions(version, r.from) >= 0 &&
      (r.below === undefined || compareVersions(version, r.below) < 0),
  );
}

/**
 * Seconds of `engine`'s TP all-reduce of `bytes` over `ranks` ranks where it is vLLM's custom kernel
 * at `version`; undefined where another path runs (another engine, a world size or message the kernel
 * refuses, ranks beyond one server (host), a generation without an entry).
 * @example vllmCustomAllReduceS("vllm", "0.11.1", fabricModel(dgxB200), 2, 2 ** 21) // ≈ 2.11e-5
 */
export function vllmCustomAllReduceS(
  engine: string,
  version: string | undefined,
  model: FabricModel,
  ranks: number,
  bytes: number,
  params: VllmCustomAllReduceParams = builtinVllmCustomAllReduce(),
): number | undefined {
  if (engine !== params.engine || bytes <= 0 || bytes >= params.maxBytes) return undefined;
  if (!params.worldSizes.includes(ranks) || ranks > model.ranksPerServer || model.scaleUpTech.id !== "nvlink")
    return undefined;
  const g = params.generations.find((x) => x.match.test(model.system.scaleUp.technology));
  if (g === undefined) return undefined;
  if (runsSymmetricMemory(version, params) && bytes >= (g.capsWithSymmetricMemory.get(ranks) ?? 0))
    return undefined;
  return (
    g.fixedS + g.perPeerS * (ranks - 1) + vllmCustomLoadedBytes(ranks, bytes, params) / g.peerLoadBytesPerS
  );
}

/**
 * Bytes each rank loads from its peers in vLLM's custom all-reduce of `bytes` over `ranks` ranks:
 * (n − 1) × S on the one-stage path, 2 × (n − 1) / n × S on the two-stage path.
 * @example vllmCustomLoadedBytes(8, 2 ** 22) // 7340032 (two-stage: 2 × 7 / 8 × 4 MiB)
 */
export function vllmCustomLoadedBytes(
  ranks: number,
  bytes: number,
  params: VllmCustomAllReduceParams = builtinVllmCustomAllReduce(),
): number {
  return oneStage(ranks, bytes, params) ? (ranks - 1) * bytes : (2 * (ranks - 1) * bytes) / ranks;
}
