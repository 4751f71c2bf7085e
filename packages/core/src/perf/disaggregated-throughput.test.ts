import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { estimate } from "./step-estimate.ts";

// Two pools of one HGX H200 each (Llama 3.1 70B FP8): one prefill instance, one decode instance.
const pd = (outputTokens: number, workload = true) =>
  parseScenario(
    `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  prefill: { instances: 1, chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 }, tokensPerChip: 2048, promptLength: 2048 }
  decode: { instances: 2, chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 }, batchPerChip: 16, kvLength: 2048 }
${workload ? `workload: { arrival: { kind: poisson, ratePerS: 1 }, promptTokens: { kind: fixed, tokens: 2048 }, outputTokens: { kind: fixed, tokens: ${outputTokens} } }` : ""}
`,
    "pd.yaml",
  );

describe("a disaggregated deployment's throughput per chip of both pools", () => {
  it("serves the smaller of the two pools' request rates, divided by every chip of both", () => {
    for (const output of [16, 4096]) {
      const e = estimate(pd(output));
      const p = e.prefill;
      const d = e.decode;
      const x = e.disaggregated;
      if (p === undefined || d === undefined || x === undefined) throw new Error("missing estimate");
      const prefillRps = p.tokensPerSPerInstance / 2048;
      const decodeRps = (2 * d.tokensPerSPerInstance) / output;
      expect(x.prefillChips).toBe(8);
      expect(x.decodeChips).toBe(16);
      expect(x.prefillRequestsPerS).toBeCloseTo(prefillRps, 9);
      expect(x.decodeRequestsPerS).toBeCloseTo(decodeRps, 9);
      expect(x.outputTokensPerSPerChip).toBeCloseTo((Math.min(prefillRps, decodeRps) * output) / 24, 9);
      // Short answers: the prefill pool cannot keep the decode pool busy; long ones: the reverse.
      expect(x.bound).toBe(output === 16 ? "prefill" : "decode");
      expect(output === 16 ? x.decodeUtilization : x.prefillUtilization).toBeLessThan(1);
    }
  });

  it("is absent without a workload (no output length) and for a colocated deployment", () => {
    expect(estimate(pd(256, false)).disaggregated).toBeUndefined();
    const colocated = parseScenario(
      `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8 }
deployment:
  colocated: { chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 }, batchPerChip: 8, kvLength: 1024, tokensPerChip: 1024, promptLength: 1024 }
workload: { arrival: { kind: poisson, ratePerS: 1 }, promptTokens: { kind: fixed, tokens: 1024 }, outputTokens: { kind: fixed, tokens: 256 } }
`,
      "colocated.yaml",
    );
    expect(estimate(colocated).disaggregated).toBeUndefined();
  });
});
