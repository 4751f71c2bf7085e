import { describe, expect, it } from "vitest";
import { parseScenario } from "../deploy/scenario.ts";
import { linearStateBytesPerSequence } from "../model/index.ts";
import { servingModelOf } from "../serving/simulate.ts";
import { hybridStateLimits } from "./hybrid-state-pool.ts";
import { offlineSearch } from "./offline-point.ts";

const qwen = (engine: string, extra = "") =>
  parseScenario(
    `system: dgx-b200
${engine}
${extra}
model: qwen3.6-27b
precision: { weights: bf16, kvCache: bf16, attention: bf16, linearState: fp32 }
deployment:
  colocated: { chipsPerInstance: 1, attention: { tp: 1 }, denseFfn: { tp: 1 } }
offline: { promptTokens: 8192, outputTokens: 1024, maxSequencesPerInstance: 1024 }
serving: { kvCache: { usableFraction: 0.73 } }`,
    "qwen.yaml",
  );

describe("SGLang's state pool for a hybrid model", () => {
  it("splits the cache memory 0.9 : 1 between state and KV and runs a fifth of the state slots", () => {
    const s = qwen('engine: { name: sglang, version: "0.5.15" }');
    const plan = s.deployment.colocated;
    if (plan === undefined) throw new Error("no colocated group");
    const pool = 1_000_000;
    const limits = hybridStateLimits(s, plan, pool);
    if (limits === undefined) throw new Error("no limits");
    // 48 Gated DeltaNet layers: 48 value heads × 128 × 128 FP32 + a 3-tap BF16 conv state of 10,240 channels.
    const state = linearStateBytesPerSequence(s.model, "bf16", "fp32");
    expect(state).toBe(48 * (48 * 128 * 128 * 4 + 3 * 10240 * 2));
    // 17 full-attention layers (the MTP module's included): 4 KV heads of 256, K and V, BF16.
    const full = 17 * 4 * 256 * 2 * 2;
    const context = plan.kvLength ?? 0;
    const bytes = pool * (full + state / context);
    expect(limits.kvTokens * full).toBeCloseTo(bytes / 1.9, -6);
    expect(limits.stateSlots).toBe(Math.floor((bytes * 0.9) / 1.9 / state));
    expect(limits.maxRunningSequences).toBe(Math.floor(limits.stateSlots / 5));
  });

  it("runs slots ÷ 3 with no_buffer, ÷ 4 with extra_buffer and no overlap scheduler, all slots without the radix cache", () => {
    const at = (flags: string) => {
      const s = qwen(`engine: { name: sglang, version: "0.5.15"${flags} }`);
      const plan = s.deployment.colocated;
      if (plan === undefined) throw new Error("no colocated group");
      const limits = hybridStateLimits(s, plan, 1_000_000);
      if (limits === undefined) throw new Error("no limits");
      return limits;
    };
    const auto = at("");
    expect(at(", mambaSchedulerStrategy: no_buffer").maxRunningSequences).toBe(
      Math.floor(auto.stateSlots / 3),
    );
    expect(at(", mambaSchedulerStrategy: extra_buffer").maxRunningSequences).toBe(auto.maxRunningSequences);
    expect(at(", mambaSchedulerStrategy: extra_buffer, overlapScheduler: false").maxRunningSequences).toBe(
      Math.floor(auto.stateSlots / 4),
    );
    expect(at(", disableRadixCache: true").maxRunningSequences).toBe(auto.stateSlots);
    // The split of the memory does not depend on the strategy.
    expect(at(", mambaSchedulerStrategy: no_buffer").kvTokens).toBe(auto.kvTokens);
  });

  it("refuses a state-pool strategy under an engine that records none", () => {
    expect(() => qwen("engine: { name: vllm, mambaSchedulerStrategy: no_buffer }")).toThrow(
      /no hybrid-model state-pool strategies.*leave engine\.mambaSchedulerStrategy out/,
    );
  });

  it("bounds the offline batch by the running-request cap, not the KV cache", () => {
    const sglang = offlineSearch(qwen('engine: { name: sglang, version: "0.5.15" }'));
    expect(sglang.limit).toBe("state-pool");
    expect(sglang.best.sequencesPerInstance).toBeLessThan(sglang.kvCacheCapacityTokens / (8192 + 1024 + 128));
    // Without an engine that records the rule, the state shares the KV pool (amortised over the context).
    const none = offlineSearch(qwen(""));
    expect(none.limit).not.toBe("state-pool");
    expect(none.best.sequencesPerInstance).toBeGreaterThan(sglang.best.sequencesPerInstance);
  });

  it("caps the serving simulator's running requests and KV pool the same way", () => {
    const s = qwen(
      'engine: { name: sglang, version: "0.5.15" }',
      "workload: { arrival: { kind: poisson, ratePerS: 1 }, promptTokens: { kind: fixed, tokens: 1024 }, outputTokens: { kind: fixed, tokens: 128 } }",
    );
    const plan = s.deployment.colocated;
    if (plan === undefined) throw new Error("no colocated group");
    // The deployment's batch (100 per chip) is above the cap: the cap wins.
    const model = servingModelOf({
      ...s,
      offline: undefined,
      deployment: { colocated: { ...plan, batchPerChip: 100 } },
    });
    const pool = model.colocated;
    const perf = pool?.perf;
    if (pool === undefined || perf === undefined) throw new Error("no colocated pool");
    const limits = hybridStateLimits(s, plan, Math.floor(perf.kvCacheCapacityTokens * 0.73));
    expect(pool.maxBatchSequences).toBe(limits?.maxRunningSequences);
    expect(pool.kvTokens).toBe(limits?.kvTokens);
  });
});
