import { describe, expect, it } from "vitest";
import { instancePerformance } from "../perf/step-instance-performance.ts";
import { must, referenceScenario } from "../perf/test-support/reference-scenario.ts";
import { SupernodeError } from "../spec/index.ts";
import { engineProfile } from "./engine-profile.ts";
import { parseScenario } from "./scenario.ts";

const LLAMA_70B = "mlperf51-trtllm-llama-2-70b-offline";
const B200 = { id: "b200", origin: {} } as const;

function thrown(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected an error");
}

describe("TensorRT-LLM's two runtimes (engine.runtime)", () => {
  it("reads the release without the PyTorch executor's host time and padded CUDA graphs under tensorrt", () => {
    const torch = engineProfile({ name: "trtllm" });
    const trt = engineProfile({ name: "trtllm", runtime: "tensorrt" });
    expect(torch.hostTimeFor("NVIDIA", false)?.perLayerS).toBeGreaterThan(0);
    expect(torch.cudaGraphBatchSizes?.length).toBeGreaterThan(0);
    expect(trt.hostTimeFor("NVIDIA", false)).toBeUndefined();
    expect(trt.cudaGraphBatchSizes).toBeUndefined();
    // What both runtimes share stays: the KV-cache block, the KV format of a quantized checkpoint.
    expect(trt.kvCacheBlockTokensFor(B200, undefined)).toBe(torch.kvCacheBlockTokensFor(B200, undefined));
    expect(trt.kvCacheFor(["fp4"])).toBe("fp8");
    // The printed policies say which runtime runs and list no host time for it.
    const line = (p: typeof trt) => p.policies.find((x) => x.policy === "runtime")?.value;
    expect(line(trt)).toMatch(/^TensorRT engines under the C\+\+ executor/);
    expect(line(torch)).toMatch(/^PyTorch backend/);
    expect(trt.policies.some((p) => p.policy.includes("host time"))).toBe(false);
    expect(torch.policies.some((p) => p.policy.includes("host time"))).toBe(true);
    // pytorch is the recorded data, the default.
    expect(engineProfile({ name: "trtllm", runtime: "pytorch" }).hostTimeFor("NVIDIA", false)).toEqual(
      torch.hostTimeFor("NVIDIA", false),
    );
  });

  it("refuses the field on an engine with one runtime, and host-time fields beside tensorrt", () => {
    const one = thrown(() => engineProfile({ name: "sglang", runtime: "tensorrt" }));
    expect(one).toBeInstanceOf(SupernodeError);
    expect(one.message).toMatch(/SGLang .*records one runtime only.*leave engine\.runtime out/);
    const both = thrown(() =>
      engineProfile({ name: "trtllm", runtime: "tensorrt", overlapScheduler: false }),
    );
    expect(both).toBeInstanceOf(SupernodeError);
    expect(both.message).toMatch(/engine\.overlapScheduler .*engine\.runtime tensorrt/);
    const text = `system: dgx-b200
model: llama-2-70b
precision: { weights: fp4, weightScheme: nvfp4-g16, activations: fp4 }
engine: { name: trtllm, runtime: cpp }
deployment:
  decode: { chipsPerInstance: 1, batchPerChip: 8, kvLength: 1024 }
`;
    const bad = thrown(() => parseScenario(text, "runtime.yaml"));
    expect(bad).toBeInstanceOf(SupernodeError);
    expect(bad.message).toMatch(/runtime\.yaml:4.*engine\.runtime.*pytorch.*tensorrt/s);
  });

  it("lets a mixed iteration of a TensorRT engine run at its device time, not 80 layers of eager launches", () => {
    // MLPerf's Llama 2 70B Interactive operating point on one B200: a 768-token budget, ≈ 250
    // sequences decoding beside a chunk of ≈ 520 prompt tokens.
    const prefill = { sequences: 3, newTokens: 518, attendedTokenPairs: 518 * 120 };
    const decode = { sequences: 250, kvTokens: 250 * 370 };
    const mixed = (runtime: string) =>
      instancePerformance(referenceScenario(LLAMA_70B, `engine.runtime=${runtime}`), "colocated").mixedStepS(
        prefill,
        decode,
      );
    const layers = 80;
    const perLayer = must(engineProfile({ name: "trtllm" }).hostTimeFor("NVIDIA", false)).perLayerS;
    expect(mixed("pytorch")).toBeGreaterThanOrEqual(layers * perLayer);
    expect(mixed("tensorrt")).toBeLessThan(layers * perLayer);
  });
});
