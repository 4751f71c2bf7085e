/**
 * `--set key=value` overrides of a scenario document, applied to the parsed data before schema
 * validation (so an override is validated like the file itself). Keys are dotted paths; values are
 * YAML scalars or flow collections (`64`, `true`, `int8`, `{ distribution: zipf, exponent: 1 }`).
 */
import { parse as parseYaml } from "yaml";
import { SupernodeError } from "./errors.ts";

export interface ScenarioOverride {
  readonly path: readonly string[];
  readonly value: unknown;
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
  return { path, value };
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
    let node = root as Record<string, unknown>;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i] as string;
      const next = node[key];
      if (next === undefined || next === null) {
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
    node[path[path.length - 1] as string] = value;
  }
  return root;
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
