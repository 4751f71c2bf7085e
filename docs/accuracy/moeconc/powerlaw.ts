// Port of aiconfigurator collector/helper.py _generate_power_law_distribution (@095f58a5, lines 1343-1445)
// and sample_power_law (lines 1070-1086): per-expert counts, heaviest EP rank swapped to rank 0.
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
function adjust(
  c: number[],
  ep: number,
  per: number,
  remaining: number,
  valid: (v: number) => boolean,
  pickMax: boolean,
  step: number,
) {
  while (remaining > 0) {
    let progressed = false;
    for (let r = 0; r < ep; r++) {
      let best = -1;
      for (let j = 0; j < per; j++) {
        const v = c[r * per + j]!;
        if (!valid(v)) continue;
        if (best < 0 || (pickMax ? v > c[r * per + best]! : v < c[r * per + best]!)) best = j;
      }
      if (best < 0) continue;
      c[r * per + best]! += step;
      c[r * per + best] = c[r * per + best]!;
      remaining--;
      progressed = true;
      if (remaining === 0) break;
    }
    if (!progressed) break;
  }
}
export function powerLawCounts(
  T: number,
  E: number,
  k: number,
  ep: number,
  alpha: number,
  u: () => number,
): number[] {
  const [xmin, xmax] = T * k > E ? [1, T * 0.8] : [0.01, 2];
  const a = 1 - alpha;
  const x = Array.from({ length: E }, () => ((xmax ** a - xmin ** a) * u() + xmin ** a) ** (1 / a));
  const sum = x.reduce((p, q) => p + q, 0);
  const target = T * k;
  let c = x.map((v) => roundHalfEven((v / sum) * target));
  let overflow = 0;
  c = c.map((v) => {
    if (v > T) {
      overflow += v - T;
      return T;
    }
    return v;
  });
  const per = E / ep;
  if (overflow > 0) adjust(c, ep, per, overflow, (v) => v < T, false, 1);
  const delta = target - c.reduce((p, q) => p + q, 0);
  if (delta > 0) adjust(c, ep, per, delta, (v) => v < T, false, 1);
  else if (delta < 0) adjust(c, ep, per, -delta, (v) => v > 0, true, -1);
  let maxR = 0,
    maxS = -1;
  for (let r = 0; r < ep; r++) {
    let s = 0;
    for (let j = 0; j < per; j++) s += c[r * per + j]!;
    if (s > maxS) {
      maxS = s;
      maxR = r;
    }
  }
  return c.slice(maxR * per, maxR * per + per);
}
