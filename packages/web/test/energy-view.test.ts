import { readFileSync } from "node:fs";
import { join } from "node:path";
import { estimate, estimateEnergy, parseScenario } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { estimateJob } from "../src/worker/jobs/estimate-job.ts";

const EXAMPLES = join(import.meta.dirname, "../../../examples");

describe("Estimate view: energy and cost beside throughput", () => {
  it("shows core's watts, joules per token, tokens/s per kW and $ per million tokens for each phase", () => {
    for (const name of [
      "cloudmatrix384-deepseek-r1-decode.yaml",
      "cloudmatrix384-deepseek-r1-prefill.yaml",
    ]) {
      const text = readFileSync(join(EXAMPLES, name), "utf8");
      const view = estimateJob({ text, fileName: name });
      const scenario = parseScenario(text, name);
      const core = estimateEnergy(scenario, estimate(scenario));
      for (const phase of view.phases) {
        const e = phase.role === "prefill" ? core.prefill : core.decode;
        const shown = phase.energy;
        expect(shown, `${name} ${phase.role}`).toBeDefined();
        expect(shown?.tokens).toBe(phase.role === "prefill" ? "input" : "output");
        expect(shown?.wattsPerChip).toBe(e?.wattsPerChip.value);
        const j = phase.role === "prefill" ? e?.joulesPerInputToken : e?.joulesPerOutputToken;
        expect(shown?.joulesPerToken).toBe(j?.value);
        expect(shown?.tokensPerSPerKW).toBeCloseTo(
          phase.tokensPerSPerChip / ((e?.wattsPerChip.value ?? 1) / 1000),
          9,
        );
        expect(shown?.usdPerMillionTokens).toBeGreaterThan(0);
      }
      expect(view.energyAssumptions.map((a) => a.id)).toEqual(Object.keys(core.assumptions));
    }
  });
});
