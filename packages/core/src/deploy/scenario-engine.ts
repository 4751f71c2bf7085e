/**
 * What a scenario's `engine` changes before planning: the serving scheduler's token budget (unless
 * the scenario sets `serving.scheduler.maxBatchTokens`) and each group's MoE communication kernels
 * (unless the group sets `moe.library`), from the engine's recorded release
 * (`deploy/engine-profile.ts`).
 */
import type { Chip } from "../hardware/types.ts";
import { isSupernodeError, SupernodeError } from "../spec/errors.ts";
import type { InstanceGroupSpec, ScenarioDocument } from "../spec/scenario-schema.ts";
import { type ServingSpec, servingSchema } from "../spec/serving-schema.ts";
import { type EngineProfile, engineProfile } from "./engine-profile.ts";

type Locate = (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined;

export interface ScenarioEngine {
  readonly engine?: EngineProfile;
  readonly serving?: ServingSpec;
  /** The group with the engine's defaults for what it leaves out. */
  group(written: InstanceGroupSpec): InstanceGroupSpec;
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
 * @example scenarioEngine(spec, rawData, chip, "s.yaml", locate).serving?.scheduler.maxBatchTokens
 */
export function scenarioEngine(
  spec: ScenarioDocument,
  rawData: unknown,
  chip: Chip,
  fileName: string,
  locate: Locate,
): ScenarioEngine {
  if (spec.engine === undefined)
    return { ...(spec.serving !== undefined ? { serving: spec.serving } : {}), group: (g) => g };
  let engine: EngineProfile;
  try {
    engine = engineProfile(spec.engine);
  } catch (error) {
    if (!isSupernodeError(error)) throw error;
    const pos = locate(["engine"]);
    throw new SupernodeError(error.kind, error.message, {
      file: fileName,
      line: pos?.line,
      column: pos?.column,
      fieldPath: ["engine"],
    });
  }
  const ranksPerChip = chip.diesAreDevices ? chip.dies.value : 1;
  const budget = engine.tokenBudget(chip.memory.capacityBytes.value / ranksPerChip);
  let serving = spec.serving;
  if (budget !== undefined && !given(rawData, ["serving", "scheduler", "maxBatchTokens"])) {
    const base = serving ?? servingSchema.parse({});
    serving = { ...base, scheduler: { ...base.scheduler, maxBatchTokens: budget } };
  }
  const library = engine.moeLibraryFor(chip.vendor);
  return {
    engine,
    ...(serving !== undefined ? { serving } : {}),
    group: (g) =>
      library !== undefined && g.moe.library === undefined ? { ...g, moe: { ...g.moe, library } } : g,
  };
}
