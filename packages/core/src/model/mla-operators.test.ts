import { describe, expect, it } from "vitest";
import { layerOperators } from "./layer-operators.ts";
import type { ModelWorkload } from "./layer-work.ts";
import { sum } from "./test-support/decode-flops.ts";
import { byName } from "./test-support/operator-by-name.ts";
import { builtinModel } from "./zoo.ts";

describe("MLA forms", () => {
  const arch = builtinModel("deepseek-v3");
  const decode: ModelWorkload = { phase: "decode", sequences: 32, kvTokens: 32 * 8192 };

  it("defaults to absorbed in decode and naive in prefill", () => {
    expect(layerOperators(arch, 5, decode).some((o) => o.name === "attn.q_absorb")).toBe(true);
    const prefill = layerOperators(arch, 5, {
      phase: "prefill",
      sequences: 1,
      newTokens: 4096,
      attendedTokenPairs: (4096 * 4097) / 2,
    });
    expect(prefill.some((o) => o.name === "attn.kv_b_proj")).toBe(true);
  });

  it("absorbed attends over the 576-wide latent (3.4× the FLOPs per pair of naive 192/128 heads)", () => {
    const absorbed = byName(layerOperators(arch, 5, decode, { mlaForm: "absorbed" }), "attn.core");
    const naive = byName(layerOperators(arch, 5, decode, { mlaForm: "naive" }), "attn.core");
    expect(absorbed.flops / naive.flops).toBeCloseTo((576 + 512) / (192 + 128), 10);
    // Absorbed reads the latent cache once (MQA); naive reads the latent via kv_b_proj and k_pe in the core.
    expect(absorbed.bytesRead.kvCache).toBe((32 * 8192 + 32) * 576 * 2);
  });

  it("absorbed is cheaper in decode, naive is cheaper in a long prefill", () => {
    const decodeCost = (form: "naive" | "absorbed") =>
      sum(layerOperators(arch, 5, decode, { mlaForm: form }));
    expect(decodeCost("absorbed")).toBeLessThan(decodeCost("naive") / 10);
    const prefill: ModelWorkload = {
      phase: "prefill",
      sequences: 1,
      newTokens: 8192,
      attendedTokenPairs: (8192 * 8193) / 2,
    };
    const prefillCost = (form: "naive" | "absorbed") =>
      sum(layerOperators(arch, 5, prefill, { mlaForm: form }));
    expect(prefillCost("naive")).toBeLessThan(prefillCost("absorbed"));
  });

  it("computes the same attention output in both forms (numerical check on a small head)", () => {
    const rand = mulberry(7);
    const H = 2;
    const nope = 3;
    const rope = 2;
    const v = 3;
    const r = 4;
    const N = 5;
    const mat = (a: number, b: number) => Array.from({ length: a }, () => Array.from({ length: b }, rand));
    const wUK = Array.from({ length: H }, () => mat(nope, r));
    const wUV = Array.from({ length: H }, () => mat(v, r));
    const c = mat(N, r);
    const kPe = mat(N, rope);
    const qNope = mat(H, nope);
    const qPe = mat(H, rope);
    const mv = (m: number[][], x: number[]) => m.map((row) => dot(row, x));
    const mtv = (m: number[][], x: number[]) =>
      (m[0] ?? []).map((_, j) => m.reduce((s, row, i) => s + (row[j] ?? 0) * (x[i] ?? 0), 0));
    for (let h = 0; h < H; h++) {
      const uk = wUK[h] ?? [];
      const uv = wUV[h] ?? [];
      const qn = qNope[h] ?? [];
      const qp = qPe[h] ?? [];
      // Naive: expand keys and values per head.
      const naiveScores = c.map((cn, n) => dot(qn, mv(uk, cn)) + dot(qp, kPe[n] ?? []));
      const pN = softmax(naiveScores);
      const naiveOut = Array.from({ length: v }, (_, j) =>
        c.reduce((s, cn, n) => s + (pN[n] ?? 0) * (mv(uv, cn)[j] ?? 0), 0),
      );
      // Absorbed: fold W_UK into the query and W_UV after attending over the latent.
      const qLatent = mtv(uk, qn);
      const pA = softmax(c.map((cn, n) => dot(qLatent, cn) + dot(qp, kPe[n] ?? [])));
      const oLatent = Array.from({ length: r }, (_, j) =>
        c.reduce((s, cn, n) => s + (pA[n] ?? 0) * (cn[j] ?? 0), 0),
      );
      const absorbedOut = mv(uv, oLatent);
      for (let j = 0; j < v; j++) expect(absorbedOut[j]).toBeCloseTo(naiveOut[j] ?? Number.NaN, 12);
    }
  });
});

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
}

function softmax(x: readonly number[]): number[] {
  const max = Math.max(...x);
  const e = x.map((v) => Math.exp(v - max));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / z);
}

function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}
