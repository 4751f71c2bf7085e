import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { stepContext, stepTime } from "./step-model.ts";
import { must } from "./test-support/reference-scenario.ts";

// Nemotron 3 Super (single-mixer blocks, latent MoE) decoding with attention TP2 and EP8.
const scenario = parseScenario(
  `
name: Nemotron 3 Super decode, TP2 EP8
system: hgx-h200
model: nemotron-3-super-120b-a12b
precision: { weights: fp8, kvCache: fp8, dispatch: fp8, combine: bf16 }
deployment:
  decode: { instances: 1, chipsPerInstance: 8, attention: { tp: 2 }, moe: { ep: 8, tp: 1 }, batchPerChip: 16, kvLength: 4096 }
`,
  "super.yaml",
);

describe("a step over single-mixer blocks (Nemotron-H)", () => {
  const plan = must(scenario.deployment.decode);
  const step = stepTime(stepContext(scenario, plan), { phase: "decode", sequences: 64, kvTokens: 64 * 4096 });
  const items = (l: (typeof step.layers)[number]) => l.timing.items.map((i) => i.name);

  it("times the MoE blocks without an attention or its TP all-reduce, the mixers without an FFN", () => {
    const moe = must(step.layers.find((l) => l.kind === "moe"));
    expect(moe.noMixer).toBe(true);
    expect(moe.count).toBe(40);
    expect(items(moe)).not.toContain("attn.all_reduce");
    expect(items(moe)).toContain("moe.dispatch");
    const mamba = must(step.layers.find((l) => l.kind === "none" && l.linearAttention === true));
    expect(mamba.count).toBe(40);
    expect(items(mamba)).toContain("attn.all_reduce");
    expect(items(mamba).some((n) => n.startsWith("moe.") || n.startsWith("ffn."))).toBe(false);
    expect(step.layers.find((l) => l.kind === "none" && l.linearAttention !== true)?.count).toBe(8);
  });
});
