import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { contiguousLayoutOperator, contiguousLayoutRows } from "./contiguous-layout.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { stepContext } from "./step-context.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/** vLLM 0.11's DeepGEMM MoE on Blackwell (data/efficiency/engines/vllm/moe-blackwell.yaml). */
const OVERLAY = "vllm-deepgemm-moe-fp8-sm100";
const SCENARIO = "mlenergy-qwen3-235b-fp8-b200-chat";

/** Qwen3-235B's gate/up GEMM on one of two EP ranks: 8 tokens, top-8 of 128 experts, 64 local. */
function gateUp(): Operator {
  const routed = (8 * 8 * 64) / 128; // expected pairs on this rank
  const touched = 26;
  return {
    name: "moe.experts.gate_up_proj",
    class: "grouped-gemm",
    dtype: "fp8",
    flops: 2 * routed * 3072 * 4096,
    bytesRead: { weights: touched * 3072 * 4096, activations: routed * 4096, kvCache: 0 },
    bytesWritten: { activations: routed * 3072 * 2, kvCache: 0 },
    shape: { m: routed / touched, n: 3072, k: 4096, groups: touched, routedRowsPerGroup: 1, localGroups: 64 },
    kernels: 1,
  };
}

describe("a worst-case contiguous layout computed whole (vLLM 0.11's DeepGEMM MoE)", () => {
  it("sizes the buffer as compute_aligned_M does", () => {
    expect(contiguousLayoutRows(64, 64, 128)).toBe(8192); // batch 8, EP2
    expect(contiguousLayoutRows(1024, 64, 128)).toBe(9216); // batch 128, EP2
    expect(contiguousLayoutRows(1024, 32, 128)).toBe(5120); // batch 128, EP4
  });

  it("is a named backend on Blackwell (the SM90 overlay is its own: vllm-deepgemm-moe-hopper.test.ts), and carries no fitted value", () => {
    const b200 = efficiencyProfile("b200");
    const named = withEngineOverlays(b200, {
      engine: "vllm",
      modelAttention: "gqa",
      moeBackend: "deep_gemm",
    });
    expect(named.engineOverlays).toEqual([OVERLAY]);
    const g = named.classes["grouped-gemm"];
    expect(g.contiguousAlignRows?.value).toBe(128);
    expect(g.contiguousAlignRows?.tag).toBe("spec");
    expect(g.computeEfficiency).toEqual(b200.classes["grouped-gemm"].computeEfficiency);
    expect(withEngineOverlays(b200, { engine: "vllm", modelAttention: "gqa", expertWeights: "fp8" })).toBe(
      b200,
    );
    const h100 = efficiencyProfile("h100-sxm");
    expect(
      withEngineOverlays(h100, { engine: "vllm", modelAttention: "gqa", moeBackend: "deep_gemm" })
        .engineOverlays ?? [],
    ).not.toContain(OVERLAY);
  });

  it("runs the GEMM over the buffer's rows: FLOPs and activations scale, the weight stream does not", () => {
    const op = gateUp();
    const named = withEngineOverlays(efficiencyProfile("b200"), {
      engine: "vllm",
      modelAttention: "gqa",
      moeBackend: "deep_gemm",
    });
    const run = contiguousLayoutOperator(op, named.classes["grouped-gemm"]);
    expect(run.shape).toEqual({ m: 128, n: 3072, k: 4096, groups: 64 });
    expect(run.flops / op.flops).toBeCloseTo(8192 / 32, 9);
    expect(run.bytesRead.activations / op.bytesRead.activations).toBeCloseTo(8192 / 32, 9);
    expect(run.bytesRead.weights).toBe(op.bytesRead.weights);
    // Without the field, or for another class, the operator is left as it is.
    expect(contiguousLayoutOperator(op, efficiencyProfile("b200").classes["grouped-gemm"])).toBe(op);
    expect(contiguousLayoutOperator({ ...op, class: "gemm" }, named.classes["grouped-gemm"]).flops).toBe(
      op.flops,
    );
  });

  it("makes the Qwen3-235B FP8 batch-8 decode step on two B200 longer; its H100 rows keep Triton", () => {
    const b8 = ["deployment.colocated.batchPerChip=4", "deployment.colocated.kvLength=1163"];
    const scenario = referenceScenario(SCENARIO, ...b8);
    expect(stepContext(scenario, must(scenario.deployment.colocated)).profile.engineOverlays).toEqual([
      OVERLAY,
    ]);
    const withIt = must(estimate(scenario).decode);
    const without = must(estimate(referenceScenario(SCENARIO, ...b8, "engine.moeBackend=triton")).decode);
    // 29 TFLOP of padded MoE tensor work per step at batch 8 (run: 36.7 ms median ITL), against
    // vLLM's Triton kernel named on the B200 (overlay vllm-triton-moe-16bit-sm100: its own, slower
    // weight stream; 1.29x here, 1.3x+ against the chip profile's stream before that overlay; 1.24x
    // since the named Triton chain charges its own alignment, map and two quantisation kernels, stop 49).
    expect(withIt.tpotS / without.tpotS).toBeGreaterThan(1.2);
    const h100 = referenceScenario(SCENARIO, "system=hgx-h100", "engine.moeBackend=triton");
    expect(stepContext(h100, must(h100.deployment.colocated)).profile.engineOverlays).toContain(
      "vllm-triton-moe-fp8-sm90",
    );
  });
});
