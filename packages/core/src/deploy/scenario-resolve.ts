/**
 * Resolution of a scenario's `system` and `model` fields: a catalog id or an inline hardware
 * definition (`extends` a built-in one), and a zoo id, a config.json path (read through the
 * caller's `readFile`, since core has no file system) or an inline Hugging Face config.
 */
import { stringify } from "yaml";
import type { z } from "zod";
import { builtinCatalog, type Catalog, extendCatalog } from "../catalog/index.ts";
import type { System } from "../hardware/index.ts";
import { builtinModel, type ModelArchitecture, parseHfConfig } from "../model/index.ts";
import {
  isSupernodeError,
  SupernodeError,
  type scenarioModelSchema,
  type scenarioSystemSchema,
} from "../spec/index.ts";

/** The catalog a scenario resolves against: the built-in one, or one extended with the user's hardware files. */
export type ScenarioCatalog = Catalog;

type Locate = (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined;

/** Re-throws an error from a nested lookup at the scenario field that caused it. */
function atField(
  error: unknown,
  file: string,
  locate: Locate,
  fieldPath: ReadonlyArray<string | number>,
): never {
  if (isSupernodeError(error) && error.location.file === undefined) {
    const pos = locate(fieldPath);
    throw new SupernodeError(error.kind, error.message, {
      file,
      line: pos?.line,
      column: pos?.column,
      fieldPath,
    });
  }
  throw error;
}

/**
 * The scenario's system.
 * @example resolveScenarioSystem("cloudmatrix384", "s.yaml", () => undefined).system.id === "cloudmatrix384"
 */
export function resolveScenarioSystem(
  spec: z.output<typeof scenarioSystemSchema>,
  file: string,
  locate: Locate,
  catalog?: ScenarioCatalog,
): { system: System; catalog: Catalog } {
  try {
    const base = catalog ?? builtinCatalog();
    if (typeof spec === "string") return { system: base.system(spec), catalog: base };
    const extended = extendCatalog(base, stringify({ system: spec }), `${file} (system)`);
    return { system: extended.system(spec.id), catalog: extended };
  } catch (error) {
    return atField(error, file, locate, ["system"]);
  }
}

/**
 * The scenario's model architecture.
 * @example resolveScenarioModel("deepseek-r1", "s.yaml", () => undefined).numLayers === 61
 */
export function resolveScenarioModel(
  spec: z.output<typeof scenarioModelSchema>,
  file: string,
  locate: Locate,
  readFile?: (path: string) => string,
): ModelArchitecture {
  try {
    if (typeof spec === "string") return builtinModel(spec);
    if ("config" in spec) {
      if (readFile === undefined)
        throw new SupernodeError(
          "unsupported",
          `model.config names a file (${spec.config}), but no file reader was given; pass the config inline as model.hfConfig`,
        );
      return parseHfConfig(readFile(spec.config), spec.config);
    }
    return parseHfConfig(JSON.stringify(spec.hfConfig), `${file} (model.hfConfig)`);
  } catch (error) {
    return atField(error, file, locate, ["model"]);
  }
}
