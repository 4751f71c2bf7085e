/**
 * `--set key=value` overrides of a scenario document, applied to the parsed data before schema
 * validation (so an override is validated like the file itself). Keys are dotted paths; values are
 * YAML scalars or flow collections (`64`, `true`, `int8`, `{ distribution: zipf, exponent: 1 }`);
 * `null` removes the field or section (`deployment.decode.mtp=null`). An error in an overridden
 * value names the override, not the file (`overrideError`).
 */
import { parse as parseYaml } from "yaml";
import { SupernodeError } from "./errors.ts";

export interface ScenarioOverride {
  readonly path: readonly string[];
  /** `null` removes the field. */
  readonly value: unknown;
  /** The override as written (`key=value`), for messages. */
  readonly text?: string;
}

/**
 * Parses `key=value`.
 * @example parseOverride("deployment.decode.batchPerChip=64") // { path: ["deployment","decode","batchPerChip"], value: 64 }
 */
export function parseOverride(text: string): ScenarioOverride {
  const eq = text.indexOf("=");
  if (eq <= 0)
    throw new SupernodeError(
      "usage",
      `--set expects key=value (e.g. deployment.decode.batchPerChip=64), got "${text}"`,
    );
  const path = text.slice(0, eq).trim().split(".");
  if (path.some((p) => p === ""))
    throw new SupernodeError("usage", `--set key "${text.slice(0, eq)}" has an empty path segment`);
  let value: unknown;
  try {
    value = parseYaml(text.slice(eq + 1));
  } catch {
    throw new SupernodeError("usage", `--set value in "${text}" is not a YAML value`);
  }
  return { path, value, text };
}

/**
 * Returns a copy of `data` with each override applied (objects created along the path as needed).
 * @example applyOverrides({ a: { b: 1 } }, [{ path: ["a", "b"], value: 2 }]) // { a: { b: 2 } }
 */
export function applyOverrides(data: unknown, overrides: readonly ScenarioOverride[]): unknown {
  const root: unknown = deepCopy(data);
  for (const { path, value } of overrides) {
    // `__proto__` would walk into (and write to) Object.prototype rather than the document.
    if (path.includes("__proto__"))
      throw new SupernodeError("usage", `--set ${path.join(".")}: __proto__ is not a scenario field`);
    if (root === null || typeof root !== "object")
      throw new SupernodeError("usage", "--set needs a scenario document that is a mapping");
    let node = root as Record<string, unknown> | undefined;
    for (let i = 0; i < path.length - 1 && node !== undefined; i++) {
      const key = path[i] as string;
      const next: unknown = node[key];
      if ((next === undefined || next === null) && value === null) {
        node = undefined; // nothing to remove
      } else if (next === undefined || next === null) {
        const created: Record<string, unknown> = {};
        node[key] = created;
        node = created;
      } else if (typeof next === "object" && !Array.isArray(next)) {
        node = next as Record<string, unknown>;
      } else {
        throw new SupernodeError(
          "usage",
          `--set ${path.join(".")}: ${path.slice(0, i + 1).join(".")} is a value, not a section`,
        );
      }
    }
    const last = path[path.length - 1] as string;
    if (node === undefined) continue;
    if (value === null) delete node[last];
    else node[last] = value;
  }
  return root;
}

/**
 * The override that wrote the value at `fieldPath` (or, for an unknown key at `fieldPath`, the one
 * that added `unknownKey`), if any; the last one wins, as when applying.
 * @example overrideAt(["deployment", "decode", "batchPerChip"], [parseOverride("deployment.decode=null")])?.text // "deployment.decode=null"
 */
export function overrideAt(
  fieldPath: ReadonlyArray<string | number>,
  overrides: readonly ScenarioOverride[],
  unknownKey?: string,
): ScenarioOverride | undefined {
  const full = unknownKey !== undefined ? [...fieldPath, unknownKey] : fieldPath;
  for (let i = overrides.length - 1; i >= 0; i--) {
    const o = overrides[i] as ScenarioOverride;
    if (o.path.length <= full.length && o.path.every((p, j) => String(full[j]) === p)) return o;
  }
  return undefined;
}

/**
 * Re-attributes an error in an overridden field to its override: `--set key=value: what was expected`.
 * Other errors pass through unchanged.
 */
export function overrideError(
  error: unknown,
  overrides: readonly ScenarioOverride[],
  unknownKey?: string,
): unknown {
  if (!(error instanceof SupernodeError) || error.location.fieldPath === undefined) return error;
  const o = overrideAt(error.location.fieldPath, overrides, unknownKey);
  if (o === undefined) return error;
  const written = o.text ?? `${o.path.join(".")}=${JSON.stringify(o.value)}`;
  const field = error.location.fieldPath;
  return new SupernodeError(error.kind, error.detail, {
    override: written,
    fieldPath: unknownKey !== undefined ? [...field, unknownKey] : field,
  });
}

function deepCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(deepCopy);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out;
  }
  return value;
}
