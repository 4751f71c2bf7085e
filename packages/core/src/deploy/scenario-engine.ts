/**
 * What a scenario's `engine` changes before planning: the serving scheduler's token budget (unless
 * the scenario sets `serving.scheduler.maxBatchTokens`), the KV cache's share of free memory
 * (unless it sets `serving.kvCache.usableFraction`), the tokens per KV-cache block (unless it sets
 * `serving.kvCache.blockTokens`), the KV pool by a static memory fraction (SGLang's
 * mem_fraction_static, `staticMemoryFraction`; dropped where the scenario writes
 * `serving.kvCache.usableFraction`), the KV-cache format of a quantized checkpoint
 * (unless it sets `precision.kvCache`) and each group's MoE communication kernels (unless the group
 * sets `moe.library`), from the engine's recorded release (`deploy/engine-profile.ts`); for a model
 * without MLA, the scheduler the release forces on such models (`nonMlaScheduler`: chunked prefill,
 * mixing and the budget, each unless the scenario writes it).
 */
import type { Chip } from "../hardware/index.ts";
import { kvValuesPerTokenPerLayer, type ModelArchitecture } from "../model/index.ts";
import {
  type InstanceGroupSpec,
  isSupernodeError,
  type PrecisionSpec,
  type ScenarioDocument,
  type ServingSpec,
  type SourceDocument,
  SupernodeError,
  servingSchema,
} from "../spec/index.ts";
import { nonMlaSchedulerFor } from "./engine-non-mla-scheduler.ts";
import { type EngineProfile, engineProfile } from "./engine-profile.ts";

export interface ScenarioEngine {
  readonly engine?: EngineProfile;
  readonly serving?: ServingSpec;
  /** The group with the engine's defaults for what it leaves out. */
  group(written: InstanceGroupSpec): InstanceGroupSpec;
  /** The precision with the engine's KV-cache format for a quantized checkpoint, if it was not written. */
  readonly precision: PrecisionSpec;
}

/** The linear-layer weight formats a precision section names (the default and every component). */
function linearWeightFormats(p: PrecisionSpec): string[] {
  return [p.weights, ...Object.values(p.components ?? {}).map((c) => c?.weights)].filter(
    (w): w is NonNullable<typeof w> => w !== undefined,
  );
}

function given(data: unknown, path: readonly string[]): boolean {
  let at: unknown = data;
  for (const key of path) {
    if (typeof at !== "object" || at === null || !(key in at)) return false;
    at = (at as Record<string, unknown>)[key];
  }
  return at !== undefined && at !== null;
}

/**
 * An error of the scenario's engine profile, placed: a data file's own error (data/engines/<name>.yaml:
 * line, field, expectation) keeps its location; a refused engine field (engine.version,
 * engine.hcclExpansion, …) is placed at that field of the scenario.
 * @example engineErrorInScenario(new SupernodeError("unsupported", "…", { fieldPath: ["engine", "version"] }), doc)
 */
export function engineErrorInScenario(error: unknown, doc: SourceDocument): unknown {
  if (!isSupernodeError(error) || error.location.file !== undefined) return error;
  const fieldPath = error.location.fieldPath ?? ["engine"];
  const pos = doc.locate(fieldPath) ?? doc.locate(["engine"]);
  return new SupernodeError(error.kind, error.detail, {
    file: doc.fileName,
    line: pos?.line,
    column: pos?.column,
    fieldPath,
  });
}

/**
 * `doc`: the raw document the scenario was validated from (which fields it writes, and where, for
 * messages); `model`: the model as published (MoE top-k, MLA, `max_position_embeddings` — the
 * engines' `max_model_len` default); `multiNodeScaleUp`: the system spans several nodes.
 *
 * @example scenarioEngine(spec, doc, chip, model, false).serving?.scheduler.maxBatchTokens
 */
