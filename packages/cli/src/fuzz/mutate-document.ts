/**
 * Seeded mutations of a YAML/JSON document, as a hostile user or a broken script would make them:
 * values swapped for other types, numbers made zero, negative, NaN, huge or tiny, keys deleted,
 * duplicated or renamed to `__proto__`/`constructor`, deep nesting, unicode, truncation and YAML
 * alias bombs. Structural mutations edit the parsed tree and print it back as YAML; textual ones
 * edit the text itself (so syntax errors are exercised too). Deterministic for a given `Rng` state.
 */
import type { Rng } from "@supernode/core";
import { parse, stringify } from "yaml";

export interface Mutant {
  readonly text: string;
  /** What was done, e.g. `number-huge at deployment.decode.batchPerChip`. */
  readonly mutation: string;
}

type Path = Array<string | number>;
type Container = Record<string, unknown> | unknown[];

const HOSTILE_NUMBERS = [
  0,
  -1,
  -0.5,
  0.5,
  1e-300,
  5e-324,
  1e300,
  1e308,
  2 ** 31,
  2 ** 32,
  2 ** 53 + 2,
  4294967296,
  1e9,
  1e12,
  -1e9,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
] as const;
const HOSTILE_STRINGS = [
  "",
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "ünïcødé-☃-𝔘",
  "\u0000",
  "a".repeat(10_000),
  "1e309",
  "NaN",
  "-0",
  "../../etc/passwd",
] as const;
const HOSTILE_KEYS = ["__proto__", "constructor", "prototype", "toString", "💥", ""] as const;

/** All paths to leaves and containers of a parsed document (root excluded). */
function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (value === null || typeof value !== "object") return out;
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, child] of entries) {
    const path = [...prefix, key];
    out.push(path);
    paths(child, path, out);
  }
  return out;
}

function parentOf(root: unknown, path: Path): Container | undefined {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node !== null && typeof node === "object" ? (node as Container) : undefined;
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[rng.integer(0, items.length - 1)] as T;
const label = (path: Path) => path.map(String).join(".");

function hostileValue(rng: Rng, old: unknown): unknown {
  switch (rng.integer(0, 5)) {
    case 0:
      return pick(rng, HOSTILE_NUMBERS);
    case 1:
      return typeof old === "number"
        ? old * pick(rng, [-1, 0, 1e6, 1e-6, 1e300])
        : pick(rng, HOSTILE_NUMBERS);
    case 2:
      return pick(rng, HOSTILE_STRINGS);
    case 3:
      return pick(rng, [null, true, false, [], {}, [1, 2, 3], { value: 1 }]);
    case 4:
      // JSON, not String(): a mutated object may carry a "toString" key that is not a function.
      return typeof old === "string"
        ? `${old}${pick(rng, ["x", "-", " ", "☃"])}`
        : (JSON.stringify(old) ?? "null");
    default:
      return deepNest(rng.integer(20, 400));
  }
}

function deepNest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** A structural mutation on the parsed document, or undefined when it has no place to apply. */
function mutateTree(root: unknown, rng: Rng): string | undefined {
  const all = paths(root);
  if (all.length === 0) return undefined;
  const path = pick(rng, all);
  const parent = parentOf(root, path);
  if (parent === undefined) return undefined;
  const key = path[path.length - 1] as string | number;
  const record = parent as Record<string | number, unknown>;
  switch (rng.integer(0, 4)) {
    case 0:
    case 1:
      record[key] = hostileValue(rng, record[key]);
      return `value at ${label(path)}`;
    case 2:
      if (Array.isArray(parent)) parent.splice(Number(key), 1);
      else delete record[key];
      return `delete ${label(path)}`;
    case 3: {
      const hostile = pick(rng, HOSTILE_KEYS);
      if (Array.isArray(parent)) parent.push(structuredClone(record[key]));
      else Object.defineProperty(parent, hostile, { value: record[key], enumerable: true, writable: true });
      return `key ${JSON.stringify(hostile)} beside ${label(path)}`;
    }
    default:
      if (Array.isArray(parent)) for (let i = 0; i < rng.integer(1, 200); i++) parent.push(parent[0]);
      else record[key] = [record[key], record[key]];
      return `grow ${label(path)}`;
  }
}

/** A textual mutation: truncation, alias bombs and undefined aliases, duplicated lines, noise. */
function mutateText(text: string, rng: Rng): Mutant {
  const lines = text.split("\n");
  switch (rng.integer(0, 5)) {
    case 0: {
      const at = rng.integer(0, text.length);
      return { text: text.slice(0, at), mutation: `truncate at ${at}` };
    }
    case 1: {
      let bomb = 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]\n';
      for (let i = 1; i < 12; i++) bomb += `a${i}: &a${i} [*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1}]\n`;
      return { text: `${bomb}${text}`, mutation: "alias bomb" };
    }
    case 2: {
      const line = rng.integer(0, lines.length - 1);
      const target = lines[line] ?? "";
      const colon = target.indexOf(":");
      if (colon < 0) return { text: `system: *nope\n${text}`, mutation: "undefined alias" };
      lines[line] = `${target.slice(0, colon + 1)} *nope`;
      return { text: lines.join("\n"), mutation: `undefined alias on line ${line + 1}` };
    }
    case 3: {
      const line = rng.integer(0, lines.length - 1);
      lines.splice(line, 0, lines[line] ?? "");
      return { text: lines.join("\n"), mutation: `duplicate line ${line + 1}` };
    }
    case 4: {
      const at = rng.integer(0, text.length);
      const noise = pick(rng, ["\t", "{", "]", ": :", "- ", "\u0000", "'", '"', "&", "!!binary ", "%"]);
      return {
        text: text.slice(0, at) + noise + text.slice(at),
        mutation: `insert ${JSON.stringify(noise)}`,
      };
    }
    default:
      return { text: text.replace(/\d+/, "99999999999999999999"), mutation: "first number huge (text)" };
  }
}

/** Seed documents as parsed, by text: a mutant's first step copies one instead of parsing the seed again. */
const seedTrees = new Map<string, unknown>();

function parseForMutation(text: string, isSeed: boolean): unknown {
  const cached = isSeed ? seedTrees.get(text) : undefined;
  if (cached !== undefined) return structuredClone(cached);
  let tree: unknown;
  try {
    tree = parse(text, { maxAliasCount: 100 });
  } catch {
    return undefined;
  }
  if (isSeed && tree !== undefined) seedTrees.set(text, structuredClone(tree));
  return tree;
}

/**
 * One mutant of `text`: one to three structural or textual mutations.
 * @example mutateDocument("a: 1\n", new Rng(7, 0)).mutation // e.g. "value at a"
 */
export function mutateDocument(text: string, rng: Rng): Mutant {
  const steps = rng.integer(1, 3);
  let current = text;
  const done: string[] = [];
  for (let step = 0; step < steps; step++) {
    if (rng.uniform() < 0.75) {
      const tree = parseForMutation(current, step === 0);
      const mutation = tree === undefined ? undefined : mutateTree(tree, rng);
      if (mutation !== undefined) {
        try {
          current = stringify(tree, { aliasDuplicateObjects: false });
          done.push(mutation);
          continue;
        } catch {
          // A tree too deep for the printer: fall through to a textual mutation.
        }
      }
    }
    const mutant = mutateText(current, rng);
    current = mutant.text;
    done.push(mutant.mutation);
  }
  return { text: current, mutation: done.join("; ") };
}
