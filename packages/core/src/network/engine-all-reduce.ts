/**
 * A serving engine's own tensor-parallel all-reduce kernel at decode sizes
 * (`packages/core/data/fabric/engine-all-reduce.yaml`): TensorRT-LLM's one-shot (Lamport) kernel,
 * one NVLink pass whatever the ranks — every rank writes its buffer into each peer's workspace and
 * reduces the copies it receives. Time: a fixed cost per call and a cost per peer (per NVLink
 * generation, from the engine's own kernel tables) plus (n − 1) × S over the rank's NVLink bandwidth
 * per direction. The engine takes the faster of this and NCCL (its strategy table picks the fastest
 * kernel); an engine or NVLink generation without an entry runs NCCL.
 */

import { z } from "zod";
import { builtinParsedOnce } from "../catalog/index.ts";
import {
  calibratedOnSchema,
  keyedSourcedValueSchema,
  keyedSourceFields,
  MICROSECOND,
  parseDocument,
  sourceKeyCheck,
  sourcesBlockSchema,
} from "../spec/index.ts";
import type { FabricModel } from "./fabric-model.ts";
import { vllmCustomAllReduceS, vllmCustomLoadedBytes } from "./vllm-custom-all-reduce.ts";

const sourced = { ...keyedSourceFields, calibratedOn: calibratedOnSchema.optional() };
const microseconds = keyedSourcedValueSchema(z.number().finite().nonnegative());
const fileSchema = z.strictObject({
  sources: sourcesBlockSchema,
  engines: z.record(
    z.string(),
    z.strictObject({
      value: z.literal("one-shot"),
      maxTokensAboveTwoRanks: z.number().int().positive(),
      workspaceBytes: z.strictObject({ twoRanks: z.number().positive(), moreRanks: z.number().positive() }),
      ...sourced,
    }),
  ),
  oneShot: z.array(
    z.strictObject({ match: z.string().min(1), fixedUs: microseconds, perPeerUs: microseconds }),
  ),
});

/** Where an engine runs its one-shot kernel rather than NCCL. */
export interface OneShotEngine {
  /** Above 2 ranks, the most tokens per all-reduce that run the one-shot kernel. */
  readonly maxTokensAboveTwoRanks: number;
  /** The largest message (bytes) the kernel's workspace holds, at ≤ 2 ranks and above. */
  readonly workspaceBytesTwoRanks: number;
  readonly workspaceBytesMoreRanks: number;
}

export interface EngineAllReduceParams {
  /** Engines (scenario `engine.name`) whose TP all-reduce runs the one-shot kernel, with its limits. */
  readonly oneShotEngines: ReadonlyMap<string, OneShotEngine>;
  /** Per NVLink generation (matched against the scale-up technology label): seconds. */
  readonly oneShot: readonly { readonly match: RegExp; readonly fixedS: number; readonly perPeerS: number }[];
}

/**
 * Parses an engine all-reduce file's text; every source key must be defined in the file.
 * @example parseEngineAllReduce(text, "engine-all-reduce.yaml").oneShotEngines.has("trtllm") // true
 */
export function parseEngineAllReduce(text: string, fileName: string): EngineAllReduceParams {
  const doc = parseDocument(text, fileName, fileSchema);
  const check = sourceKeyCheck(doc.sources, fileName);
  for (const [name, e] of Object.entries(doc.engines)) check(e.source, ["engines", name]);
  for (const [i, g] of doc.oneShot.entries()) {
    check(g.fixedUs.source, ["oneShot", i, "fixedUs"]);
    check(g.perPeerUs.source, ["oneShot", i, "perPeerUs"]);
  }
  return {
    oneShotEngines: new Map(
      Object.entries(doc.engines).map(([name, e]) => [
        name,
        {
          maxTokensAboveTwoRanks: e.maxTokensAboveTwoRanks,
          workspaceBytesTwoRanks: e.workspaceBytes.twoRanks,
          workspaceBytesMoreRanks: e.workspaceBytes.moreRanks,
        },
      ]),
    ),
    oneShot: doc.oneShot.map((g) => ({
      match: new RegExp(g.match, "i"),
      fixedS: g.fixedUs.value * MICROSECOND,
      perPeerS: g.perPeerUs.value * MICROSECOND,
    })),
  };
}

/**
 * The built-in engine all-reduce parameters (memoised).
 * @example builtinEngineAllReduce().oneShotEngines.has("vllm") // false
 */