export function scenarioEngine(
  spec: ScenarioDocument,
  doc: SourceDocument,
  chip: Chip,
  model: ModelArchitecture,
  multiNodeScaleUp: boolean,
): ScenarioEngine {
  if (spec.engine === undefined)
    return {
      ...(spec.serving !== undefined ? { serving: spec.serving } : {}),
      group: (g) => g,
      precision: spec.precision,
    };
  let engine: EngineProfile;
  try {
    engine = engineProfile(spec.engine);
  } catch (error) {
    throw engineErrorInScenario(error, doc);
  }
  if (
    engine.staticMemoryFractionFor !== undefined &&
    given(doc.data, ["serving", "kvCache", "usableFraction"])
  ) {
    if (spec.engine.memFractionStatic !== undefined)
      throw engineErrorInScenario(
        new SupernodeError(
          "invalid-value",
          "engine.memFractionStatic sets the KV pool (fraction × device memory − weights); leave serving.kvCache.usableFraction out beside it",
          { fieldPath: ["engine", "memFractionStatic"] },
        ),
        doc,
      );
    // A written share keeps the model's split (weights, buffers, activation reserve, that share).
    const { staticMemoryFractionFor: _, ...rest } = engine;
    engine = rest;
  }
  const ranksPerChip = chip.diesAreDevices ? chip.dies.value : 1;
  const budget = engine.tokenBudget(chip.memory.capacityBytes.value / ranksPerChip);
  let serving = spec.serving;
  if (budget !== undefined && !given(doc.data, ["serving", "scheduler", "maxBatchTokens"])) {
    const base = serving ?? servingSchema.parse({});
    serving = { ...base, scheduler: { ...base.scheduler, maxBatchTokens: budget } };
  }
  const mla = model.attention.kind === "mla";
  // The engines' `max_model_len` default.
  const contextTokens = model.maxPositionEmbeddings;
  if (engine.nonMlaScheduler !== undefined && !mla && contextTokens !== undefined) {
    const base = serving ?? servingSchema.parse({});
    const written = (field: string) => given(doc.data, ["serving", "scheduler", field]);
    serving = {
      ...base,
      scheduler: nonMlaSchedulerFor(base.scheduler, contextTokens, {
        maxBatchTokens: written("maxBatchTokens"),
        chunkedPrefill: written("chunkedPrefill"),
        mixWithDecode: written("mixWithDecode"),
      }),
    };
  }
  const fraction = engine.kvCacheMemoryFraction;
  if (fraction !== undefined && !given(doc.data, ["serving", "kvCache", "usableFraction"])) {
    const base = serving ?? servingSchema.parse({});
    serving = { ...base, kvCache: { ...base.kvCache, usableFraction: fraction } };
  }
  const block = engine.kvCacheBlockTokensFor(chip, mla ? kvValuesPerTokenPerLayer(model) : undefined);
  if (block !== undefined && !given(doc.data, ["serving", "kvCache", "blockTokens"])) {
    const base = serving ?? servingSchema.parse({});
    serving = { ...base, kvCache: { ...base.kvCache, blockTokens: block } };
  }
  const kv = engine.kvCacheFor(linearWeightFormats(spec.precision));
  const precision =
    kv !== undefined && !given(doc.data, ["precision", "kvCache"])
      ? { ...spec.precision, kvCache: kv }
      : spec.precision;
  const libraryFor = (ep: number) =>
    engine.moeLibraryFor(chip.vendor, { topK: model.moe?.topK ?? 0, multiNodeScaleUp, ep });
  return {
    engine,
    ...(serving !== undefined ? { serving } : {}),
    precision,
    group: (g) => {
      if (g.moe.library !== undefined) return g;
      const ranks = g.ranksPerInstance ?? (g.chipsPerInstance ?? 1) * ranksPerChip;
      const library = libraryFor(g.moe.ep ?? ranks / g.moe.tp);
      return library !== undefined ? { ...g, moe: { ...g.moe, library } } : g;
    },
  };
}
