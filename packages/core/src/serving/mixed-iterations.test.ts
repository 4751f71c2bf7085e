import { describe, expect, it } from "vitest";
import { denseColocatedScenario } from "../perf/test-support/dense-colocated.ts";
import { simulate } from "./simulate.ts";

/** Mixed iterations of a Sarathi-style run: Llama-2-7B on one H100, 512-token budget. */
function mixedIterations(budgetCountsDecodes: boolean) {
  const result = simulate(denseColocatedScenario({ ratePerS: 2, budgetCountsDecodes }), { requests: 64 });
  const t = result.trace;
  const rows: { newTokens: number; sequences: number }[] = [];
  for (let i = 0; i < t.kind.length; i++)
    if (t.kind[i] === "mixed") rows.push({ newTokens: t.newTokens[i] ?? 0, sequences: t.sequences[i] ?? 0 });
  return { rows, result };
}

describe("mixed iterations under a token budget", () => {
  it("count the decoding sequences' tokens against the budget (Sarathi-Serve, vLLM), or not when told", () => {
    const counted = mixedIterations(true);
    const promptOnly = mixedIterations(false);
    expect(counted.rows.length).toBeGreaterThan(10);
    // prompt tokens + decoding sequences ≤ 512 (+ at most two chunks counted among the sequences)
    for (const r of counted.rows) expect(r.newTokens + r.sequences).toBeLessThanOrEqual(512 + 2);
    expect(promptOnly.rows.some((r) => r.newTokens === 512 && r.sequences > 2)).toBe(true);
    for (const run of [counted, promptOnly]) expect(run.result.summary.requests.completed).toBe(64);
  });

  it("without chunked prefill: prefill-only iterations by default, whole prompts beside the decodes with mixWithDecode (TensorRT-LLM)", () => {
    const kinds = (mixWithDecode?: boolean) => {
      const scenario = denseColocatedScenario({
        ratePerS: 2,
        chunkedPrefill: false,
        ...(mixWithDecode !== undefined && { mixWithDecode }),
      });
      const t = simulate(scenario, { requests: 64 }).trace;
      const mixed: number[] = [];
      for (let i = 0; i < t.kind.length; i++) if (t.kind[i] === "mixed") mixed.push(t.newTokens[i] ?? 0);
      return mixed;
    };
    expect(kinds()).toEqual([]);
    const whole = kinds(true);
    expect(whole.length).toBeGreaterThan(10);
    // a prompt is never split: every mixed iteration prefills whole 2,048-token prompts
    for (const tokens of whole) expect(tokens % 2048).toBe(0);
  });
});
