import { describe, expect, it } from "vitest";
import { scenarioOfCase } from "../report/scenario-case.ts";
import { prefixReuseRuns } from "./prefix-reuse-ratio.ts";

// P2 Fig. 23's ablation (examples/cloudmatrix384-deepseek-r1-context-cache.yaml), shortened.
const scenario = (overrides: string[]) =>
  scenarioOfCase({
    scenario: "cloudmatrix384-deepseek-r1-context-cache",
    overrides: ["workload.requests=1200", ...overrides],
  });

describe("prefix reuse against the same scenario without it", () => {
  const { withReuse, withoutReuse } = prefixReuseRuns(scenario([]));

  it("the run without computes every prompt token and hits no cache", () => {
    expect(withoutReuse.requests.completed).toBe(1200);
    expect(withoutReuse.prefixCache.eligibleTokens).toBe(0);
    expect(withoutReuse.prefill.computedTokens).toBe(withoutReuse.prefill.requestedTokens);
  });

  it("with 90 % reuse every hit is served by the pool and computes the 410 tokens it does not share", () => {
    expect(withReuse.requests.completed).toBe(1200);
    expect(withReuse.prefixCache.hbmHitTokens).toBe(0);
    const hits = withReuse.prefixCache.poolHitTokens / 3686;
    expect(Number.isInteger(hits)).toBe(true);
    // the first round (400 prompts, pool still empty) misses, and a few prompts admitted before
    // their group's first prefill completes; the others hit
    expect(hits).toBeLessThanOrEqual(1200 - 400);
    expect(hits).toBeGreaterThan(1200 - 400 - 16);
    expect(withReuse.prefill.computedTokens).toBe(1200 * 4096 - hits * 3686);
    expect(withReuse.ttftS.p50).toBeLessThan(withoutReuse.ttftS.p50);
  });

  it("a scenario without prefix sharing is refused with the field named", () => {
    const plain = scenario(["serving.prefixCache.enabled=false"]);
    expect(() => prefixReuseRuns(plain)).toThrow(/workload\.prefixSharing and serving\.prefixCache\.enabled/);
  });
});
