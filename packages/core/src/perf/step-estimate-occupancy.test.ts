import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/index.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const SGL_64K = "sglang-h200-deepseek-v3-decode-64k";

describe("requests placed on attention-DP ranks at random (requestsInFlight)", () => {
  it("counts only the busy slots in throughput; the step and TPOT stay at the full batch", () => {
    const placed = must(estimate(referenceScenario(SGL_64K)).decode);
    const full = must(estimate(referenceScenario(SGL_64K, "deployment.decode.requestsInFlight=null")).decode);
    expect(full.slotOccupancy).toBe(1);
    expect(placed.slotOccupancy).toBeGreaterThan(0.64);
    expect(placed.slotOccupancy).toBeLessThan(0.74);
    expect(placed.tpotS).toBe(full.tpotS);
    expect(placed.tokensPerSPerChip).toBeCloseTo(full.tokensPerSPerChip * placed.slotOccupancy, 9);
  });

  it("a long backlog of requests fills the slots again (the queues of a random placement drift, so it takes many)", () => {
    const backlog = must(
      estimate(referenceScenario(SGL_64K, "deployment.decode.requestsInFlight.count=512")).decode,
    );
    expect(backlog.slotOccupancy).toBeGreaterThan(0.95);
  });

  it("is refused on a prefill group, at the field", () => {
    expect(() =>
      referenceScenario(
        "sglang-h100-deepseek-v3-prefill",
        "deployment.prefill.requestsInFlight={ count: 32, placement: random }",
      ),
    ).toThrow(SupernodeError);
  });
});
