/**
 * A length distribution as weighted points (tokens, weight), drawn as the simulator's samplers draw
 * them (rounded, clamped): a histogram's bins, a uniform length's integers (at most 64 points of equal
 * weight over equal sub-ranges), a normal or log-normal length at quadrature nodes over a standard
 * normal variable. What the finite run's drain of long answers needs (perf/offline-drain.ts); the
 * offline point's moments are taken over the same points (offline-lengths.ts lengthMoments).
 */
import { type LengthDistributionSpec, SupernodeError } from "../spec/index.ts";

/** One length and its probability weight (the weights of a distribution need not sum to 1). */
export interface LengthPoint {
  readonly tokens: number;
  readonly weight: number;
}

/** Quadrature nodes over a standard normal variable: z from −8 to 8 in steps of 1/256. */
const NODES = (() => {
  const z: number[] = [];
  const w: number[] = [];
  for (let k = -2048; k <= 2048; k += 1) {
    const x = k / 256;
    z.push(x);
    w.push(Math.exp((-x * x) / 2));
  }
  const total = w.reduce((a, b) => a + b, 0);
  return { z, w: w.map((x) => x / total) };
})();

/** Points of a uniform length on [a, b] at most. */
const UNIFORM_POINTS = 64;

/**
 * The distribution's points; a number is one point.
 * @example lengthPoints({ kind: "uniform", minTokens: 1, maxTokens: 3 }) // [{ tokens: 1, weight: 1 }, { tokens: 2, weight: 1 }, { tokens: 3, weight: 1 }]
 */
export function lengthPoints(spec: number | LengthDistributionSpec): LengthPoint[] {
  if (typeof spec === "number") return [{ tokens: spec, weight: 1 }];
  switch (spec.kind) {
    case "fixed":
      return [{ tokens: spec.tokens, weight: 1 }];
    case "uniform": {
      const { minTokens: a, maxTokens: b } = spec;
      const n = b - a + 1;
      if (n <= UNIFORM_POINTS) return Array.from({ length: n }, (_, k) => ({ tokens: a + k, weight: 1 }));
      // Equal sub-ranges, each at its mean.
      return Array.from({ length: UNIFORM_POINTS }, (_, k) => ({
        tokens: a - 0.5 + ((k + 0.5) * n) / UNIFORM_POINTS,
        weight: 1,
      }));
    }
    case "normal":
    case "lognormal": {
      const max = spec.maxTokens ?? Number.MAX_SAFE_INTEGER;
      const s = spec.kind === "normal" ? spec.stddevTokens : spec.sigma;
      const mu = spec.kind === "normal" ? spec.meanTokens : Math.log(spec.meanTokens) - (s * s) / 2;
      const draw = (z: number) => Math.round(spec.kind === "normal" ? mu + s * z : Math.exp(mu + s * z));
      return NODES.z.map((z, k) => ({
        tokens: Math.min(Math.max(draw(z), spec.minTokens), max),
        weight: NODES.w[k] ?? 0,
      }));
    }
    case "histogram":
      if (spec.bins === undefined)
        throw new SupernodeError(
          "invalid-value",
          `a histogram read from a file (${spec.file}) has no inline bins to draw points from; expected inline bins ({ tokens, weight } pairs)`,
        );
      return spec.bins.map((b) => ({ tokens: b.tokens, weight: b.weight }));
    default: {
      const unreachable: never = spec;
      throw new Error(`unknown length distribution ${JSON.stringify(unreachable)}`);
    }
  }
}