export const builtinEngineAllReduce: () => EngineAllReduceParams = builtinParsedOnce(
  "fabric/engine-all-reduce.yaml",
  parseEngineAllReduce,
);

/**
 * Whether `engine` runs its one-shot kernel for an all-reduce of `tokens` rows, `bytes` in all, over
 * `ranks` ranks (its token rule above 2 ranks and its workspace); NCCL otherwise.
 * @example runsOneShot("trtllm", 4, 256, 2 ** 21) // false: above 128 tokens at TP4
 */
export function runsOneShot(
  engine: string,
  ranks: number,
  tokens: number,
  bytes: number,
  params: EngineAllReduceParams = builtinEngineAllReduce(),
): boolean {
  const e = params.oneShotEngines.get(engine);
  if (e === undefined) return false;
  if (bytes > (ranks <= 2 ? e.workspaceBytesTwoRanks : e.workspaceBytesMoreRanks)) return false;
  return ranks <= 2 || tokens <= e.maxTokensAboveTwoRanks;
}

/**
 * Seconds of the one-shot all-reduce of `bytes` over `ranks` ranks of one NVLink domain, or
 * undefined where the fabric's NVLink generation has no entry, the ranks leave the domain, or there
 * is nothing to reduce.
 * @example oneShotAllReduceS(fabricModel(dgxB200), 4, 8192) // ≈ 4.77e-6
 */
export function oneShotAllReduceS(
  model: FabricModel,
  ranks: number,
  bytes: number,
  params: EngineAllReduceParams = builtinEngineAllReduce(),
): number | undefined {
  if (ranks <= 1 || bytes <= 0 || ranks > model.ranksPerSystem || model.scaleUpTech.id !== "nvlink")
    return undefined;
  const g = params.oneShot.find((x) => x.match.test(model.system.scaleUp.technology));
  if (g === undefined) return undefined;
  return g.fixedS + g.perPeerS * (ranks - 1) + ((ranks - 1) * bytes) / model.accessBytesPerS;
}

/**
 * Seconds of `engine`'s own TP all-reduce where it runs its one-shot kernel and that beats NCCL's
 * `ncclS` (its strategy table takes the fastest kernel); undefined where NCCL runs. One rule for the
 * step model (perf/step-comm.ts) and the engine's reference cases (engine-all-reduce-case.ts).
 * @example oneShotIfFaster("vllm", fabricModel(dgxB200), 4, 2, 8192, 1e-5) // undefined: vLLM has no one-shot entry (its own kernel: vllm-custom-all-reduce.ts)
 */
export function oneShotIfFaster(
  engine: string,
  model: FabricModel,
  ranks: number,
  rows: number,
  bytes: number,
  ncclS: number,
): number | undefined {
  if (!runsOneShot(engine, ranks, rows, bytes)) return undefined;
  const own = oneShotAllReduceS(model, ranks, bytes);
  return own !== undefined && own < ncclS ? own : undefined;
}

/** `engine`'s own TP all-reduce kernel where it runs one: its seconds and the bytes each rank loads. */
export interface EngineOwnAllReduce {
  readonly timeS: number;
  readonly loadedBytes: number;
}

/**
 * `engine`'s own TP all-reduce kernel where it runs one — TensorRT-LLM's one-shot where it beats NCCL's
 * `ncclS` ((n − 1) × S loaded), vLLM's custom kernel below its limits (vllm-custom-all-reduce.ts, loaded
 * bytes by its path) — or undefined where NCCL runs. One rule for the step model and the engine's
 * reference cases.
 * @example engineOwnAllReduce("sglang", undefined, fabricModel(dgxB200), 4, 2, 8192, 1e-5) // undefined: NCCL
 */
export function engineOwnAllReduce(
  engine: string,
  version: string | undefined,
  model: FabricModel,
  ranks: number,
  rows: number,
  bytes: number,
  ncclS: number,
): EngineOwnAllReduce | undefined {
  const oneShot = oneShotIfFaster(engine, model, ranks, rows, bytes, ncclS);
  if (oneShot !== undefined) return { timeS: oneShot, loadedBytes: (ranks - 1) * bytes };
  const custom = vllmCustomAllReduceS(engine, version, model, ranks, bytes);
  return custom === undefined
    ? undefined
    : { timeS: custom, loadedBytes: vllmCustomLoadedBytes(ranks, bytes) };
}
