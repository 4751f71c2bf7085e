import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { type MoeOpSpec, moeOpOperators } from "./moe-op-case.ts";

/**
 * vLLM 0.11's DeepGEMM MoE chain where a scenario names `engine.moeBackend: deep_gemm`
 * (data/engines/vllm.yaml `moeBackends.deep_gemm`): the BF16 tokens quantised before the permute,
 * deepgemm_moe_permute's three bookkeeping kernels and its FP8 row scatter, and the SiLU-and-mul and
 * second input quantisation over every row of the aligned buffer, round_up(pairs + local experts ×
 * 127, 128) — 8,192 rows for 8 tokens, top-8, 64 local experts (Qwen3-235B at EP2 on B200).
 */
describe("vLLM's DeepGEMM MoE chain", () => {
  const b200 = builtinCatalog().chip("b200");
  const engine = { name: "vllm", version: "0.11.1" };
  const spec: MoeOpSpec = {
    kind: "moe-op",
    model: "qwen3-235b-a22b",
    hidden: 4096,
    expertIntermediate: 1536,
    experts: 128,
    topK: 8,
    tokens: 8,
    ep: 2,
    tp: 1,
    weights: "fp8",
    backend: "deep_gemm",
    backendChain: true,
    routing: "balanced",
  };
  const ops = moeOpOperators(spec, engine, b200);
  const op = (name: string) => ops.find((o) => o.name === name);

  it("launches the quantisation, three permute kernels and the row scatter before the first GEMM, a quantisation before the second", () => {
    expect(ops.map((o) => [o.name, o.kernels ?? 1])).toEqual([
      ["moe.topk", 1],
      ["moe.experts.sort", 3],
      ["moe.experts.scatter", 1],
      ["moe.experts.gate_up_proj.quant", 1],
      ["moe.experts.gate_up_proj", 1],
      ["moe.experts.act", 1],
      ["moe.experts.down_proj.quant", 1],
      ["moe.experts.down_proj", 1],
      ["moe.combine", 1],
    ]);
  });

  it("quantises the 8 held tokens and all 8,192 buffer rows of the activation (FP8 plus a 4-byte scale per 128)", () => {
    expect(op("moe.experts.gate_up_proj.quant")?.bytesWritten.activations).toBe(
      8 * 4096 + (8 * 4096 * 4) / 128,
    );
    expect(op("moe.experts.down_proj.quant")?.bytesWritten.activations).toBe(
      8192 * 1536 + (8192 * 1536 * 4) / 128,
    );
  });

  it("runs SiLU-and-mul over the 8,192 buffer rows (BF16 out), and scatters only the rank's 32 routed pairs", () => {
    expect(op("moe.experts.act")?.bytesWritten.activations).toBe(8192 * 1536 * 2);
    expect(op("moe.experts.scatter")?.bytesWritten.activations).toBe(32 * 4096 * (1 + 4 / 128));
  });

  it("without the named chain (the chip profile's deep_gemm alone) none of these kernels run and the activation stays on the routed rows", () => {
    const plain = moeOpOperators({ ...spec, backendChain: undefined }, engine, b200);
    expect(plain.map((o) => o.name)).not.toContain("moe.experts.scatter");
    expect(plain.find((o) => o.name === "moe.experts.act")?.bytesWritten.activations).toBe(32 * 1536 * 2);
  });
});
