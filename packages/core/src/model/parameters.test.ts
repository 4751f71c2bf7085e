import { describe, expect, it } from "vitest";
import { layerKinds } from "./layer-kinds.ts";
import { countParameters } from "./parameters.ts";
import { builtinModel, builtinModelIds } from "./zoo.ts";

function relativeError(ours: number, published: number): number {
  return Math.abs(ours - published) / published;
}

describe("countParameters", () => {
  it.each([
    ["deepseek-v3", 671e9, 37e9],
    ["kimi-k2", 1.04e12, 32e9],
    ["llama-3.1-8b", 8e9, undefined],
    ["llama-3.1-70b", 70e9, undefined],
    ["llama-3.1-405b", 405e9, undefined],
    ["qwen3-32b", 32.8e9, undefined],
    ["qwen3-235b-a22b", 235e9, 22e9],
    ["mixtral-8x7b", 46.7e9, 12.9e9],
    ["gpt-moe-1.8t", 1.8e12, undefined],
  ] as const)("%s is within 2%% of its published total and activated counts", (id, total, activated) => {
    const counts = countParameters(builtinModel(id));
    expect(relativeError(counts.total, total)).toBeLessThan(0.02);
    if (activated !== undefined)
      expect(relativeError(counts.activatedPerToken, activated)).toBeLessThan(0.02);
  });

  it("matches the zoo files' published figures", () => {
    for (const id of builtinModelIds()) {
      const arch = builtinModel(id);
      const counts = countParameters(arch);
      const p = arch.published;
      if (p?.totalParams !== undefined)
        expect(relativeError(counts.total, p.totalParams.value)).toBeLessThan(0.02);
      const activated = p?.activatedParams;
      if (activated !== undefined) {
        const ours =
          activated.includesEmbedding === true ? counts.activatedWithEmbedding : counts.activatedPerToken;
        expect(relativeError(ours, activated.value)).toBeLessThan(0.02);
      }
    }
  });

  it("counts DeepSeek-V3's MTP module near the 11.5B unique parameters of README_WEIGHTS", () => {
    const c = countParameters(builtinModel("deepseek-v3"));
    expect(relativeError(c.mtp, 11.5e9)).toBeLessThan(0.02);
    expect(c.withMtp).toBe(c.total + c.mtp);
  });

  it("splits parameters into components that sum to the total", () => {
    for (const id of builtinModelIds()) {
      const c = countParameters(builtinModel(id));
      const parts = Object.entries(c.byComponent)
        .filter(([k]) => k !== "mtp")
        .reduce((s, [, v]) => s + v, 0);
      expect(parts).toBe(c.total);
      expect(c.perLayer.reduce((a, b) => a + b, 0) + c.embedding + c.lmHead).toBe(c.total);
    }
  });

  it("counts a dense model's activated parameters as all but the embedding table", () => {
    const c = countParameters(builtinModel("llama-3.1-8b"));
    expect(c.activatedPerToken).toBe(c.total - c.embedding);
    expect(c.activatedWithEmbedding).toBe(c.total);
  });

  it("counts Llama 3.1 8B exactly (hand count)", () => {
    const h = 4096;
    const layer = h * 4096 * 2 + h * 1024 * 2 + 3 * h * 14336 + 2 * h;
    expect(countParameters(builtinModel("llama-3.1-8b")).total).toBe(32 * layer + 2 * 128256 * h + h);
  });
});

describe("layerKinds", () => {
  it("follows first_k_dense_replace and the sparse step", () => {
    const ds = layerKinds(builtinModel("deepseek-v3"));
    expect(ds.slice(0, 4)).toEqual(["dense", "dense", "dense", "moe"]);
    expect(ds.filter((k) => k === "moe").length).toBe(58);
    expect(layerKinds(builtinModel("kimi-k2")).filter((k) => k === "dense").length).toBe(1);
    expect(new Set(layerKinds(builtinModel("mixtral-8x7b")))).toEqual(new Set(["moe"]));
    expect(new Set(layerKinds(builtinModel("llama-3.1-70b")))).toEqual(new Set(["dense"]));
  });
});
