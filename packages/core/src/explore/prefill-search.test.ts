import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { estimate } from "../perf/step-estimate.ts";
import type { SourceDocument } from "../spec/parse-document.ts";
import { gptMoeDocument, gptMoeSpace } from "./example-gpt-moe.ts";
import { searchPrefill } from "./prefill-search.ts";
import { defaultPrefillSpace } from "./serving-search.ts";

describe("searchPrefill", () => {
  it("gives every candidate the figures of its own document parsed and estimated from scratch", () => {
    // Candidates resolve from the once-validated document, later prompt-token counts of a layout
    // from its first plan; pipeline stages (pp 2) take the full resolution.
    const d: SourceDocument = {
      fileName: "gb200-nvl72.yaml",
      data: gptMoeDocument("gb200-nvl72", "fp4", "test"),
      locate: () => undefined,
    };
    const base = parseScenarioSource(d);
    const space = {
      ...defaultPrefillSpace({
        ...gptMoeSpace("fp4"),
        chipsPerInstance: [32, 64],
        attentionTp: [8],
        moeTp: [2, 4],
      }),
      pp: [1, 2],
      tokensPerChip: [1024, 4096, 16384],
    };
    const r = searchPrefill(d, base, space, { slo: { ttftS: 5 } });
    expect(r.points.length).toBeGreaterThan(4);
    expect(r.points.some((p) => (p.layout.pp ?? 1) > 1)).toBe(true);
    for (const p of r.points) {
      const scenario = parseScenarioSource(d, undefined, {
        overrides: [...p.overrides, { path: ["deployment", "decode"], value: null }],
      });
      const prefill = estimate(scenario).prefill;
      expect(prefill?.tokensPerSPerChip).toBe(p.tokensPerSPerChip);
      expect(prefill?.ttftS).toBe(p.prefillS);
      expect(scenario.deployment.prefill?.tokensPerChip).toBe(p.tokensPerChip);
    }
  });
});
