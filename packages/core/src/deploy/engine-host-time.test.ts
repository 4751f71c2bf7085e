import { describe, expect, it } from "vitest";
import { parseDocument, SupernodeError } from "../spec/index.ts";
import { engineFileSchema } from "./engine-file.ts";
import { engineProfile } from "./engine-profile.ts";
import { parseScenario } from "./scenario.ts";

describe("serving engines: host time per iteration", () => {
  it("record each engine's host time per iteration in one form: fixed + per sequence, hidden by an overlap scheduler", () => {
    // xDeepServe: the measured 2 ms gap between iterations, exposed on every iteration.
    expect(engineProfile({ name: "xdeepserve" }).hostTimeFor("Huawei", false)).toEqual({
      perIterationS: 0.002,
      perSequenceS: 0,
      perSequenceAttentionDpS: 0,
      overlapsGpu: false,
      perLayerS: 0,
      perLayerDeviceS: 0,
      decodeFullGraph: true,
      chunkedAttentionDecodeFullGraph: true,
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
      perIterationS: 1846e-6,
      perSequenceS: 13e-6,
      perSequenceAttentionDpS: 13e-6,
      overlapsGpu: false,
      perLayerS: 832e-6,
      perLayerDeviceS: 0,
      decodeFullGraph: false,
      chunkedAttentionDecodeFullGraph: false,
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

  it("launch SGLang's DeepSeek-V4 forward at its own per-layer time (PR 30420), its other models at none", () => {
    const sgl = engineProfile({ name: "sglang" });
    // 170 ms of Python launch time per eager step of the 61-layer V4-Pro.
    expect(sgl.hostTimeFor("NVIDIA", false, "deepseek_v4")?.perLayerS).toBeCloseTo(2787e-6, 12);
    expect(sgl.hostTimeFor("NVIDIA", true, "deepseek_v4")?.perLayerS).toBeCloseTo(2787e-6, 12);
    expect(sgl.hostTimeFor("NVIDIA", false, "deepseek_v3")?.perLayerS).toBe(0);
    expect(sgl.hostTimeFor("NVIDIA", false)?.perLayerS).toBe(0);
    expect(sgl.hostTimeFor("Huawei", false, "deepseek_v4")).toBeUndefined();
    const policy = sgl.policies.find((p) => p.policy.includes("deepseek_v4 models"));
    expect(policy?.value).toBe("2787 µs");
    expect(policy?.source).toMatch(/pull\/30420/);
  });

  it("refuse a per-family launch time keyed by something that is not a model family, at the file and field", () => {
    const file = (family: string) => `engine: x
name: X
sources: [{ key: s, title: T, url: https://example.org }]
releases:
  - from: "0.1.0"
    hostTime:
      perLayerUsByFamily:
        ${family}: { value: 100, source: s, tag: derived }
      overlapScheduler: { value: true, source: s, tag: spec }
`;
    expect(
      parseDocument(file("deepseek_v4"), "engines/x.yaml", engineFileSchema).releases[0]?.hostTime
        ?.perLayerUsByFamily?.deepseek_v4?.value,
    ).toBe(100);
    expect(() => parseDocument(file("deepseek-v4"), "engines/x.yaml", engineFileSchema)).toThrow(
      /engines\/x\.yaml:\d+:\d+, field releases\[0\]\.hostTime\.perLayerUsByFamily.*a model family \(one of .*deepseek_v4/,
    );
  });
});
