/**
 * What changed between two scenario documents, setting by setting: the leaves of both YAML trees
 * compared by path, so the page can say what a delta is measured against ("batchPerChip 96 → 64").
 */
import { parse } from "yaml";

export interface SettingChange {
  /** Dotted path, e.g. `deployment.decode.batchPerChip`. */
  readonly path: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

function leaves(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value as Record<string, unknown>))
      leaves(v, prefix === "" ? k : `${prefix}.${k}`, out);
    return;
  }
  out.set(prefix, String(value));
}

function flatten(text: string): Map<string, string> | undefined {
  try {
    const out = new Map<string, string>();
    leaves(parse(text), "", out);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * The settings that differ from `base` to `current`, in the order of `current` (then removed
 * ones); undefined when either text is not valid YAML.
 * @example settingChanges("a:\n  b: 96\n", "a:\n  b: 64\n") // [{ path: "a.b", from: "96", to: "64" }]
 */
export function settingChanges(base: string, current: string): SettingChange[] | undefined {
  const a = flatten(base);
  const b = flatten(current);
  if (a === undefined || b === undefined) return undefined;
  const out: SettingChange[] = [];
  for (const [path, to] of b) if (a.get(path) !== to) out.push({ path, from: a.get(path), to });
  for (const [path, from] of a) if (!b.has(path)) out.push({ path, from, to: undefined });
  return out;
}

/** One change as text: `deployment.decode.batchPerChip 96 → 64`. */
export function formatChange(c: SettingChange): string {
  if (c.from === undefined) return `${c.path} added (${c.to})`;
  if (c.to === undefined) return `${c.path} removed (was ${c.from})`;
  return `${c.path} ${c.from} → ${c.to}`;
}
