/**
 * Seeded random numbers for the serving simulator (pure-rand's xoroshiro128+ underneath). One
 * `Rng` per independent stream (arrivals, lengths, MTP acceptance...) so that changing one part of
 * a workload does not reshuffle the others. Mutable by design: sampling allocates nothing.
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

type Generator = ReturnType<typeof xoroshiro128plus>;

const TWO_POW_26 = 2 ** -26;
const TWO_POW_53 = 2 ** -53;

export class Rng {
  private readonly generator: Generator;
  private spareNormal = Number.NaN;

  /** @example const rng = new Rng(42, 1); rng.uniform(); // in [0, 1) */
  constructor(seed: number, stream: number) {
    this.generator = xoroshiro128plus((seed * 0x9e3779b1 + stream * 0x85ebca6b) | 0);
    // Decorrelate nearby seeds: discard a few outputs.
    for (let i = 0; i < 8; i++) this.generator.next();
  }

  /** Uniform in [0, 1), 53 bits. */
  uniform(): number {
    const high = (this.generator.next() >>> 0) >>> 6; // 26 bits
    const low = (this.generator.next() >>> 0) >>> 5; // 27 bits
    return high * TWO_POW_26 + low * TWO_POW_53;
  }

  /** Uniform in [0, 1) with 32 bits (one generator call; for Bernoulli trials). */
  uniform32(): number {
    return (this.generator.next() >>> 0) * 2.3283064365386963e-10;
  }

  /** Integer uniform in [min, max]. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** Exponential with the given rate (mean 1/rate). */
  exponential(rate: number): number {
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (!Number.isNaN(this.spareNormal)) {
      const value = this.spareNormal;
      this.spareNormal = Number.NaN;
      return value;
    }
    let u = 0;
    let v = 0;
    let s = 0;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const factor = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * factor;
    return u * factor;
  }

  /** Gamma(shape, scale) by Marsaglia–Tsang (shape < 1 boosted). Mean shape × scale. */
  gamma(shape: number, scale: number): number {
    if (shape < 1) {
      const boost = this.uniform() ** (1 / shape);
      return this.gamma(shape + 1, scale) * (boost === 0 ? Number.MIN_VALUE : boost);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x = 0;
      let v = 0;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x) return d * v * scale;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v * scale;
    }
  }
}

/** Independent stream numbers, one per consumer. */
export const RNG_STREAM = {
  arrivals: 1,
  promptLengths: 2,
  outputLengths: 3,
  prefixGroups: 4,
  priorities: 5,
  mtp: 6,
} as const;
