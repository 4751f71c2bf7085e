import { describe, expect, it } from "vitest";
import { efficiencyProfile, efficiencyProfileForChip } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { operatorReferenceCases } from "./reference-cases.ts";
import { attentionOpNames } from "./test-support/attention-op-names.ts";

const profileOf = (chip: string) =>
  chip === "b200" ? efficiencyProfile("b200") : efficiencyProfileForChip({ id: chip, origin: {} });

describe("TensorRT-LLM's trtllm-gen context attention on Blackwell (engine overlays)", () => {
  it("B200 and GB200 take the sm100 values, GB300 its own sm103 values (the later overlay wins)", () => {
    const expected = {
      b200: { mla: [0.591, 492], gqa: [0.5765, 940, 0.369, 0.3215] },
      gb200: { mla: [0.591, 492], gqa: [0.5765, 940, 0.369, 0.3215] },
      gb300: { mla: [0.685, 554], gqa: [0.7545, 1362, 0.493, 0.468] },
    } as const;
    for (const [chip, want] of Object.entries(expected)) {
      const mla = withEngineOverlays(profileOf(chip), { engine: "trtllm", modelAttention: "mla-dense" });
      const mlaPrefill = mla.classes["attention-prefill"];
      expect([mlaPrefill.computeEfficiency.bf16?.value, mlaPrefill.keyOverheadTokens?.value]).toEqual(
        want.mla,
      );
      const gqa = withEngineOverlays(profileOf(chip), { engine: "trtllm", modelAttention: "gqa" });
      const gqaPrefill = gqa.classes["attention-prefill"];
      expect([
        gqaPrefill.computeEfficiency.bf16?.value,
        gqaPrefill.keyOverheadTokens?.value,
        gqaPrefill.headDim64Ceiling?.value,
        gqaPrefill.computeEfficiency.fp8?.value,
      ]).toEqual(want.gqa);
      // The decode overlay of the same backend still applies beside it.
      expect(gqa.engineOverlays).toContain("trtllm-gen-gqa-sm100");
    }
  });

  it("leaves other engines and sparse MLA on the chip profile's prefill law", () => {
    const b200 = efficiencyProfile("b200");
    for (const engine of ["vllm", "sglang"])
      for (const modelAttention of ["gqa", "mla-dense"] as const) {
        const p = withEngineOverlays(b200, { engine, modelAttention });
        expect(p.classes["attention-prefill"]).toBe(b200.classes["attention-prefill"]);
      }
    const sparse = withEngineOverlays(b200, { engine: "trtllm", modelAttention: "mla-sparse" });
    expect(sparse.classes["attention-prefill"]).toBe(b200.classes["attention-prefill"]);
    // Hopper takes its own fmha_v2 overlay (trtllm-hopper-context-overlay.test.ts), not these values.
    const h200 = efficiencyProfileForChip({ id: "h200-sxm", origin: {} });
    const hopper = withEngineOverlays(h200, { engine: "trtllm", modelAttention: "gqa" });
    expect(hopper.engineOverlays).not.toContain("trtllm-gen-context-gqa-sm100");
  });

  it("puts the held-out kernel records at 64 / 8 and 128 heads within 14 % of TensorRT-LLM's tables", () => {
    // Calibration: B200's and GB300's 16 x 1,024 and 2 x 8,192 points (the rule in the overlay notes).
    const calibration = /^aic-trtllm-(b200|gb300)-.*-(b16-s1024|b2-s8192)$/;
    const held = operatorReferenceCases().filter(
      (c) =>
        /^aic-trtllm-(b200|gb200|gb300)-context-(mla-bf16-h128-|gqa-(bf16|fp8)-q64kv8d)/.test(c.id) &&
        !calibration.test(c.id),
    );
    expect(held.length).toBe(25);
    for (const c of held) expect(Math.abs(c.predicted / c.published - 1)).toBeLessThan(0.14);
  });

  it("does not charge the op's RoPE and KV-cache write beside it in prefill (the fitted op holds them); decode and other engines keep them", () => {
    const attentionOps = (sets: string[], phase: "prefill" | "decode") =>
      attentionOpNames("trtllm-gpt-oss-blackwell-offline", sets, phase);
    expect(new Set(attentionOps([], "prefill"))).toEqual(new Set(["attn.core"]));
    expect(new Set(attentionOps([], "decode"))).toEqual(
      new Set(["attn.core", "attn.rotary", "attn.kv_cache_write"]),
    );
    expect(new Set(attentionOps(["engine={ name: sglang }"], "prefill"))).toEqual(
      new Set(["attn.core", "attn.rotary", "attn.kv_cache_write"]),
    );
    const gqa = withEngineOverlays(profileOf("gb300"), { engine: "trtllm", modelAttention: "gqa" });
    expect(gqa.includedOperators).toEqual({ prefill: ["attn.rotary", "attn.kv_cache_write"] });
  });
});
