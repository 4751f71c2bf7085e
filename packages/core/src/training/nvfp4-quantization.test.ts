import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import type { Operator } from "../model/types.ts";
import { computeDevice, efficiencyProfile, operatorTime } from "../perf/index.ts";
import { supernodeErrorOf } from "../spec/test-support/supernode-error-of.ts";
import { fp8QuantizeOperator, quantizedElements } from "./fp8-quantization.ts";
import { NVFP4_QUANTIZE_PASS } from "./nvfp4-quantization.ts";
import { trainingScenarioText } from "./reference-cases.ts";
import { gemmOperator } from "./test-support/gemm-operator.ts";
import { trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const job = (system: string, compute: string) => `kind: training
system: ${system}
chips: 64
model: llama-3.1-8b
precision: { compute: ${compute} }
parallelism: { tp: 8, sequenceParallel: true, pp: 2 }
batch: { globalBatch: 64, microBatch: 1, sequenceLength: 4096 }
`;

describe("nvfp4 training precision", () => {
  it("refuses nvfp4 on a chip without FP4 tensor math (Hopper), naming the field and its line", () => {
    const e = supernodeErrorOf(() => parseTrainingScenario(job("hgx-h100", "nvfp4"), "job.yaml"));
    expect(e.kind).toBe("unsupported");
    expect(e.message).toContain("job.yaml:5");
    expect(e.message).toContain("precision.compute: nvfp4");
    expect(e.message).toContain("no FP4 tensor math");
  });

  it("refuses a bare fp4 (no recipe) and resolves nvfp4 on Blackwell to FP4 GEMMs with BF16 MoE payloads", () => {
    expect(
      supernodeErrorOf(() => parseTrainingScenario(job("gb200-nvl72", "fp4"), "j.yaml")).message,
    ).toContain("use nvfp4");
    const s = parseTrainingScenario(job("gb200-nvl72", "nvfp4"), "j.yaml");
    expect(s.precision.compute).toBe("fp4");
    expect(s.precision.recipe).toBe("nvfp4");
    expect(s.precision.dispatch).toBe("bf16");
  });

  it("quantizes fprop inputs and dgrad output gradients in two passes (RHT amax, fused RHT cast), wgrad none", () => {
    const op = gemmOperator("ffn.down_proj", 8192, 16384, 13312, "fp4");
    const q = fp8QuantizeOperator(op, 16384, 4, "nvfp4");
    const e = 8192 * 13312;
    expect(q?.name).toBe("ffn.down_proj.nvfp4_quantize");
    expect(q?.bytesRead.activations).toBe(4 * e);
    // Row-wise and column-wise FP4 copies, each 0.5 B plus one E4M3 scale per 16 elements.
    expect(q?.bytesWritten.activations).toBeCloseTo(1.125 * e, 6);
    expect(q?.kernels).toBe(NVFP4_QUANTIZE_PASS.kernels);
    expect(quantizedElements(gemmOperator("ffn.down_proj.wgrad", 16384, 13312, 8192, "fp4"), 16384, 4)).toBe(
      0,
    );
  });

  it("times an FP4 GEMM faster than FP8 on the same GB200 shape, by the catalog's peaks × measured ceilings (not 2x)", () => {
    const gb200 = builtinCatalog()
      .chips()
      .find((c) => c.id === "gb200");
    if (gb200 === undefined) throw new Error("built-in chip gb200 missing");
    const device = computeDevice(gb200);
    const profile = efficiencyProfile("gb200");
    // Llama 3.1 405B's gate/up projection on one TP-4 rank, 8,192 tokens.
    const t = (dtype: Operator["dtype"]) =>
      operatorTime(gemmOperator("ffn.gate_up_proj", 8192, 26624, 16384, dtype), device, profile).timeS;
    const ratio = t("fp8") / t("fp4");
    // 10 / 5 PFLOPS dense peaks; B200 ceilings 0.4431 (FP4, vLLM's NVFP4 sweep) and 0.7421 (FP8): ≈ 1.19.
    expect(ratio).toBeGreaterThan(1.1);
    expect(ratio).toBeLessThan(1.3);
  });

  it("estimates a published NVFP4 scenario end to end: faster than FP8, smaller saved copies, MFU against the FP4 peak", () => {
    const text = trainingScenarioText("llama3-70b-gb200-64-nvfp4");
    const nvfp4 = trainEstimate(parseTrainingScenario(text, "nvfp4.yaml"));
    const fp8 = trainEstimate(
      parseTrainingScenario(text.replace("compute: nvfp4", "compute: fp8"), "fp8.yaml"),
    );
    expect(nvfp4.tokensPerSPerChip).toBeGreaterThan(fp8.tokensPerSPerChip);
    expect(nvfp4.tokensPerSPerChip).toBeLessThan(2 * fp8.tokensPerSPerChip);
    expect(nvfp4.memory.worst.activations).toBeLessThan(fp8.memory.worst.activations);
    // GB200: FP4 dense peak is 4x BF16's.
    expect(nvfp4.mfuComputeDtype).toBeCloseTo(nvfp4.mfu / 4, 9);
    // Llama 3.1 405B at PP16 × VP8: 128 chunks for 126 layers plus the embedding and the loss.
    const big = parseTrainingScenario(trainingScenarioText("llama31-405b-gb200-256-nvfp4"), "405b.yaml");
    expect(big.layout.pp * big.layout.virtualStages).toBe(128);
  });
});
