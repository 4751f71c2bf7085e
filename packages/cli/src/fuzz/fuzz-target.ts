/**
 * Runs one (possibly hostile) document through the whole path a user's input takes — parse,
 * resolve, estimate, and a short serving simulation — and classifies what happened:
 *
 * - `ok`: a result, every number in it finite and no time or throughput negative;
 * - `error`: the project's own `SupernodeError` that names where the problem is;
 * - `unlocated`: a `SupernodeError` with no file or field (still a defect: the user cannot find it);
 * - `internal`: any other exception (TypeError, RangeError, ...) — the defects this harness hunts;
 * - `nonfinite`: a result holding NaN, ±Infinity, or a negative time/throughput/count.
 *
 * Hangs and out-of-memory crashes are caught one level up, by the worker pool that runs this with a
 * deadline and a heap limit (`fuzz-pool.ts`).
 */
import {
  builtinCatalog,
  estimate,
  extendCatalog,
  parseOverride,
  parseScenario,
  SupernodeError,
  simulate,
} from "@supernode/core";

export type FuzzKind = "scenario" | "hardware" | "hf-config" | "trace" | "override";

export interface FuzzCase {
  readonly kind: FuzzKind;
  /** File name shown in errors. */
  readonly fileName: string;
  readonly text: string;
  /** For `hardware`/`hf-config`/`trace`/`override`: the valid scenario the input is plugged into. */
  readonly hostScenario?: string;
}

export type FuzzOutcomeKind = "ok" | "error" | "unlocated" | "internal" | "nonfinite" | "hang" | "oom";

export interface FuzzOutcome {
  readonly outcome: FuzzOutcomeKind;
  /** The error message or the offending result path; empty when `ok`. */
  readonly detail: string;
}

/** Requests simulated per case: enough to exercise the engine, few enough for a million cases. */
export const FUZZ_REQUESTS = 64;

/** Result fields that may legitimately be negative (signed errors and deltas). */
const SIGNED_KEY = /error|delta|offset|skew/i;

/** The first NaN/Infinity, or negative value under a non-signed key, in `value`, as a path. */
export function findNonFinite(value: unknown, path = "result", depth = 0): string | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `${path} = ${value}`;
    if (value < 0 && !SIGNED_KEY.test(path)) return `${path} = ${value}`;
    return undefined;
  }
  if (value === null || typeof value !== "object" || depth > 64) return undefined;
  if (ArrayBuffer.isView(value)) {
    const items = value as unknown as ArrayLike<number>;
    for (let i = 0; i < items.length; i++) {
      const found = findNonFinite(items[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, child] of Object.entries(value)) {
    const found = findNonFinite(child, `${path}.${key}`, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function runScenario(
  text: string,
  fileName: string,
  files: ReadonlyMap<string, string>,
  overrides: string[],
) {
  const readFile = (path: string) => {
    const found = files.get(path);
    if (found === undefined) throw new SupernodeError("usage", `cannot read ${path}`, { file: path });
    return found;
  };
  const scenario = parseScenario(text, fileName, builtinCatalog(), {
    overrides: overrides.map(parseOverride),
    readFile,
  });
  const bad = findNonFinite(estimate(scenario), "estimate");
  if (bad !== undefined) return bad;
  if (scenario.workload === undefined) return undefined;
  const result = simulate(scenario, { files, requests: FUZZ_REQUESTS, recordRequests: false });
  return findNonFinite(result, "simulate");
}

function runCase(input: FuzzCase): string | undefined {
  const host = input.hostScenario ?? "";
  switch (input.kind) {
    case "scenario":
      return runScenario(input.text, input.fileName, new Map(), []);
    case "hardware": {
      extendCatalog(builtinCatalog(), input.text, input.fileName);
      return undefined;
    }
    case "hf-config":
      return runScenario(host, "host.yaml", new Map([[input.fileName, input.text]]), [
        `model={"config":${JSON.stringify(input.fileName)}}`,
      ]);
    case "trace":
      return runScenario(host, "host.yaml", new Map([[input.fileName, input.text]]), [
        `workload.arrival={"kind":"trace","file":${JSON.stringify(input.fileName)}}`,
      ]);
    case "override":
      return runScenario(
        host,
        "host.yaml",
        new Map(),
        input.text.split("\n").filter((l) => l !== ""),
      );
  }
}

/**
 * Classifies one case (in process; deadlines and heap limits are the caller's).
 * @example fuzzOne({ kind: "scenario", fileName: "s.yaml", text: "system: nope" }).outcome // "error"
 */
export function fuzzOne(input: FuzzCase): FuzzOutcome {
  try {
    const bad = runCase(input);
    return bad === undefined ? { outcome: "ok", detail: "" } : { outcome: "nonfinite", detail: bad };
  } catch (error) {
    if (error instanceof SupernodeError) {
      const where = error.location;
      // A command-line error is located by the flag it names (`--set a.b: ...`).
      const located =
        where.file !== undefined || (where.fieldPath?.length ?? 0) > 0 || /^--[a-z]/.test(error.message);
      return { outcome: located ? "error" : "unlocated", detail: error.message.slice(0, 300) };
    }
    const name = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? error.message : String(error);
    const frame = error instanceof Error ? (error.stack?.split("\n")[1]?.trim() ?? "") : "";
    return { outcome: "internal", detail: `${name}: ${message.slice(0, 200)} ${frame}` };
  }
}
