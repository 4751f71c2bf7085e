import { describe, expect, it } from "vitest";
import { parseScenario, type Scenario } from "../deploy/scenario.ts";
import { simulate } from "../serving/simulate.ts";
import { parseOverride } from "../spec/index.ts";
import { offlineSearch } from "./offline-point.ts";
import { estimate } from "./step-estimate.ts";
import { must } from "./test-support/reference-scenario.ts";

const scenario = (offline: string, extra = "") =>
  parseScenario(
    `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated:
    chipsPerInstance: 8
    pp: 2
    attention: { tp: 4 }
    denseFfn: { tp: 4 }
offline: ${offline}
${extra}`,
    "offline.yaml",
  );

describe("the offline operating point", () => {
  it("estimate's batch search and simulate's closed loop at saturation agree within 5 %", () => {
    const s = scenario("{ promptTokens: 1024, outputTokens: 128, maxSequencesPerInstance: 512 }");
    const e = estimate(s);
    const best = e.offline?.best;
    const batch = best?.sequencesPerInstance ?? 0;
    expect(batch).toBeGreaterThan(256);
    expect(batch).toBeLessThanOrEqual(512);
    // 4 generations of the batch; the closed loop keeps `batch` users busy with no think time.
    const result = simulate(s, { requests: 4 * batch, seed: 1 });
    expect(result.summary.requests.completed).toBe(4 * batch);
    const simulated = result.summary.throughput.outputTokensPerSPerChip;
    const predicted = best?.outputTokensPerSPerChip ?? 0;
    expect(predicted).toBeGreaterThan(0);
    expect(Math.abs(simulated - predicted) / predicted).toBeLessThan(0.05);
  });

  it("the batch grows until the KV cache is full, and shrinks to meet a TPOT limit", () => {
    const free = offlineSearch(scenario("{ promptTokens: 2048, outputTokens: 128 }"));
    const b = free.best.sequencesPerInstance;
    // The chosen batch's KV (prompt + output + a block per sequence) fits the cache.
    expect(b * (2048 + 128 + 128)).toBeLessThanOrEqual(free.kvCacheCapacityTokens);
    expect(
      free.candidates.every((c) => c.outputTokensPerSPerInstance <= free.best.outputTokensPerSPerInstance),
    ).toBe(true);
    const limit = free.candidates[3]?.tpotS ?? 0;
    const slo = offlineSearch(
      scenario(`{ promptTokens: 2048, outputTokens: 128, slo: { tpotS: ${limit} } }`),
    );
    expect(slo.best.tpotS).toBeLessThanOrEqual(limit);
    expect(slo.best.sequencesPerInstance).toBeLessThan(b);
    expect(slo.limit).toBe("slo-tpot");
  });

  it("sizes the KV cache from the addressable HBM, less activations for the whole token budget", () => {
    // 8 × H100 at TP8: CUDA addresses 85.05 GB per GPU, not the rated 80 GB.
    const base = (budget: number) =>
      offlineSearch(
        parseScenario(
          `system: hgx-h100
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated: { chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 } }
offline: { promptTokens: 1024, outputTokens: 1024 }
serving: { scheduler: { maxBatchTokens: ${budget} }, kvCache: { usableFraction: 1 } }`,
          "h100.yaml",
        ),
      ).kvCacheCapacityTokens;
    // FP8 KV at TP8: one KV head per GPU, 80 layers × 2 × 128 bytes per token.
    const perToken = 80 * 2 * 128;
    expect(base(2048) * perToken).toBeGreaterThan(80e9 - 12e9);
    expect(base(2048) * perToken).toBeLessThan(85.05e9);
    // A larger max_num_tokens reserves more activation memory and leaves less for the KV cache.
    expect(base(16384)).toBeLessThan(base(2048));
  });

  it("sizes a GB300's KV cache from its NVML total (277 GiB in NVIDIA's MLPerf harness), not its 279 GB rating", () => {
    const pool = offlineSearch(
      parseScenario(
        `system: gb300-nvl72
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated: { chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 } }
offline: { promptTokens: 1024, outputTokens: 1024 }
serving: { scheduler: { maxBatchTokens: 2048 }, kvCache: { usableFraction: 1 } }`,
        "gb300.yaml",
      ),
    ).kvCacheCapacityTokens;
    // FP8 KV at TP8: one KV head per GPU, 80 layers × 2 × 128 bytes per token; FP8 weights ≈ 8.8 GB per GPU.
    const perGpuKv = pool * 80 * 2 * 128;
    // More than a 279 GB device could hold at all, less than the 296.7 GB CUDA addresses.
    expect(perGpuKv).toBeGreaterThan(279e9);
    expect(perGpuKv).toBeLessThan(296.7e9 - 8e9);
  });

  it("a finite run admits the largest batch and pays for its drain (the last, partial generation)", () => {
    const base = "promptTokens: 1024, outputTokens: 128, maxSequencesPerInstance: 512";
    const steady = offlineSearch(scenario(`{ ${base} }`));
    const whole = offlineSearch(scenario(`{ ${base}, requests: 1024 }`));
    const ragged = offlineSearch(scenario(`{ ${base}, requests: 1100 }`));
    // Greedy admission: the run holds as many sequences as the limits allow.
    expect(whole.best.sequencesPerInstance).toBe(512);
    const b = whole.best;
    const generation = b.prefillS + b.decodeS;
    // Two whole generations of 512: the steady-state throughput of that batch.
    expect(b.run?.durationS).toBeCloseTo(2 * generation, 9);
    expect(b.outputTokensPerSPerInstance).toBeCloseTo((512 * 128) / generation, 6);
    // 76 sequences left over run as a third, small generation: less output per second.
    expect(ragged.best.run?.tailSequences).toBe(76);
    expect(ragged.best.run?.durationS ?? 0).toBeGreaterThan(2 * generation);
    expect(ragged.best.outputTokensPerSPerInstance).toBeLessThan(b.outputTokensPerSPerInstance);
    expect(ragged.best.outputTokensPerSPerInstance).toBeLessThanOrEqual(
      steady.best.outputTokensPerSPerInstance,
    );
  });

  it("a finite run holds no more sequences than whole-prompt admission sustains within a lifetime", () => {
    // 3,072 tokens per iteration without chunking: up to 1,024 decoding sequences leave room for two
    // 1,024-token prompts, beyond that for one; 512-token outputs: B sequences take B / 2 (or B)
    // iterations to admit, so 1,024 is the largest batch that forms before the first ones finish.
    const search = offlineSearch(
      scenario(
        "{ promptTokens: 1024, outputTokens: 512, maxSequencesPerInstance: 4096, requests: 4096 }",
        "serving: { scheduler: { maxBatchTokens: 3072, chunkedPrefill: false } }",
      ),
    );
    expect(search.best.sequencesPerInstance).toBe(1024);
    expect(search.best.sustained).toBe(true);
    expect(search.limit).toBe("token-budget");
    expect(search.candidates.some((c) => c.sequencesPerInstance > 1024 && !c.sustained)).toBe(true);
  });

  it("with mixWithDecode false, prefill iterations run alone and every later token is a decode step", () => {
    const offline = "{ promptTokens: 2048, outputTokens: 256, maxSequencesPerInstance: 64 }";
    const mixed = offlineSearch(scenario(offline, "serving: { scheduler: { maxBatchTokens: 8192 } }"));
    const alone = offlineSearch(
      scenario(offline, "serving: { scheduler: { maxBatchTokens: 8192, mixWithDecode: false } }"),
    );
    const a = alone.best;
    expect(a.sequencesPerInstance).toBe(64);
    // All 255 later tokens are decode-only steps of the whole batch ...
    expect(a.decodeS).toBeCloseTo(255 * a.decodeStepS, 9);
    // ... after 64 × 2048 / 8192 = 16 prefill iterations of a whole budget each: 8 times the two
    // that prefill a batch of 8.
    const one = offlineSearch(
      scenario(
        "{ promptTokens: 2048, outputTokens: 256, maxSequencesPerInstance: 8 }",
        "serving: { scheduler: { maxBatchTokens: 8192, mixWithDecode: false } }",
      ),
    ).best;
    expect(one.sequencesPerInstance).toBe(8);
    expect(a.prefillS).toBeCloseTo(8 * one.prefillS, 9);
    const m = mixed.best;
    expect(m.decodeS).toBeLessThan(a.decodeS);
    expect(a.outputTokensPerSPerInstance).toBeLessThan(m.outputTokensPerSPerInstance);
  });

  it("refuses a sequence cap that does not divide over the attention-DP groups, at the file or the --set", () => {
    const dp8 = (cap: number, overrides: readonly string[] = []) =>
      parseScenario(
        `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated: { chipsPerInstance: 8, attention: { tp: 1 }, denseFfn: { tp: 8 } }
offline: { promptTokens: 2048, outputTokens: 256, maxSequencesPerInstance: ${cap} }
`,
        "dp8.yaml",
        undefined,
        { overrides: overrides.map(parseOverride) },
      );
    expect(() => dp8(4)).toThrow(
      /^dp8\.yaml:6:\d+, field offline\.maxSequencesPerInstance: 4 sequences do not divide over the instance's 8 attention-DP groups .*: give a multiple of 8 \(8, 16, …\)$/,
    );
    expect(() => dp8(16, ["offline.maxSequencesPerInstance=12"])).toThrow(
      /^--set offline\.maxSequencesPerInstance=12: 12 sequences do not divide over the instance's 8 attention-DP groups .*: give a multiple of 8 \(8 or 16\)$/,
    );
    // A scenario built in code skips the parse: the search still names the cap below one batch unit.
    const s = dp8(16);
    const below: Scenario = { ...s, offline: { ...must(s.offline), maxSequencesPerInstance: 4 } };
    expect(() => offlineSearch(below)).toThrow(
      /offline point does not fit: maxSequencesPerInstance 4 is below the smallest batch the instance runs, 8 sequences \(one per attention-DP group\)/,
    );
  });

  it("runs fewer sequences than chips on a tensor-parallel instance (whole sequences, not whole chips)", () => {
    // vLLM-Ascend's Kimi-K2-Thinking at concurrency 2 on an 8-NPU TP16 instance is this shape: the
    // engine admits any number of requests, one attention group holds them all.
    const two = offlineSearch(
      scenario("{ promptTokens: 2048, outputTokens: 256, maxSequencesPerInstance: 2 }"),
    );
    expect(two.best.sequencesPerInstance).toBe(2);
    expect(two.best.batchPerChip).toBeCloseTo(0.25, 12);
    expect(two.limit).toBe("max-sequences");
    const three = offlineSearch(
      scenario("{ promptTokens: 2048, outputTokens: 256, maxSequencesPerInstance: 3 }"),
    );
    expect(three.best.sequencesPerInstance).toBe(3);
    expect(three.best.outputTokensPerSPerInstance).toBeGreaterThan(two.best.outputTokensPerSPerInstance);
  });

  it("needs a colocated group, and says so at the offline field", () => {
    expect(() =>
      parseScenario(
        `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8 }
deployment:
  decode: { chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 }, batchPerChip: 8, kvLength: 1024 }
offline: { promptTokens: 1024, outputTokens: 128 }
`,
        "bad.yaml",
      ),
    ).toThrow(/bad\.yaml:6:\d+.*colocated/);
  });
});

