/**
 * Sweep plans expanded into points, deterministically: the same plan always gives the same points
 * in the same order with the same ids, on any machine, so a point's id names its work (resuming,
 * sharding, Redis job ids). Pure: no I/O.
 */

import {
  MAX_SWEEP_POINTS,
  readSourceDocument,
  type ScenarioOverride,
  SupernodeError,
  type SweepPlanDocument,
  sweepPlanSchema,
  validateDocument,
} from "../spec/index.ts";

export interface SweepPoint {
  /** Position in the plan's expansion (0-based). */
  readonly index: number;
  /** `p` + the zero-padded index: sorts in plan order as text. */
  readonly id: string;
  /** Every override of this point, in the order applied (plan `set`, list entry, grid). */
  readonly set: Readonly<Record<string, unknown>>;
  readonly seed?: number;
}

/**
 * Parses and checks a plan document (errors name the file, line and field).
 * @example parseSweepPlan("scenario: s.yaml\ngrid: { deployment.decode.batchPerChip: [8, 16] }\n", "plan.yaml").grid
 */
export function parseSweepPlan(text: string, fileName: string): SweepPlanDocument {
  const doc = readSourceDocument(text, fileName);
  const plan = validateDocument(doc, sweepPlanSchema);
  const at = (path: string[]) => ({ file: fileName, ...doc.locate(path), fieldPath: path });
  if (plan.command !== "search" && plan.search !== undefined)
    throw new SupernodeError("schema", "search applies only to command: search", at(["search"]));
  if (plan.command !== "simulate") {
    if (plan.seeds !== undefined)
      throw new SupernodeError("schema", "seeds apply only to command: simulate", at(["seeds"]));
    if (plan.requests !== undefined)
      throw new SupernodeError("schema", "requests apply only to command: simulate", at(["requests"]));
  }
  for (const key of [...Object.keys(plan.set), ...Object.keys(plan.grid)])
    if (key.split(".").some((p) => p === "" || p === "__proto__"))
      throw new SupernodeError("schema", `"${key}" is not a dotted scenario path`, at([]));
  const total = sweepPointCount(plan);
  if (total > MAX_SWEEP_POINTS)
    throw new SupernodeError(
      "invalid-value",
      `the plan expands to ${total} points, more than the ${MAX_SWEEP_POINTS} allowed`,
      at(["grid"]),
    );
  return plan;
}

/** How many points a plan expands to. */
export function sweepPointCount(plan: SweepPlanDocument): number {
  let n = (plan.list?.length ?? 1) * (plan.seeds?.length ?? 1);
  for (const values of Object.values(plan.grid)) n *= values.length;
  return n;
}

/**
 * The plan's points: list entries (outermost) × grid (keys in document order, last key fastest)
 * × seeds (innermost).
 * @example expandSweep(plan).map((p) => p.id) // ["p000000", "p000001", …]
 */
export function expandSweep(plan: SweepPlanDocument): SweepPoint[] {
  const total = sweepPointCount(plan);
  const width = Math.max(6, String(Math.max(0, total - 1)).length);
  const gridKeys = Object.keys(plan.grid);
  const gridSizes = gridKeys.map((k) => (plan.grid[k] as unknown[]).length);
  const gridCount = gridSizes.reduce((a, b) => a * b, 1);
  const list = plan.list ?? [{}];
  const seeds: ReadonlyArray<number | undefined> = plan.seeds ?? [undefined];
  const points: SweepPoint[] = [];
  for (const entry of list)
    for (let g = 0; g < gridCount; g++) {
      const set: Record<string, unknown> = { ...plan.set, ...entry };
      let rest = g;
      for (let k = gridKeys.length - 1; k >= 0; k--) {
        const size = gridSizes[k] as number;
        const key = gridKeys[k] as string;
        set[key] = (plan.grid[key] as unknown[])[rest % size];
        rest = Math.floor(rest / size);
      }
      const ordered = Object.fromEntries(
        [...Object.keys(plan.set), ...Object.keys(entry), ...gridKeys]
          .filter((k, i, all) => all.lastIndexOf(k) === i)
          .map((k) => [k, set[k]]),
      );
      for (const seed of seeds) {
        const index = points.length;
        points.push({
          index,
          id: `p${String(index).padStart(width, "0")}`,
          set: ordered,
          ...(seed !== undefined ? { seed } : {}),
        });
      }
    }
  return points;
}

/**
 * Parses `--shard i/N` (1-based i).
 * @example parseShard("2/4") // { index: 2, count: 4 }
 */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count)
    throw new SupernodeError("usage", `--shard expects i/N with 1 ≤ i ≤ N (e.g. 1/4), got "${text}"`);
  return { index, count };
}

/** The points of shard `index` of `count`: every count-th point, starting at index − 1. */
export function shardPoints(
  points: readonly SweepPoint[],
  shard: { index: number; count: number },
): SweepPoint[] {
  return points.filter((p) => p.index % shard.count === shard.index - 1);
}

/** A point's overrides as `--set` overrides (the text is what messages name). */
export function pointOverrides(set: Readonly<Record<string, unknown>>): ScenarioOverride[] {
  const overrides: ScenarioOverride[] = [];
  for (const [key, value] of Object.entries(set))
    overrides.push({ path: key.split("."), value, text: `${key}=${JSON.stringify(value)}` });
  return overrides;
}

/**
 * A short stable hash of text (FNV-1a, 64 bits as two 32-bit halves, hex), naming a plan and its
 * base scenario: results and jobs of another plan are never mistaken for this one's.
 */
export function sweepHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return `${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}`;
}
