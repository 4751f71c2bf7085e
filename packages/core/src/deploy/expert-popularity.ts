/**
 * Skewed expert popularity from a published expert-load statistic
 * (data/deploy/expert-load-skew.yaml). The load of the i-th most popular of n routed experts is
 * taken ∝ (i + q)^-s (Zipf–Mandelbrot). Its two parameters are solved so that the hottest expert's
 * load ÷ the mean and the fraction of experts above the mean equal the published two statistics:
 * for a fixed s, q is bisected until w₁/mean = hottestOverMean (the ratio falls as q grows); then s
 * is bisected until the fraction above the mean, (i* − ½)/n with i* = mean^(-1/s) − q the
 * (continuous) rank at which the load crosses the mean, equals fractionAboveMean (it falls as s
 * grows along that curve). Both bisections evaluate only the midpoints near a false-position guess
 * (guidedBisect), which leaves their answers unchanged to the last bit at a quarter of the cost.
 */

import { z } from "zod";
import { parseBuiltinData } from "../catalog/index.ts";
import { calibratedOnSchema, type SourceRef, SupernodeError } from "../spec/index.ts";

/** A published expert-load skew statistic with its source. */
export interface ExpertLoadSkewProfile {
  readonly id: string;
  readonly description: string;
  /** Hottest expert's tokens ÷ the mean over experts. */
  readonly hottestOverMean: number;
  /** Fraction of experts whose load is above the mean. */
  readonly fractionAboveMean: number;
  readonly source: SourceRef;
  readonly note?: string;
}

/** Popularity fitted to a profile for n experts. */
export interface ExpertPopularity {
  /** Zipf–Mandelbrot exponent s. */
  readonly exponent: number;
  /** Zipf–Mandelbrot rank offset q. */
  readonly offset: number;
  /** Load share of each expert, hottest first; sums to 1. */
  readonly shares: readonly number[];
}

const FILE = "deploy/expert-load-skew.yaml";
const fileSchema = z.strictObject({
  sources: z.array(
    z.strictObject({ key: z.string(), title: z.string(), url: z.string(), section: z.string().optional() }),
  ),
  profiles: z.array(
    z.strictObject({
      id: z.string().min(1),
      description: z.string(),
      source: z.string(),
      tag: z.literal("measured"),
      hottestOverMean: z.number().gt(1),
      fractionAboveMean: z.number().gt(0).lt(0.5),
      note: z.string().optional(),
      calibratedOn: calibratedOnSchema.optional(),
    }),
  ),
});

let profiles: readonly ExpertLoadSkewProfile[] | undefined;

/** Every profile in data/deploy/expert-load-skew.yaml. */
export function expertLoadSkewProfiles(): readonly ExpertLoadSkewProfile[] {
  if (profiles !== undefined) return profiles;
  const file = parseBuiltinData(FILE, fileSchema);
  profiles = file.profiles.map((p) => {
    const source = file.sources.find((s) => s.key === p.source);
    if (source === undefined)
      throw new SupernodeError("invalid-value", `${FILE}: profile ${p.id} cites unknown source ${p.source}`);
    return {
      id: p.id,
      description: p.description,
      hottestOverMean: p.hottestOverMean,
      fractionAboveMean: p.fractionAboveMean,
      source,
      ...(p.note !== undefined ? { note: p.note } : {}),
    };
  });
  return profiles;
}

/**
 * A profile by id.
 * @example expertLoadSkewProfile("xdeepserve-r1-sharegpt").hottestOverMean // 30
 */
export function expertLoadSkewProfile(id: string): ExpertLoadSkewProfile {
  const all = expertLoadSkewProfiles();
  const found = all.find((p) => p.id === id);
  if (found === undefined)
    throw new SupernodeError(
      "invalid-value",
      `unknown expert-load skew profile "${id}"; expected one of ${all.map((p) => p.id).join(", ")} (${FILE})`,
    );
  return found;
}

interface Moments {
  readonly hottestOverMean: number;
  readonly fractionAboveMean: number;
}

function moments(n: number, s: number, q: number): Moments {
  let total = 0;
  for (let i = 1; i <= n; i++) total += (i + q) ** -s;
  const mean = total / n;
  const crossing = mean ** (-1 / s) - q;
  return { hottestOverMean: (1 + q) ** -s / mean, fractionAboveMean: (crossing - 0.5) / n };
}

/**
 * Bisection, 100 halvings at most. It stops early once a halving leaves the bracket unchanged
 * (its midpoint is an end, to the last bit): every later halving would evaluate the same midpoint
 * and change nothing, so the answer is the one the 100 halvings give, bit for bit.
 */
function bisect(lo: number, hi: number, tooLow: (x: number) => boolean): number {
  let a = lo;
  let b = hi;
  for (let k = 0; k < 100; k++) {
    const mid = (a + b) / 2;
    const [nextA, nextB] = tooLow(mid) ? [mid, b] : [a, mid];
    if (nextA === a && nextB === b) break;
    a = nextA;
    b = nextB;
  }
  return (a + b) / 2;
}

