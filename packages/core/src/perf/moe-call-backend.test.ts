import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/index.ts";
import { engineOverlaySet } from "./engine-overlay-set.ts";
import { moeBackendForCall, passesPerCall } from "./moe-call-backend.ts";
import { stepContext } from "./step-context.ts";
import { estimate } from "./step-estimate.ts";
import { atMoeCall } from "./step-moe-call.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const DEEPGEMM = "vllm-deepgemm-moe-fp8-sm90";
const TRITON = "vllm-triton-moe-fp8-sm90";
// vLLM 0.11.1's _valid_deep_gemm (deep_gemm_moe.py): M >= 128, N > 512, N and K multiples of 128.
const TEST = { minTokens: 128, intermediateAbove: 512, multipleOf: 128 };

// The ML.ENERGY Qwen3-235B-A22B-FP8 rows on 4 H100 (TP4 attention, EP4 experts), batch 8 a step.
const SETS = [
  "system=hgx-h100",
  "deployment.colocated.chipsPerInstance=4",
  "deployment.colocated.attention.tp=4",
  "deployment.colocated.denseFfn.tp=4",
  "deployment.colocated.moe.ep=4",
  "deployment.colocated.batchPerChip=2",
  "deployment.colocated.tokensPerChip=2048",
];
const scenario = (...more: string[]) =>
  referenceScenario("mlenergy-qwen3-235b-fp8-b200-chat", ...SETS, ...more);

describe("vLLM's MoE backend per call on Hopper", () => {
  it("tests a call as _valid_deep_gemm does", () => {
    expect(passesPerCall(TEST, { tokens: 8, intermediate: 1536, hidden: 4096 })).toBe(false);
    expect(passesPerCall(TEST, { tokens: 127, intermediate: 1536, hidden: 4096 })).toBe(false);
    expect(passesPerCall(TEST, { tokens: 128, intermediate: 1536, hidden: 4096 })).toBe(true);
    // DeepSeek-V3 at MoE TP 8: 2,048 / 8 = 256, never DeepGEMM's MoE.
    expect(passesPerCall(TEST, { tokens: 8192, intermediate: 256, hidden: 7168 })).toBe(false);
    expect(passesPerCall(TEST, { tokens: 8192, intermediate: 1600, hidden: 4096 })).toBe(false);
  });

  it("the Hopper DeepGEMM overlay carries the test and falls back to Triton; no other overlay switches", () => {
    const call = (tokens: number) => ({ tokens, intermediate: 1536, hidden: 4096 });
    expect(moeBackendForCall("vllm", [DEEPGEMM], call(127))).toBe("triton");
    expect(moeBackendForCall("vllm", [DEEPGEMM], call(128))).toBeUndefined();
    expect(moeBackendForCall("vllm", [TRITON], call(8))).toBeUndefined();
    expect(moeBackendForCall("vllm", ["vllm-deepgemm-moe-fp8-sm100"], call(8))).toBeUndefined();
    expect(moeBackendForCall("vllm", undefined, call(8))).toBeUndefined();
  });

  it("a batch-8 decode step runs the Triton chain and a prefill chunk DeepGEMM's, with deep_gemm named", () => {
    const s = scenario();
    expect(s.engine?.moeBackend).toBe("deep_gemm");
    const ctx = stepContext(s, must(s.deployment.colocated));
    expect(ctx.profile.engineOverlays).toContain(DEEPGEMM);
    // 8 sequences on the instance: 8 tokens a call (TP attention, every rank holds every token).
    const decode = atMoeCall(ctx, { phase: "decode", sequences: 8, kvTokens: 8 * 1136 });
    expect(decode.profile.engineOverlays).toContain(TRITON);
    expect(decode.profile.engineOverlays).not.toContain(DEEPGEMM);
    // 128 sequences, and a 224-token prompt: the scenario's own profile, unchanged.
    expect(atMoeCall(ctx, { phase: "decode", sequences: 128, kvTokens: 128 * 1136 })).toBe(ctx);
    const prefill = {
      phase: "prefill",
      sequences: 1,
      newTokens: 224,
      attendedTokenPairs: 224 * 112,
    } as const;
    expect(atMoeCall(ctx, prefill)).toBe(ctx);

    const experts = (step: {
      layers: readonly { kind: string; timing: { items: readonly { name: string }[] } }[];
    }) =>
      must(step.layers.find((l) => l.kind === "moe"))
        .timing.items.map((i) => i.name)
        .filter((n) => n === "moe.experts.expert_map" || n === "moe.experts.scatter");
    const named = estimate(s);
    const triton = estimate(scenario("engine.moeBackend=triton"));
    // Decode: Triton's expert map, and the very step the Triton-named scenario times.
    expect(experts(must(named.decode).step)).toEqual(["moe.experts.expert_map"]);
    expect(must(named.decode).tpotS).toBe(must(triton.decode).tpotS);
    // Prefill (2,048 tokens a chip, 8,192 a call): DeepGEMM's row scatter, over a buffer of
    // round_up(8,192 × 8 + 32 × 127, 128) = 69,632 rows where Triton computes the rank's routed pairs.
    expect(experts(must(named.prefill).step)).toEqual(["moe.experts.scatter"]);
    expect(must(named.prefill).ttftS).toBeGreaterThan(must(triton.prefill).ttftS);
  });

  it("refuses a fallback backend the engine does not list", () => {
    const path = "efficiency/engines/vllm/moe-deepgemm-hopper.yaml";
    const files = {
      [path]: must(embeddedDataFiles[path]).replace("otherwise: triton", "otherwise: cutlass"),
    };
    expect(() => engineOverlaySet("vllm", files)).toThrow(
      /perCall\.otherwise "cutlass" is not among vllm's moe backends/,
    );
  });
});
