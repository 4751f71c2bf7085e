import { describe, expect, it } from "vitest";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { SupernodeError } from "../spec/index.ts";
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

describe("serving engines", () => {
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
    expect(engineProfile({ name: "vllm", version: "0.11.0" }).release).toBe("0.9.0");
    // At the refused field itself (its column, named once), not at the engine block.
    expect(() => llama("hgx-h200", "engine: { name: vllm, version: 0.5.4 }")).toThrow(
      /engine\.yaml:6:32, field engine\.version: no data is recorded for vLLM before 0\.9\.0/,
    );
    expect(() => llama("hgx-h200", "engine: { name: vllm, mambaSchedulerStrategy: no_buffer }")).toThrow(
      /engine\.yaml:6:47, field engine\.mambaSchedulerStrategy: vLLM [\d.]+ records no hybrid-model/,
    );
    expect(() => llama("hgx-h200", "engine: { name: tgi }")).toThrow(/engine\.yaml:6/);
  });

  it("choose the MoE communication kernels unless the group names them; the reference scenarios say what they ran", () => {
    const moe = (engine: string, library = "", ep = 16, system = "gb200-nvl72") =>
      parseScenario(
        `system: ${system}
model: deepseek-r1
precision: { weights: fp8 }
engine: { name: ${engine} }
deployment:
  decode: { chipsPerInstance: ${ep}, moe: { ep: ${ep}${library} }, batchPerChip: 8, kvLength: 1024 }
`,
        "moe.yaml",
      ).deployment.decode?.moe?.library;
    expect(moe("trtllm")).toBe("nvlink-one-sided");
    // TensorRT-LLM's all-to-all needs EP above the 8 experts per token and a multi-node NVLink domain
    expect(moe("trtllm", "", 8)).toBe("allgather-reducescatter");
    expect(moe("trtllm", "", 8, "hgx-h200")).toBe("allgather-reducescatter");
    expect(moe("trtllm", ", library: nvlink-one-sided", 8, "hgx-h200")).toBe("nvlink-one-sided");
    expect(engineProfile({ name: "trtllm" }).moeLibraryFor("NVIDIA")).toBe("nvlink-one-sided");
    expect(moe("sglang")).toBe("deepep");
    expect(moe("trtllm", ", library: deepep")).toBe("deepep");
    expect(moe("mindie")).toBeUndefined();
    for (const [name, engine] of [
      ["cloudmatrix384-deepseek-r1-decode", "cloudmatrix-infer"],
      ["sglang-h100-deepseek-v3-decode", "sglang"],
    ] as const)
      expect(parseScenario(referenceScenarioText(name), `${name}.yaml`).engine?.name).toBe(engine);
  });

  it("pick the engine's kernels for the chip's vendor: SGLang's DeepEP on Ascend is DeepEP-Ascend (CANN MC2)", () => {
    const onSystem = (system: string, engine: string, ep = 16) =>
      parseScenario(
        `system: ${system}
model: deepseek-r1
precision: { weights: int8 }
engine: { name: ${engine} }
deployment:
  decode: { chipsPerInstance: 8, moe: { ep: ${ep} }, batchPerChip: 8, kvLength: 1024 }
`,
        "vendor.yaml",
      ).deployment.decode?.moe?.library;
    expect(onSystem("atlas-800t-a3", "sglang")).toBe("cann-mc2");
    expect(onSystem("atlas-800t-a3", "vllm-ascend")).toBe("cann-mc2");
    expect(onSystem("atlas-800t-a3", "cloudmatrix-infer")).toBe("cann-ep");
    expect(onSystem("hgx-h200", "sglang", 8)).toBe("deepep");
    // vLLM's default all2all backend is allgather_reducescatter (NCCL), not DeepEP, in every release
    expect(onSystem("hgx-h200", "vllm", 8)).toBe("allgather-reducescatter");
    expect(engineProfile({ name: "vllm", version: "0.9.0" }).moeLibraryFor("NVIDIA")).toBe(
      "allgather-reducescatter",
    );
    expect(engineProfile({ name: "sglang" }).moeLibraryFor("Huawei")).toBe("cann-mc2");
    expect(engineProfile({ name: "sglang" }).moeLibraryFor("NVIDIA")).toBe("deepep");
    // separate small kernels: SGLang's CUDA chain and its NPU backend's, one entry each
    const sgl = engineProfile({ name: "sglang" });
    expect(sgl.separateKernelsFor("NVIDIA")).toEqual({
      activationQuant: { groupSize: 128, scaleBytes: 4 },
      expertPermute: true,
      mlaKeyConcat: true,
    });
    const npu = sgl.separateKernelsFor("Huawei");
    expect(npu?.expertPermute).toBe(false);
    expect(npu?.activationQuant?.skip).toContain("attn.qkv_a_proj");
    expect(npu?.moePrologue?.onlyWithoutExpertParallel).toBe(true);
    expect(npu?.fusedKernels?.map((f) => f.phase ?? "always")).toEqual(["always", "decode"]);
    expect(sgl.separateKernelsFor("AMD")).toBeUndefined();
    expect(engineProfile({ name: "cloudmatrix-infer" }).separateKernelsFor("Huawei")).toBeUndefined();
    expect(engineProfile({ name: "xdeepserve" }).moeLibraryFor("Huawei")).toBe("cann-ep");
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

  it("record each engine's host time per iteration in one form: fixed + per sequence, hidden by an overlap scheduler", () => {
    // xDeepServe: the measured 2 ms gap between iterations, exposed on every iteration.
    expect(engineProfile({ name: "xdeepserve" }).hostTimeFor("Huawei", false)).toEqual({
      perIterationS: 0.002,
      perSequenceS: 0,
      perSequenceAttentionDpS: 0,
      overlapsGpu: false,
      perLayerS: 0,
      decodeFullGraph: true,
    });
    // CloudMatrix-Infer schedules the next graph while the NPU runs the current one.
    expect(engineProfile({ name: "cloudmatrix-infer" }).hostTimeFor("Huawei", true)?.overlapsGpu).toBe(true);
    // TensorRT-LLM: per scheduled sequence, plus per layer of an eager forward; overlapped by default.
    const trt = engineProfile({ name: "trtllm" }).hostTimeFor("NVIDIA", false);
    expect(trt?.perSequenceS).toBeCloseTo(15e-6, 12);
    expect(trt?.perLayerS).toBeCloseTo(660e-6, 12);
    expect(trt?.decodeFullGraph).toBe(true);
    expect(trt?.perIterationS).toBe(0);
    expect(trt?.overlapsGpu).toBe(true);
    const xds = engineProfile({ name: "xdeepserve" }).policies.find((p) => p.policy.includes("host time"));
    expect(xds?.modelled).toBe(true);
    expect(xds?.source).toMatch(/2508\.02520/);
  });

  it("hide SGLang's host time behind the GPU except where its overlap scheduler does not run (MTP on NVIDIA, or turned off)", () => {
    const sgl = engineProfile({ name: "sglang" });
    expect(sgl.hostTimeFor("NVIDIA", true)?.perIterationS).toBeCloseTo(0.00196, 9);
    expect(sgl.hostTimeFor("NVIDIA", true)?.overlapsGpu).toBe(false);
    expect(sgl.hostTimeFor("NVIDIA", false)?.overlapsGpu).toBe(true);
    expect(sgl.hostTimeFor("Huawei", true)).toBeUndefined();
    expect(
      engineProfile({ name: "sglang", overlapScheduler: true }).hostTimeFor("NVIDIA", true)?.overlapsGpu,
    ).toBe(true);
    expect(
      engineProfile({ name: "sglang", overlapScheduler: false }).hostTimeFor("NVIDIA", false)?.overlapsGpu,
    ).toBe(false);
    const policy = sgl.policies.find((p) => p.policy.includes("host time per iteration"));
    expect(policy?.modelled).toBe(true);
    expect(policy?.source).toMatch(/12128/);
  });

  it("expose vLLM's host time before 0.14.0 (async scheduling opt-in) and hide it from 0.14.0 on", () => {
    const v011 = engineProfile({ name: "vllm", version: "0.11.1" }).hostTimeFor("NVIDIA", false);
    expect(v011?.overlapsGpu).toBe(false);
    expect(v011?.perIterationS).toBeCloseTo(430e-6, 12);
    expect(v011?.perSequenceS).toBeCloseTo(13e-6, 12);
    expect(engineProfile({ name: "vllm", version: "0.14.0" }).hostTimeFor("NVIDIA", false)?.overlapsGpu).toBe(
      true,
    );
    expect(
      engineProfile({ name: "vllm", version: "0.11.1", overlapScheduler: true }).hostTimeFor("NVIDIA", false)
        ?.overlapsGpu,
    ).toBe(true);
  });

  it("give vLLM-Ascend its host time (0.9 – 0.13 measured on an Ascend server), hidden from its 0.14 releases on", () => {
    const v092 = engineProfile({ name: "vllm-ascend", version: "0.9.2" });
    expect(v092.hostTimeFor("Huawei", false)).toEqual({
      perIterationS: 2420e-6,
      perSequenceS: 1.1e-6,
      perSequenceAttentionDpS: 1.1e-6,
      overlapsGpu: false,
      perLayerS: 832e-6,
      decodeFullGraph: false,
    });
    // Piecewise decode until 0.20 (torchair / FULL_DECODE_ONLY per scenario), full graphs from 0.21.
    expect(
      engineProfile({ name: "vllm-ascend", version: "0.9.2", decodeGraph: "full" }).hostTimeFor(
        "Huawei",
        false,
      )?.decodeFullGraph,
    ).toBe(true);
    expect(
      engineProfile({ name: "vllm-ascend", version: "0.21.0" }).hostTimeFor("Huawei", false)?.decodeFullGraph,
    ).toBe(true);
    expect(() => engineProfile({ name: "sglang", decodeGraph: "full" })).toThrow(SupernodeError);
    // The printed policy follows the scenario's choice.
    const torchair = engineProfile({ name: "vllm-ascend", version: "0.9.2", decodeGraph: "full" });
    expect(torchair.policies.find((p) => p.policy === "decode-only iterations")?.value).toMatch(
      /^one full graph/,
    );
    const v0202 = engineProfile({ name: "vllm-ascend", version: "0.20.2" }).hostTimeFor("Huawei", true);
    expect(v0202?.overlapsGpu).toBe(true);
    expect(v0202?.perIterationS).toBe(430e-6);
    expect(v092.moeTpOutputGather).toBe(true);
    expect(engineProfile({ name: "sglang" }).moeTpOutputGather).toBe(false);
  });

  it("expand HCCL collectives on the AI CPU by default for vLLM-Ascend and SGLang, AIV where the scenario says, and refuse the field where none is recorded", () => {
    expect(engineProfile({ name: "vllm-ascend", version: "0.9.2" }).hcclExpansion).toBe("aicpu");
    expect(engineProfile({ name: "sglang" }).hcclExpansion).toBe("aicpu");
    const aiv = engineProfile({ name: "vllm-ascend", version: "0.20.2", hcclExpansion: "aiv" });
    expect(aiv.hcclExpansion).toBe("aiv");
    expect(aiv.policies.find((p) => p.policy.startsWith("HCCL collectives"))?.value).toMatch(/AIV.*scenario/);
    expect(engineProfile({ name: "cloudmatrix-infer" }).hcclExpansion).toBeUndefined();
    expect(() => engineProfile({ name: "xdeepserve", hcclExpansion: "aiv" })).toThrow(SupernodeError);
  });

  it("follow the scenario's engine.overlapScheduler for TensorRT-LLM's host time, and refuse it where no host time is recorded", () => {
    expect(engineProfile({ name: "trtllm" }).hostTimeFor("NVIDIA", false)?.overlapsGpu).toBe(true);
    expect(
      engineProfile({ name: "trtllm", overlapScheduler: false }).hostTimeFor("NVIDIA", false)?.overlapsGpu,
    ).toBe(false);
    expect(() => engineProfile({ name: "mindie", overlapScheduler: true })).toThrow(SupernodeError);
    const e = (() => {
      try {
        parseScenario(
          `system: hgx-h200
model: deepseek-r1
precision: { weights: fp8 }
engine: { name: mindie, overlapScheduler: false }
deployment:
  decode: { chipsPerInstance: 8, moe: { ep: 8 }, batchPerChip: 8, kvLength: 1024 }
`,
          "engine.yaml",
        );
      } catch (error) {
        return error;
      }
    })();
    expect(e).toBeInstanceOf(SupernodeError);
    expect(String((e as Error).message)).toMatch(
      /engine\.yaml:4.*engine\.overlapScheduler.*records no host time/s,
    );
  });
});