describe("the offline search under TensorRT-LLM's MAX_UTILIZATION capacity policy", () => {
  const lengths = "{ promptTokens: 2048, outputTokens: 1024, requests: 100000 }";
  const policy = (p: string) => `serving: { kvCache: { blockTokens: 32, capacityPolicy: ${p} } }`;

  it("bounds the batch by the KV the sequences hold (prompt + half the answer), not their whole length", () => {
    const reserved = offlineSearch(scenario(lengths, policy("guaranteed-no-evict")));
    const held = offlineSearch(scenario(lengths, policy("max-utilization")));
    const pool = held.kvCacheCapacityTokens;
    expect(reserved.kvCacheCapacityTokens).toBe(pool);
    expect(reserved.kvTokensPerSequence).toBe(2048 + 1024);
    expect(held.kvTokensPerSequence).toBe(2048 + 512);
    // Both are KV-bound: one attention-DP group, so the bound is the pool over (per sequence + a block).
    expect(reserved.limit).toBe("kv-cache");
    expect(held.limit).toBe("kv-cache");
    expect(reserved.best.sequencesPerInstance).toBe(Math.floor(pool / (3072 + 32)));
    expect(held.best.sequencesPerInstance).toBe(Math.floor(pool / (2560 + 32)));
  });

  it("leaves a batch below the pool where it was (the configured cap binds either way)", () => {
    const capped = (p: string) =>
      offlineSearch(
        scenario(
          "{ promptTokens: 2048, outputTokens: 1024, requests: 100000, maxSequencesPerInstance: 64 }",
          policy(p),
        ),
      );
    expect(capped("max-utilization").best).toEqual(capped("guaranteed-no-evict").best);
    expect(capped("max-utilization").limit).toBe("max-sequences");
  });
});
