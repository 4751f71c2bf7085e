import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import type { Operator } from "../model/index.ts";
import { withSeparateKernels } from "./step-separate-kernels.ts";
import { must } from "./test-support/reference-scenario.ts";

/**
 * vLLM's Triton fused_experts prologue (data/engines/vllm.yaml, `moePrologue`): moe_align_block_size
 * runs one kernel below 1,024 routed pairs in a model of at most 64 experts, else two; at EP > 1 the
 * blocks' expert ids are mapped to the rank's (expert_map, one kernel); the GEMM gathers its rows (no
 * expansion). Recorded for 16-bit routed experts only.
 */
describe("vLLM's fused-MoE alignment and expert-map kernels", () => {
  const vllm = must(engineProfile({ name: "vllm", version: "0.11.1" }).separateKernelsFor("NVIDIA"));
  const gateUp = (dtype: Operator["dtype"], weightOnly = false): Operator => ({
    name: "moe.experts.gate_up_proj",
    class: "grouped-gemm",
    dtype,
    flops: 1,
    bytesRead: { weights: 1, activations: 8 * 4096 * 2, kvCache: 0 },
    bytesWritten: { activations: 1, kvCache: 0 },
    shape: { m: 4, n: 768, k: 4096, groups: 16 },
    ...(weightOnly && { weightOnlyElements: 16 * 768 * 4096 }),
    kernels: 1,
  });
  const ctx = (tokens: number, topK: number, experts: number, ep: number) =>
    ({
      moeKernels: "low-latency",
      hiddenSize: 4096,
      dispatchedTokens: tokens,
      receivedTokens: tokens,
      routedTokens: tokens,
      topK,
      localExperts: experts / ep,
      globalExperts: experts,
      moeEp: ep,
    }) as const;
  const chain = (op: Operator, c: ReturnType<typeof ctx>) =>
    withSeparateKernels([op], vllm, c).map((o) => [o.name, o.kernels] as const);

  it("Qwen3-235B (128 experts, top-8) at EP8: two alignment kernels and the expert map before the GEMM", () => {
    expect(chain(gateUp("bf16"), ctx(8, 8, 128, 8))).toEqual([
      ["moe.experts.sort", 2],
      ["moe.experts.expert_map", 1],
      ["moe.experts.gate_up_proj", 1],
    ]);
  });

  it("Llama 4 Scout (16 experts, top-1): one small-batch kernel below 1,024 pairs, two from there; no map at EP 1", () => {
    expect(chain(gateUp("bf16"), ctx(128, 1, 16, 1))).toEqual([
      ["moe.experts.sort", 1],
      ["moe.experts.gate_up_proj", 1],
    ]);
    expect(chain(gateUp("bf16"), ctx(1024, 1, 16, 1))[0]).toEqual(["moe.experts.sort", 2]);
  });

  it("not recorded for 8-bit or weight-only experts (their chains are other backends' or not read)", () => {
    expect(chain(gateUp("fp8"), ctx(8, 8, 128, 8))).toEqual([["moe.experts.gate_up_proj", 1]]);
    expect(chain(gateUp("bf16", true), ctx(8, 8, 128, 8))).toEqual([["moe.experts.gate_up_proj", 1]]);
  });
});
