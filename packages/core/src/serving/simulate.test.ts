import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { parseScenario } from "../deploy/scenario.ts";
import { instancePerformance } from "../perf/step-instance-performance.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { SupernodeError } from "../spec/errors.ts";
import { servingModelOf, simulate } from "./simulate.ts";
import { syntheticPerformance } from "./test-support/synthetic-performance.ts";

/** The CloudMatrix384 reference deployments (6 × 16-NPU prefill, 1 × 160-NPU decode) with a workload. */
function cloudMatrixServing(workload: unknown, serving: unknown = {}): string {
  const decode = parse(referenceScenarioText("cloudmatrix384-deepseek-r1-decode"));
  const prefill = parse(referenceScenarioText("cloudmatrix384-deepseek-r1-prefill"));
  return stringify({
    ...decode,
    deployment: { prefill: prefill.deployment.prefill, decode: decode.deployment.decode },
    workload,
    serving,
  });
}

describe("simulate(scenario)", () => {
  it("a saturated decode instance delivers the step model's throughput (real CloudMatrix384 step model, ±5 %)", () => {
    const prompt = 4096;
    const output = 256;
    const scenario = parseScenario(
      cloudMatrixServing({
        arrival: { kind: "closed-loop", concurrency: 2 * 15360 },
        promptTokens: { kind: "fixed", tokens: prompt },
        outputTokens: { kind: "fixed", tokens: output },
      }),
      "cm384-serving.yaml",
    );
    const decode = instancePerformance(scenario, "decode");
    // Prefill made effectively free, so that only the decode instance limits throughput.
    const fastPrefill = syntheticPerformance({
      prefillFixedS: 1e-4,
      prefillPerTokenS: 0,
      prefillPerPairS: 0,
    });
    const result = simulate(scenario, {
      requests: 120_000,
      seed: 1,
      performance: (role) => (role === "decode" ? decode : fastPrefill),
    });
    const batch = 96 * 160;
    const step = decode.decodeStepS({ sequences: batch, kvTokens: batch * (prompt + output / 2) });
    const expected = (batch * decode.meanTokensPerDecodeStep) / step;
    const simulated = result.summary.throughput.outputTokensPerS;
    expect(result.summary.requests.completed).toBe(120_000);
    expect(Math.abs(simulated - expected) / expected).toBeLessThan(0.05);
  });

  it("takes the batch limit, MTP and the fabric-costed KV transfer from the scenario", () => {
    const scenario = parseScenario(
      cloudMatrixServing(
        {
          arrival: { kind: "poisson", ratePerS: 50 },
          promptTokens: { kind: "fixed", tokens: 4096 },
          outputTokens: { kind: "fixed", tokens: 256 },
        },
        { prefixCache: { enabled: true, pooledTier: { enabled: true, via: "ub" } } },
      ),
      "cm384-serving.yaml",
    );
    const model = servingModelOf(scenario);
    expect(model.decode?.maxBatchSequences).toBe(96 * 160);
    expect(model.mtp).toEqual({ draftTokens: 1, acceptance: 0.7 });
    expect(model.kvTransfer?.description).toMatch(/RDMA|RoCE/);
    // 4K tokens of DeepSeek-R1 KV (~290 MB) over one die's RDMA NIC (200 Gbps): ~10 ms.
    const bytes = 4096 * (model.prefill?.perf.kvBytesPerToken ?? 0);
    const seconds = model.kvTransfer?.transferS(bytes) ?? 0;
    expect(seconds).toBeGreaterThan(bytes / 25e9);
    expect(seconds).toBeLessThan(bytes / 25e9 + 1e-3);
    // The pool: all 48 nodes' DRAM, read over UB.
    expect(model.pooledTier?.capacityTokens).toBeGreaterThan(1e9);
    expect(model.pooledTier?.transfer.description).toMatch(/UB/);
  });

  it("explains what is missing instead of failing later", () => {
    const noWorkload = parseScenario(
      referenceScenarioText("cloudmatrix384-deepseek-r1-decode"),
      "decode.yaml",
    );
    expect(() => simulate(noWorkload, { requests: 10 })).toThrow(SupernodeError);
    expect(() => simulate(noWorkload, { requests: 10 })).toThrow(/no workload section/);
    const decodeOnly = parseScenario(
      stringify({
        ...parse(referenceScenarioText("cloudmatrix384-deepseek-r1-decode")),
        workload: {
          arrival: { kind: "poisson", ratePerS: 1 },
          promptTokens: { kind: "fixed", tokens: 10 },
          outputTokens: { kind: "fixed", tokens: 10 },
        },
      }),
      "decode.yaml",
    );
    expect(() => simulate(decodeOnly, { requests: 10 })).toThrow(/both prefill and decode/);
  });

  it("a pooled tier on a system without catalog DRAM needs capacityGB (it was silently empty)", () => {
    const prefill = parse(referenceScenarioText("sglang-h100-deepseek-v3-prefill"));
    const decode = parse(referenceScenarioText("sglang-h100-deepseek-v3-decode"));
    const text = (pooledTier: unknown) =>
      stringify({
        ...decode,
        deployment: { prefill: prefill.deployment.prefill, decode: decode.deployment.decode },
        workload: {
          arrival: { kind: "poisson", ratePerS: 1 },
          promptTokens: { kind: "fixed", tokens: 4096 },
          outputTokens: { kind: "fixed", tokens: 16 },
        },
        serving: { prefixCache: { enabled: true, pooledTier } },
      });
    const withoutSize = parseScenario(text({ enabled: true, via: "vpc" }), "h100.yaml");
    expect(() => servingModelOf(withoutSize)).toThrow(/pooledTier\.capacityGB/);
    const sized = parseScenario(text({ enabled: true, via: "vpc", capacityGB: 1000 }), "h100.yaml");
    const tokens = Math.floor(1000e9 / (servingModelOf(sized).prefill?.perf.kvBytesPerToken ?? 1));
    expect(servingModelOf(sized).pooledTier?.capacityTokens).toBe(tokens);
  });
});
