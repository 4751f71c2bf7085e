/**
 * The seeds a fuzz run mutates: the shipped example scenarios, hardware files and model configs,
 * a small request trace, and `--set` overrides of a valid scenario. `fuzzCase(corpus, seed, i)`
 * makes case `i` of a run deterministically, so any failure is reproducible from (seed, i).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { preparseDocument, Rng } from "@supernode/core";
import { parse } from "yaml";
import type { FuzzCase } from "./fuzz-target.ts";
import { mutateDocument } from "./mutate-document.ts";

export interface FuzzCorpus {
  readonly seeds: readonly FuzzCase[];
  /** A valid scenario with a workload, into which configs, traces and overrides are plugged. */
  readonly host: string;
}

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

const TRACE_JSONL = [
  '{"arrivalS": 0, "promptTokens": 4096, "outputTokens": 256}',
  '{"arrivalS": 0.01, "promptTokens": 1024, "outputTokens": 64}',
  '{"arrivalS": 0.02, "promptTokens": 8000, "outputTokens": 512}',
].join("\n");

function filesIn(dir: string, extension: string): string[] {
  return readdirSync(join(repoRoot, dir))
    .filter((name) => name.endsWith(extension))
    .sort()
    .map((name) => join(dir, name));
}

/** Reads the shipped inputs from the repository. */
export function loadFuzzCorpus(): FuzzCorpus {
  const read = (path: string) => readFileSync(join(repoRoot, path), "utf8");
  const host = read("examples/cloudmatrix384-deepseek-r1-serving.yaml");
  // Every config, trace and override case reads the host: parse it once (its data as JSON).
  preparseDocument(host);
  const seeds: FuzzCase[] = [];
  for (const file of filesIn("examples", ".yaml"))
    seeds.push({ kind: "scenario", fileName: file, text: read(file) });
  for (const file of filesIn("examples/hardware", ".yaml"))
    seeds.push({ kind: "hardware", fileName: file, text: read(file) });
  for (const file of filesIn("packages/core/data/models", ".json"))
    seeds.push({ kind: "hf-config", fileName: file, text: read(file), hostScenario: host });
  seeds.push({ kind: "trace", fileName: "trace.jsonl", text: TRACE_JSONL, hostScenario: host });
  seeds.push({ kind: "override", fileName: "--set", text: "", hostScenario: host });
  return { seeds, host };
}

/** Dotted paths of every field of the host scenario (targets for `--set` mutations). */
function overridePaths(host: string): string[] {
  const out: string[] = [];
  const walk = (value: unknown, prefix: string) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return;
    for (const [key, child] of Object.entries(value)) {
      const path = prefix === "" ? key : `${prefix}.${key}`;
      out.push(path);
      walk(child, path);
    }
  };
  walk(parse(host), "");
  return out;
}

const OVERRIDE_VALUES = [
  "0",
  "-1",
  "1e9",
  "1e300",
  ".nan",
  ".inf",
  "null",
  "abc",
  "[]",
  "{}",
  "4294967296",
  "2147483648",
  "0.5",
  "true",
  "{ distribution: zipf, exponent: 1e300 }",
  "1e-300",
];

function overrideCase(corpus: FuzzCorpus, rng: Rng): FuzzCase {
  const paths = overridePaths(corpus.host);
  const lines: string[] = [];
  for (let i = rng.integer(1, 3); i > 0; i--) {
    const path = paths[rng.integer(0, paths.length - 1)] as string;
    const value = OVERRIDE_VALUES[rng.integer(0, OVERRIDE_VALUES.length - 1)] as string;
    lines.push(`${path}=${value}`);
  }
  return { kind: "override", fileName: "--set", text: lines.join("\n"), hostScenario: corpus.host };
}

/**
 * Case `index` of the run with `seed`: a mutant of one seed document (or random overrides).
 * @example fuzzCase(loadFuzzCorpus(), 1, 0).kind
 */
export function fuzzCase(corpus: FuzzCorpus, seed: number, index: number): FuzzCase & { mutation: string } {
  const rng = new Rng(seed, index);
  const base = corpus.seeds[rng.integer(0, corpus.seeds.length - 1)] as FuzzCase;
  if (base.kind === "override") {
    const made = overrideCase(corpus, rng);
    return { ...made, mutation: made.text.replaceAll("\n", " ") };
  }
  const mutant = mutateDocument(base.text, rng);
  return { ...base, text: mutant.text, mutation: mutant.mutation };
}
