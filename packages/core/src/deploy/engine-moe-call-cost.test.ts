import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { collectiveTime, moeDispatchTime } from "../network/index.ts";
import type { ServingEngineName } from "../spec/index.ts";
import { engineProfile } from "./engine-profile.ts";

/** One token per rank, DeepSeek-V3 shapes: what a small decode step's dispatch costs under each engine's kernels. */
function oneTokenDispatchUs(
  engine: ServingEngineName,
  systemId: string,
  ep: number,
  multiNodeScaleUp: boolean,
): number {
  const system = builtinCatalog().system(systemId);
  const vendor = system.node.accelerator.chip.vendor;
  const library = engineProfile({ name: engine }).moeLibraryFor(vendor, { ep, topK: 8, multiNodeScaleUp });
  if (library === "allgather-reducescatter")
    return collectiveTime(system, { op: "all-gather", bytes: ep * 7168, ranks: ep }).timeS * 1e6;
  return (
    moeDispatchTime({ system, ranks: ep, tokensPerRank: 1, topK: 8, bytesPerToken: 7168, library }).timeS *
    1e6
  );
}

describe("a small MoE dispatch pays its kernels' per-call cost under every engine", () => {
  it("never a fraction of a microsecond: each engine's default kernels carry a sourced fixed cost", () => {
    // TensorRT-LLM NVLinkOneSided on GB200 NVL72 (18.5 µs per call, blog 18's EP8 one-token row)
    expect(oneTokenDispatchUs("trtllm", "gb200-nvl72", 16, true)).toBeGreaterThan(18);
    // SGLang's DeepEP low-latency inside one HGX server (36.3 µs on the NVLink part)
    expect(oneTokenDispatchUs("sglang", "hgx-h200", 8, false)).toBeGreaterThan(36);
    // SGLang's DeepEP-Ascend and vLLM-Ascend: CANN MC2 (50.9 µs per call)
    expect(oneTokenDispatchUs("sglang", "atlas-800t-a3", 16, false)).toBeGreaterThan(50);
    expect(oneTokenDispatchUs("vllm-ascend", "atlas-800t-a3", 16, false)).toBeGreaterThan(50);
    // CloudMatrix-Infer and xDeepServe: CANN EP (10 µs per call)
    expect(oneTokenDispatchUs("cloudmatrix-infer", "cloudmatrix384", 32, false)).toBeGreaterThan(10);
    expect(oneTokenDispatchUs("xdeepserve", "cloudmatrix384", 32, false)).toBeGreaterThan(10);
    // vLLM: NCCL all-gather (its default all2all backend), NCCL's fixed cost in one NVLink domain
    expect(oneTokenDispatchUs("vllm", "hgx-h200", 8, false)).toBeGreaterThan(4.18);
  });
});