/**
 * The same bisection, bit for bit, evaluating `tooLow` only near a guess of where it turns false.
 * `tooLow` falls from true to false once; the check tooLow(guess − δ) && !tooLow(guess + δ) then
 * fixes its answer at every midpoint outside (guess − δ, guess + δ), and only the few midpoints
 * inside are evaluated. A guess that fails the check falls back to the plain bisection.
 */
function guidedBisect(lo: number, hi: number, tooLow: (x: number) => boolean, guess: number): number {
  const delta = GUESS_TOLERANCE * Math.max(1, Math.abs(guess));
  const below = guess - delta;
  const above = guess + delta;
  if (!(tooLow(below) && !tooLow(above))) return bisect(lo, hi, tooLow);
  return bisect(lo, hi, (x) => (x <= below ? true : x >= above ? false : tooLow(x)));
}

/** How far (relative) a guess may be from the bisection's answer: far above rounding noise. */
const GUESS_TOLERANCE = 1e-11;

/**
 * A root of a continuous f with f(a), f(b) of opposite signs (Illinois false position), to about
 * 1e-15 of the bracket; only a guess for guidedBisect, so a bracket without a sign change just
 * returns its nearer end.
 */
function falsePosition(f: (x: number) => number, lo: number, hi: number): number {
  let [a, b] = [lo, hi];
  let [fa, fb] = [f(a), f(b)];
  if (!(fa * fb < 0)) return Math.abs(fa) < Math.abs(fb) ? a : b;
  let side = 0;
  for (let k = 0; k < 200 && Math.abs(b - a) > 1e-15 * Math.max(1, Math.abs(a)); k++) {
    const c = (a * fb - b * fa) / (fb - fa);
    const fc = f(c);
    if (fc === 0 || !Number.isFinite(fc)) return c;
    if (fc * fb < 0) {
      [a, fa] = [b, fb];
      side = 0;
    } else if (++side > 1) fa /= 2;
    [b, fb] = [c, fc];
  }
  return (a + b) / 2;
}

/**
 * The two nested bisections (q for each s, then s), with their answers unchanged to the last bit:
 * each runs as guidedBisect from a guess found by false position (q in log(1 + q), where the
 * hottest-over-mean ratio is smooth), so a bisection evaluates about 20 midpoints instead of 60–70.
 */
function solveExponentAndOffset(
  n: number,
  target: number,
  fraction: number,
): { exponent: number; offset: number } {
  const logRatio = (s: number, q: number) => Math.log(moments(n, s, q).hottestOverMean / target);
  const guessOffset = (s: number) =>
    Math.expm1(falsePosition((u) => logRatio(s, Math.expm1(u)), Math.log1p(-0.999), Math.log1p(1e5)));
  const offsetFor = (s: number) =>
    guidedBisect(-0.999, 1e5, (q) => moments(n, s, q).hottestOverMean > target, guessOffset(s));
  const guessExponent = falsePosition(
    (s) => moments(n, s, guessOffset(s)).fractionAboveMean - fraction,
    0.01,
    8,
  );
  const exponent = guidedBisect(
    0.01,
    8,
    (s) => moments(n, s, offsetFor(s)).fractionAboveMean > fraction,
    guessExponent,
  );
  return { exponent, offset: offsetFor(exponent) };
}

const fitCache = new Map<string, ExpertPopularity>();

/**
 * Fit the Zipf–Mandelbrot popularity of n experts to a profile's two statistics.
 * @example fitExpertPopularity(expertLoadSkewProfile("xdeepserve-r1-sharegpt"), 256).exponent // ≈ 0.71
 */
export function fitExpertPopularity(profile: ExpertLoadSkewProfile, experts: number): ExpertPopularity {
  const key = `${profile.id}|${experts}`;
  const hit = fitCache.get(key);
  if (hit !== undefined) return hit;
  const n = Math.max(1, Math.round(experts));
  const target = Math.min(profile.hottestOverMean, n);
  const { exponent, offset } = solveExponentAndOffset(n, target, profile.fractionAboveMean);
  const achieved = moments(n, exponent, offset);
  if (
    Math.abs(achieved.hottestOverMean - target) > 0.01 * target ||
    Math.abs(achieved.fractionAboveMean - profile.fractionAboveMean) > 1 / n
  )
    throw new SupernodeError(
      "invalid-value",
      `expert-load skew profile ${profile.id} (hottest ${profile.hottestOverMean}× mean, ` +
        `${profile.fractionAboveMean * 100} % above mean) cannot be fitted by (i + q)^-s over ${n} routed experts ` +
        `(best: hottest ${achieved.hottestOverMean.toFixed(1)}×, ${(achieved.fractionAboveMean * 100).toFixed(1)} % above); ` +
        `use another expertImbalance distribution for this model`,
    );
  const raw: number[] = [];
  let total = 0;
  for (let i = 1; i <= n; i++) {
    const w = (i + offset) ** -exponent;
    raw.push(w);
    total += w;
  }
  const fit: ExpertPopularity = { exponent, offset, shares: raw.map((w) => w / total) };
  fitCache.set(key, fit);
  return fit;
}
