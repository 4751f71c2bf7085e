import { describe, expect, it } from "vitest";
import { efficiencyProfileForChip } from "./efficiency-profile.ts";
import { withEngineOverlays } from "./engine-overlay.ts";
import { operatorReferenceCases } from "./reference-cases.ts";
import { attentionOpNames } from "./test-support/attention-op-names.ts";

const hopper = (chip: string) => efficiencyProfileForChip({ id: chip, origin: {} });

describe("TensorRT-LLM's fmha_v2 context attention on Hopper (engine overlay trtllm-fmha-v2-context-gqa-sm90)", () => {
  it("H100 and H200 take the fitted values under TensorRT-LLM's GQA; other engines and MLA keep FlashAttention-3's law", () => {
    for (const chip of ["h100-sxm", "h200-sxm"]) {
      const base = hopper(chip);
      const gqa = withEngineOverlays(base, { engine: "trtllm", modelAttention: "gqa" });
      const prefill = gqa.classes["attention-prefill"];
      expect([
        prefill.computeEfficiency.bf16?.value,
        prefill.computeEfficiency.fp16?.value,
        prefill.computeEfficiency.fp8?.value,
        prefill.keyOverheadTokens?.value,
        prefill.headDim64Ceiling?.value,
      ]).toEqual([0.5711, 0.5711, 0.356, 445.3, 434 / 1000]); // 0.434: the head-64 ceiling
      // The profile's causal waste and head-256 point stay; the decode overlay applies beside it.
      expect(prefill.causalWastedKeys).toBe(base.classes["attention-prefill"].causalWastedKeys);
      expect(prefill.headDim256Ceiling).toBe(base.classes["attention-prefill"].headDim256Ceiling);
      expect(gqa.engineOverlays).toEqual(
        expect.arrayContaining(["trtllm-xqa-gqa-sm90", "trtllm-fmha-v2-context-gqa-sm90"]),
      );
      for (const engine of ["vllm", "sglang"]) {
        const other = withEngineOverlays(base, { engine, modelAttention: "gqa" });
        expect(other.classes["attention-prefill"]).toBe(base.classes["attention-prefill"]);
      }
      const mla = withEngineOverlays(base, { engine: "trtllm", modelAttention: "mla-dense" });
      expect(mla.classes["attention-prefill"]).toBe(base.classes["attention-prefill"]);
    }
  });

  it("puts the held-out Hopper context records (H200, and 4 x 4,096 on both chips) within 11 % of the tables", () => {
    // Calibration: H100's 16 x 1,024 and 2 x 8,192 points (the rule in the overlay's notes).
    const held = operatorReferenceCases().filter(
      (c) =>
        /^aic-trtllm-h(100|200)-context-gqa-/.test(c.id) &&
        !/^aic-trtllm-h100-.*-(b16-s1024|b2-s8192)$/.test(c.id),
    );
    expect(held.length).toBe(8);
    for (const c of held) expect(Math.abs(c.predicted / c.published - 1), c.id).toBeLessThan(0.11);
  });

  it("does not charge the op's RoPE and KV-cache write beside it in Hopper prefill; decode keeps them", () => {
    const attentionOps = (phase: "prefill" | "decode") =>
      attentionOpNames("trtllm-gpt-oss-hopper-offline", [], phase);
    expect(new Set(attentionOps("prefill"))).toEqual(new Set(["attn.core"]));
    expect(new Set(attentionOps("decode"))).toEqual(
      new Set(["attn.core", "attn.rotary", "attn.kv_cache_write"]),
    );
  });
});
