import { describe, expect, it } from "vitest";
import { activationBytesPerToken } from "../deploy/index.ts";
import { scenarioOfCase } from "../report/scenario-case.ts";
import { instanceKvCapacityTokens } from "./kv-capacity.ts";
import { memoryPerChip } from "./memory-per-chip.ts";

// CloudMatrix-Infer's prefill (P2 §4.3.1: 16 NPUs = 32 dies, attention TP32 with sequence
// parallelism) at P2 Fig. 23's batch of 16K total tokens per NPU: 262,144 tokens per instance.
const budget = ["serving.scheduler.maxBatchTokens=262144"];

function capacity(overrides: string[]) {
  const scenario = scenarioOfCase({ scenario: "cloudmatrix384-deepseek-r1-prefill", overrides });
  const plan = scenario.deployment.prefill;
  if (plan === undefined) throw new Error("no prefill group");
  const memory = memoryPerChip(scenario, plan).perRank;
  return { scenario, plan, memory, tokens: instanceKvCapacityTokens(scenario, plan, memory) };
}

describe("instance KV capacity: the activation reserve of the scheduler's budget", () => {
  it("under sequence-parallel attention a rank reserves its 1/TP share of the budget", () => {
    const { scenario, plan, memory, tokens } = capacity(budget);
    expect(plan.attention).toMatchObject({ tp: 32, dp: 1, sequenceParallel: true });
    const perToken = activationBytesPerToken(scenario.model, plan);
    expect(perToken).toBe((4 * 7168 + 2 * 2 * 2048 * 8) * 2); // 188,416 B: DeepSeek-R1, EP (no expert TP)
    const reserve = (262144 / 32) * perToken; // 8,192 tokens per die: 1.54 GB
    const forKv =
      memory.capacityBytes -
      memory.weightsBytes -
      memory.communicationBuffersBytes -
      Math.max(memory.activationsBytes, reserve);
    expect(tokens).toBe(Math.floor(forKv / memory.kvBytesPerTokenOnRank));
    // 64 prompts of 4K (the batch) fit with room to spare
    expect(tokens).toBeGreaterThan(262144);
  });

  it("without sequence parallelism every TP rank holds the whole iteration: the same budget leaves no KV", () => {
    const { tokens } = capacity([...budget, "deployment.prefill.attention.sequenceParallel=false"]);
    expect(tokens).toBe(0); // 262,144 × 188,416 B = 49.4 GB per die of activations
  });
});

describe("instance KV capacity: a disaggregated decode instance", () => {
  it("reserves no activations for the prefill budget: its capacity is the same at any budget", () => {
    const at = (tokens: number) => {
      const scenario = scenarioOfCase({
        scenario: "cloudmatrix384-deepseek-r1-decode",
        overrides: [`serving.scheduler.maxBatchTokens=${tokens}`],
      });
      const plan = scenario.deployment.decode;
      if (plan === undefined) throw new Error("no decode group");
      return instanceKvCapacityTokens(scenario, plan, memoryPerChip(scenario, plan).perRank);
    };
    expect(at(262144)).toBe(at(1024));
    expect(at(262144)).toBeGreaterThan(160 * 96 * 4096); // the reference decode batch at KV 4,096
  });
});

describe("instance KV capacity: SGLang's static memory fraction", () => {
  const at = (scenarioId: string, overrides: string[] = []) => {
    const scenario = scenarioOfCase({ scenario: scenarioId, overrides });
    const plan = scenario.deployment.colocated;
    if (plan === undefined) throw new Error("no colocated group");
    const memory = memoryPerChip(scenario, plan).perRank;
    return { plan, memory, tokens: instanceKvCapacityTokens(scenario, plan, memory) };
  };

  it("gives the launch's fraction of HBM less weights and buffers, with no activation reserve", () => {
    const { memory, tokens } = at("sglang-h200-deepseek-r1-tp8-burst"); // memFractionStatic 0.881, TP8
    const forKv = 0.881 * memory.capacityBytes - memory.weightsBytes - memory.communicationBuffersBytes;
    expect(tokens).toBe(Math.floor(forKv / memory.kvBytesPerTokenOnRank));
    // 0.881 × 150.28 − 87.50 − 0.02 GB ≈ 44.9 GB of a 71,424-byte MLA token: ≈ 628,000 tokens
    expect(tokens).toBeGreaterThan(620_000);
    expect(tokens).toBeLessThan(635_000);
  });

  it("without a launch value takes the release's default, per DP rank, summed over the DP ranks", () => {
    const { plan, memory, tokens } = at("sglang-h200-deepseek-v3.2-dp8-burst");
    expect(plan.attention.dp).toBe(8);
    const mib = memory.capacityBytes / 2 ** 20;
    const fraction = Math.round(((mib - 33280) / mib) * 1000) / 1000; // the DP8 reserve of 33,280 MiB
    const forKv = fraction * memory.capacityBytes - memory.weightsBytes - memory.communicationBuffersBytes;
    expect(tokens).toBe(Math.floor(forKv / memory.kvBytesPerTokenOnRank) * 8);
  });

  it("a written usableFraction keeps the activation-reserve split; beside memFractionStatic it is refused", () => {
    const { memory, tokens } = at("sglang-h200-deepseek-v3.2-dp8-burst", [
      "serving.kvCache.usableFraction=0.55",
    ]);
    const reserve = memory.capacityBytes - memory.weightsBytes - memory.communicationBuffersBytes;
    expect(tokens).toBeLessThanOrEqual(Math.floor(reserve / memory.kvBytesPerTokenOnRank) * 8);
    expect(tokens).toBeGreaterThan(Math.floor((0.8 * reserve) / memory.kvBytesPerTokenOnRank) * 8);
    expect(() => at("sglang-h200-deepseek-r1-tp8-burst", ["serving.kvCache.usableFraction=0.6"])).toThrow(
      /memFractionStatic/,
    );
  });
});
