import { describe, expect, it } from "vitest";
import { parseScenarioSource } from "../deploy/scenario.ts";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { readSourceDocument } from "../spec/parse-document.ts";
import { launchConfig, launchEngines } from "./launch-config.ts";

const cm384 = parseScenarioSource(
  readSourceDocument(referenceScenarioText("cloudmatrix384-deepseek-r1-decode"), "cm384.yaml"),
);

describe("launch configurations", () => {
  it("offers vLLM-Ascend on CloudMatrix384 and derives its flags from the plan", () => {
    expect(launchEngines(cm384)).toEqual(["vllm-ascend"]);
    const c = launchConfig(cm384, "decode", "vllm-ascend");
    // 160 NPUs = 320 dies, attention TP1: 320 attention-DP ranks; EP over all of them; W8A8; MTP1
    expect(c.command).toContain("--data-parallel-size 320");
    expect(c.command).toContain("--enable-expert-parallel");
    expect(c.command).toContain("--quantization ascend");
    expect(c.command).toContain('"num_speculative_tokens": 1');
    expect(c.command).toContain("--max-num-seqs 48"); // 96 per NPU = 48 per die
    expect(c.assumptions.some((a) => a.includes("accepted at 0.7"))).toBe(true);
  });

  it("writes SGLang flags and TensorRT-LLM's YAML for an NVIDIA deployment", () => {
    const text = referenceScenarioText("cloudmatrix384-deepseek-r1-decode").replace(
      "system: cloudmatrix384",
      "system: gb200-nvl72",
    );
    const doc = readSourceDocument(text, "nvl72.yaml");
    const s = parseScenarioSource(doc, undefined, {
      overrides: [
        { path: ["deployment", "decode", "chipsPerInstance"], value: 64 },
        { path: ["deployment", "decode", "moe"], value: { ep: 64, redundantExperts: 0 } },
        { path: ["deployment", "decode", "microbatchOverlap"], value: true },
        { path: ["precision", "weights"], value: "fp8" },
        { path: ["precision", "activations"], value: "fp8" },
        { path: ["precision", "dispatch"], value: "fp8" },
      ],
    });
    expect(launchEngines(s)).toEqual(["sglang", "vllm", "trtllm"]);
    const sg = launchConfig(s, "decode", "sglang").command;
    expect(sg).toContain("--tp-size 64");
    expect(sg).toContain("--dp-size 64");
    expect(sg).toContain("--enable-dp-attention");
    expect(sg).toContain("--ep-size 64");
    expect(sg).toContain("--enable-two-batch-overlap");
    expect(sg).toContain("--disaggregation-mode decode");
    const trt = launchConfig(s, "decode", "trtllm");
    expect(trt.command).toContain("--ep_size 64");
    expect(trt.files[0]?.text).toContain("enable_attention_dp: true");
    expect(trt.files[0]?.text).toContain("decoding_type: MTP");
  });
});
