/**
 * Token-length samplers built once from a `LengthDistributionSpec` (fixed, uniform, normal,
 * log-normal, empirical histogram). A histogram may come from a file whose text the caller supplies
 * (core reads no files): CSV `tokens,weight` lines or a JSON array of `{tokens, weight}`.
 */
import { groupThousands, type LengthDistributionSpec, LIMITS, SupernodeError } from "../spec/index.ts";
import type { Rng } from "./rng.ts";

/** Draws a positive integer token count. */
export type LengthSampler = (rng: Rng) => number;

/** Texts of the files named in a workload, keyed by the path as written in the document. */
export type WorkloadFiles = ReadonlyMap<string, string>;

/**
 * @example const sample = lengthSampler({ kind: "fixed", tokens: 4096 }, new Map()); sample(rng) // 4096
 */
export function lengthSampler(spec: LengthDistributionSpec, files: WorkloadFiles): LengthSampler {
  switch (spec.kind) {
    case "fixed": {
      const tokens = spec.tokens;
      return () => tokens;
    }
    case "uniform": {
      const { minTokens, maxTokens } = spec;
      return (rng) => rng.integer(minTokens, maxTokens);
    }
    case "normal": {
      const { meanTokens, stddevTokens, minTokens } = spec;
      const maxTokens = spec.maxTokens ?? Number.MAX_SAFE_INTEGER;
      return (rng) => clamp(Math.round(meanTokens + stddevTokens * rng.normal()), minTokens, maxTokens);
    }
    case "lognormal": {
      const { meanTokens, sigma, minTokens } = spec;
      const maxTokens = spec.maxTokens ?? Number.MAX_SAFE_INTEGER;
      const mu = Math.log(meanTokens) - (sigma * sigma) / 2;
      return (rng) => clamp(Math.round(Math.exp(mu + sigma * rng.normal())), minTokens, maxTokens);
    }
    case "histogram": {
      const bins = spec.bins ?? readHistogramFile(spec.file ?? "", files);
      return histogramSampler(bins);
    }
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown length distribution ${JSON.stringify(unreachable)}`);
    }
  }
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : Math.min(value, max);
}

function histogramSampler(bins: ReadonlyArray<{ tokens: number; weight: number }>): LengthSampler {
  const cumulative = new Float64Array(bins.length);
  const tokens = new Int32Array(bins.length);
  let total = 0;
  bins.forEach((bin, i) => {
    total += bin.weight;
    cumulative[i] = total;
    tokens[i] = bin.tokens;
  });
  if (!(total > 0) || !Number.isFinite(total))
    throw new SupernodeError(
      "invalid-value",
      "histogram weights must not all be zero, and must sum to a finite number",
    );
  return (rng) => {
    const target = rng.uniform() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    return tokens[lo] ?? 1;
  };
}

/**
 * Parses a histogram file: a JSON array of `{tokens, weight}`, or CSV lines `tokens,weight`
 * (an optional header line is skipped).
 * @example parseHistogramText("tokens,weight\n128,3\n512,1\n", "h.csv") // [{tokens:128,weight:3},{tokens:512,weight:1}]
 */
export function parseHistogramText(
  text: string,
  fileName: string,
): Array<{ tokens: number; weight: number }> {
  const trimmed = text.trim();
  const bins: Array<{ tokens: number; weight: number }> = [];
  if (trimmed.startsWith("[")) {
    let data: unknown;
    try {
      data = JSON.parse(trimmed);
    } catch (error) {
      throw new SupernodeError("syntax", `histogram is not valid JSON: ${(error as Error).message}`, {
        file: fileName,
      });
    }
    (data as unknown[]).forEach((entry, i) => {
      const bin = (typeof entry === "object" && entry !== null ? entry : {}) as {
        tokens?: unknown;
        weight?: unknown;
      };
      bins.push(checkBin(Number(bin.tokens), Number(bin.weight), fileName, undefined, [i]));
    });
  } else {
    const lines = text.split(/\r?\n/);
    lines.forEach((line, i) => {
      const cells = line.split(",").map((c) => c.trim());
      if (line.trim() === "" || (i === 0 && Number.isNaN(Number(cells[0])))) return;
      bins.push(checkBin(Number(cells[0]), Number(cells[1] ?? "1"), fileName, i + 1, []));
    });
  }
  if (bins.length === 0)
    throw new SupernodeError("invalid-value", "histogram has no bins", { file: fileName });
  return bins;
}

function checkBin(
  tokens: number,
  weight: number,
  file: string,
  line: number | undefined,
  fieldPath: number[],
): { tokens: number; weight: number } {
  if (
    !Number.isInteger(tokens) ||
    tokens <= 0 ||
    tokens > LIMITS.tokens ||
    !Number.isFinite(weight) ||
    weight < 0
  )
    throw new SupernodeError(
      "invalid-value",
      `expected a histogram bin: a whole token count from 1 to ${groupThousands(LIMITS.tokens)} and a finite non-negative weight`,
      { file, line, fieldPath },
    );
  return { tokens, weight };
}

function readHistogramFile(path: string, files: WorkloadFiles): Array<{ tokens: number; weight: number }> {
  const text = files.get(path);
  if (text === undefined)
    throw new SupernodeError("invalid-value", `histogram file ${path} was not provided to the simulator`, {
      file: path,
    });
  return parseHistogramText(text, path);
}
