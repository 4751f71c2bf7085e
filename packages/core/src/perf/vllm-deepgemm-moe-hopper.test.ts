import { describe, expect, it } from "vitest";
import type { Operator } from "../model/index.ts";
import { contiguousLayoutOperator, contiguousLayoutRows } from "./contiguous-layout.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { stepContext } from "./step-context.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

/**
 * vLLM 0.11.1's DeepGEMM MoE on Hopper (data/efficiency/engines/vllm/moe-hopper.yaml
 * `vllm-deepgemm-moe-fp8-sm90`): from 128 tokens a call `fused_experts` takes DeepGEMM, whose permute
 * labels the trailing padding blocks expert 0, so the SM90 kernel (which skips only negative labels)
 * computes every row of round_up(pairs + local experts × 127, 128).
 */
const OVERLAY = "vllm-deepgemm-moe-fp8-sm90";
const SCENARIO = "mlenergy-qwen3-235b-fp8-b200-chat";
const EP8_B128 = [
  "system=hgx-h100",
  "deployment.colocated.chipsPerInstance=8",
  "deployment.colocated.attention.tp=8",
  "deployment.colocated.denseFfn.tp=8",
  "deployment.colocated.moe.ep=8",
  "deployment.colocated.batchPerChip=16",
  "deployment.colocated.kvLength=1182",
];

/** Qwen3-235B's gate/up GEMM on one of eight EP ranks: 128 tokens, top-8 of 128 experts, 16 local. */
function gateUp(): Operator {
  const routed = (128 * 8 * 16) / 128; // expected pairs on this rank
  return {
    name: "moe.experts.gate_up_proj",
    class: "grouped-gemm",
    dtype: "fp8",
    flops: 2 * routed * 3072 * 4096,
    bytesRead: { weights: 16 * 3072 * 4096, activations: routed * 4096, kvCache: 0 },
    bytesWritten: { activations: routed * 3072 * 2, kvCache: 0 },
    // all 1,024 routed pairs of the top-k table over the 16 local experts (ffn-operators.ts), as
    // compute_aligned_M sizes the buffer from the whole table
    shape: { m: routed / 16, n: 3072, k: 4096, groups: 16, routedRowsPerGroup: 1024 / 16, localGroups: 16 },
    kernels: 1,
  };
}

describe("vLLM 0.11.1's DeepGEMM MoE on Hopper computes its aligned buffer whole", () => {
  const h100 = efficiencyProfile("h100-sxm");
  const named = withEngineOverlays(h100, {
    engine: "vllm",
    version: "0.11.1",
    modelAttention: "gqa",
    moeBackend: "deep_gemm",
  });

  it("is a named backend from 0.11.1 (refused before) that keeps the chip profile's (DeepGEMM's) rates", () => {
    expect(named.engineOverlays).toContain(OVERLAY);
    const g = named.classes["grouped-gemm"];
    expect(g.contiguousAlignRows?.value).toBe(128);
    expect(g.contiguousAlignRows?.tag).toBe("spec");
    expect(g.computeEfficiency).toEqual(h100.classes["grouped-gemm"].computeEfficiency);
    // Not a default (the FP8 default on Hopper stays the Triton overlay), nor before the release read.
    const unnamed = withEngineOverlays(h100, { engine: "vllm", modelAttention: "gqa", expertWeights: "fp8" });
    expect(unnamed.engineOverlays ?? []).not.toContain(OVERLAY);
    // Named at a release the overlay does not cover: a clear error, not the chip profile in silence.
    expect(() =>
      withEngineOverlays(h100, {
        engine: "vllm",
        version: "0.10.2",
        modelAttention: "gqa",
        moeBackend: "deep_gemm",
      }),
    ).toThrow(/vllm-deepgemm-moe-fp8-sm90 \(from 0\.11\.1\) only, not for release 0\.10\.2/);
  });

  it("runs 3,072 rows at 128 tokens on 8 H100 (EP8) and 5,120 on 4 (EP4), the weights streamed once", () => {
    expect(contiguousLayoutRows(1024, 16, 128)).toBe(3072);
    expect(contiguousLayoutRows(1024, 32, 128)).toBe(5120);
    const op = gateUp();
    const run = contiguousLayoutOperator(op, named.classes["grouped-gemm"]);
    expect(run.shape).toEqual({ m: 128, n: 3072, k: 4096, groups: 24 });
    expect(run.flops).toBe(2 * 3072 * 3072 * 4096);
    expect(run.bytesRead.weights).toBe(op.bytesRead.weights);
    // The Triton overlay (batch 8 rows, or any call under 128 tokens) leaves the routed rows.
    const triton = withEngineOverlays(h100, {
      engine: "vllm",
      version: "0.11.1",
      modelAttention: "gqa",
      moeBackend: "triton",
    });
    expect(contiguousLayoutOperator(op, triton.classes["grouped-gemm"])).toBe(op);
  });

  it("makes the batch-128 decode step on 8 H100 longer than the Triton chain's", () => {
    const dg = referenceScenario(SCENARIO, ...EP8_B128, "engine.moeBackend=deep_gemm");
    expect(stepContext(dg, must(dg.deployment.colocated)).profile.engineOverlays).toContain(OVERLAY);
    const withIt = must(estimate(dg).decode);
    const triton = must(
      estimate(referenceScenario(SCENARIO, ...EP8_B128, "engine.moeBackend=triton")).decode,
    );
    // 24 blocks of 128 rows for ≈ 128 routed pairs, plus the permute, the activation and the second
    // quantisation over the buffer: ≈ 1.19x at this release (the ledger row's run: 42.1 ms median ITL).
    expect(withIt.tpotS / triton.tpotS).toBeGreaterThan(1.15);
  });
});
