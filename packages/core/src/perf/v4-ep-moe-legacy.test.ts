import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { estimate } from "./step-estimate.ts";
import { must } from "./test-support/reference-scenario.ts";

/**
 * DeepGEMM PR 316 (deepseek-ai/DeepGEMM, 2026-04-24, "Add various optimizations and Mega MoE
 * benchmarks"): Mega MoE at EP8 on an SM100 GPU (not named), tokens per rank 1 / 512, with its
 * speedup over the legacy path (DeepEP dispatch + grouped GEMMs + DeepEP combine). legacy µs =
 * Mega MoE µs × speedup [derived]. V4-Flash: 56.5 × 1.96, 146.5 × 1.73; V4-Pro: 108.1 × 1.61,
 * 369.6 × 1.54. Nothing in the model is set from these; docs/step-model.md §8 "DeepSeek-V4's MoE
 * at EP8 on Blackwell against DeepGEMM's Mega MoE table".
 */
const PUBLISHED = {
  "deepseek-v4-flash": { 1: { mega: 56.5, legacy: 56.5 * 1.96 }, 512: { mega: 146.5, legacy: 146.5 * 1.73 } },
  "deepseek-v4-pro": { 1: { mega: 108.1, legacy: 108.1 * 1.61 }, 512: { mega: 369.6, legacy: 369.6 * 1.54 } },
} as const;

/** The model's routed MoE path (dispatch + routed experts + combine) of one MoE layer, µs. */
function routedMoeUs(model: keyof typeof PUBLISHED, tokensPerRank: 1 | 512): number {
  const scenario = parseScenario(
    `system: dgx-b200
engine: { name: sglang }
model: ${model}
precision:
  weights: fp8
  activations: fp8
  kvCache: fp8
  attention: bf16
  indexer: fp4
  dispatch: fp8
  combine: bf16
  components:
    attentionProjections: { weights: fp8, scheme: block-128x128, math: fp8 }
    experts: { weights: fp4, scheme: mxfp4-g32, math: fp8 }
    sharedExperts: { weights: fp8, scheme: block-128x128, math: fp8 }
deployment:
  decode:
    chipsPerInstance: 8
    attention: { tp: 1 }
    denseFfn: { tp: 1 }
    moe: { ep: 8 }
    expertImbalance: { distribution: uniform-random }
    microbatchOverlap: false
    batchPerChip: ${tokensPerRank}
    kvLength: 64`,
    "v4-ep8-moe.yaml",
  );
  const layers = must(estimate(scenario).decode).step.layers;
  // A top-k routed layer (the benchmark routes by top-k; V4's first layers route by token hash).
  // The routed path is the same in every such layer (attention differs by compression ratio).
  const layer = must(layers.find((l) => l.kind === "moe" && l.hashRouted !== true));
  const g = layer.timing.byGroup;
  return ((g.dispatch ?? 0) + (g.experts ?? 0) + (g.combine ?? 0)) * 1e6;
}

describe("DeepSeek-V4's MoE at EP8 on B200 against DeepGEMM's published Mega MoE table (PR 316)", () => {
  for (const model of ["deepseek-v4-flash", "deepseek-v4-pro"] as const) {
    for (const tokens of [1, 512] as const) {
      it(`${model}, ${tokens} tokens per rank: the DeepEP + grouped-GEMM path is the published legacy time (±15 %), above Mega MoE`, () => {
        const us = routedMoeUs(model, tokens);
        const { mega, legacy } = PUBLISHED[model][tokens];
        expect(us / legacy - 1).toBeGreaterThan(-0.15);
        expect(us / legacy - 1).toBeLessThan(0.15);
        // Mega MoE (fused, communication overlapped) is 1.5–2× under the legacy path; the model
        // costs the legacy path, so it sits well above the fused kernel's time.
        expect(us).toBeGreaterThan(1.3 * mega);
      });
    }
  }
});
