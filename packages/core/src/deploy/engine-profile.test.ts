import { describe, expect, it } from "vitest";
import { engineProfile } from "./engine-profile.ts";
import { parseScenario } from "./scenario.ts";

const chipNamed = (id: string, extendsId?: string) => ({
  id,
  origin: extendsId === undefined ? {} : { extends: extendsId },
});
const llama = (system: string, extra: string) =>
  parseScenario(
    `system: ${system}
model: llama-3.1-8b
precision: { weights: bf16 }
deployment:
  colocated: { chipsPerInstance: 1, batchPerChip: 8, kvLength: 1024, tokensPerChip: 4096, promptLength: 1024 }
${extra}`,
    "engine.yaml",
  );

describe("serving engines: the scenario defaults and the KV cache they set", () => {
  it("set the scheduler's token budget from the engine's recorded default for the GPU's HBM, unless the scenario sets it", () => {
    expect(llama("hgx-h200", "engine: { name: sglang }").serving?.scheduler.maxBatchTokens).toBe(8192);
    expect(llama("dgx-b200", "engine: { name: sglang }").serving?.scheduler.maxBatchTokens).toBe(16384);
    expect(
      llama("hgx-h200", "engine: { name: vllm, version: 0.10.1 }").serving?.scheduler.maxBatchTokens,
    ).toBe(8192);
    expect(llama("hgx-h200", "engine: { name: trtllm }").serving?.scheduler.maxBatchTokens).toBe(8192);
    const kept = llama(
      "hgx-h200",
      "engine: { name: sglang }\nserving: { scheduler: { maxBatchTokens: 4096 } }",
    );
    expect(kept.serving?.scheduler.maxBatchTokens).toBe(4096);
    expect(llama("hgx-h200", "").serving).toBeUndefined();
  });

  it("TensorRT-LLM stores a quantized checkpoint's KV cache in FP8 and gives it 90 % of free memory, unless the scenario says otherwise", () => {
    const dense = (precision: string, extra = "") =>
      parseScenario(
        `system: hgx-h200
model: llama-3.1-70b
precision: ${precision}
deployment:
  colocated: { chipsPerInstance: 1, batchPerChip: 8, kvLength: 1024, tokensPerChip: 4096, promptLength: 1024 }
${extra}`,
        "kv.yaml",
      );
    const trt = "engine: { name: trtllm }";
    expect(dense("{ weights: fp8 }", trt).precision.kvCache).toBe("fp8");
    expect(
      dense("{ weights: bf16, components: { denseFfn: { weights: fp8 } } }", trt).precision.kvCache,
    ).toBe("fp8");
    expect(dense("{ weights: bf16 }", trt).precision.kvCache).toBe("bf16");
    expect(dense("{ weights: fp8, kvCache: bf16 }", trt).precision.kvCache).toBe("bf16");
    expect(dense("{ weights: fp8 }").precision.kvCache).toBe("bf16");
    expect(dense("{ weights: fp8 }", "engine: { name: sglang }").precision.kvCache).toBe("bf16");
    expect(dense("{ weights: fp8 }", trt).serving?.kvCache.usableFraction).toBe(0.9);
    expect(
      dense("{ weights: fp8 }", `${trt}\nserving: { kvCache: { usableFraction: 0.95 } }`).serving?.kvCache
        .usableFraction,
    ).toBe(0.95);
    expect(engineProfile({ name: "trtllm" }).policies.map((p) => p.policy)).toEqual(
      expect.arrayContaining(["KV cache of a quantized checkpoint", "KV cache share of free memory"]),
    );
  });

  it("keep the whole context in the cache of windowed layers under TensorRT-LLM, unless the scenario says window", () => {
    const oss = (extra: string) =>
      parseScenario(
        `system: hgx-h200
model: gpt-oss-20b
precision: { weights: bf16 }
deployment:
  colocated: { chipsPerInstance: 1, batchPerChip: 8, kvLength: 1024, tokensPerChip: 4096, promptLength: 1024 }
${extra}`,
        "oss.yaml",
      ).model.slidingWindow?.cacheKeepsFullContext;
    expect(oss("engine: { name: trtllm }")).toBe(true);
    expect(
      oss("engine: { name: trtllm }\nserving: { kvCache: { slidingWindowLayers: window } }"),
    ).toBeUndefined();
    expect(oss("engine: { name: sglang }")).toBeUndefined();
    expect(oss("")).toBeUndefined();
    expect(engineProfile({ name: "trtllm" }).policies.map((p) => p.policy)).toContain(
      "KV cache of a sliding-window layer",
    );
  });

  it("pick the newest recorded release at or below the version, and refuse older ones at the field", () => {
    expect(engineProfile({ name: "vllm", version: "0.10.2" }).release).toBe("0.9.0");
    expect(engineProfile({ name: "vllm", version: "0.13.0" }).release).toBe("0.11.0");
    // At the refused field itself (its column, named once), not at the engine block.
    expect(() => llama("hgx-h200", "engine: { name: vllm, version: 0.5.4 }")).toThrow(
      /engine\.yaml:6:32, field engine\.version: no data is recorded for vLLM before 0\.9\.0/,
    );
    expect(() => llama("hgx-h200", "engine: { name: vllm, mambaSchedulerStrategy: no_buffer }")).toThrow(
      /engine\.yaml:6:47, field engine\.mambaSchedulerStrategy: vLLM [\d.]+ records no hybrid-model/,
    );
    expect(() => llama("hgx-h200", "engine: { name: tgi }")).toThrow(/engine\.yaml:6/);
  });

  it("give TensorRT-LLM's 32-token KV block, and FlashMLA's 64 for a 576-value MLA cache on Hopper only", () => {
    const trt = engineProfile({ name: "trtllm" });
    expect(trt.kvCacheBlockTokensFor(chipNamed("b200"), undefined)).toBe(32);
    expect(trt.kvCacheBlockTokensFor(chipNamed("b200"), 576)).toBe(32);
    expect(trt.kvCacheBlockTokensFor(chipNamed("h200-sxm"), 576)).toBe(64);
    // A user chip extending a listed one is that chip.
    expect(trt.kvCacheBlockTokensFor(chipNamed("my-h200", "h200-sxm"), 576)).toBe(64);
    expect(trt.kvCacheBlockTokensFor(chipNamed("my-b200", "b200"), 576)).toBe(32);
    expect(trt.kvCacheBlockTokensFor(chipNamed("h200-sxm"), undefined)).toBe(32);
    expect(
      engineProfile({ name: "sglang" }).kvCacheBlockTokensFor(chipNamed("b200"), undefined),
    ).toBeUndefined();
  });
});
