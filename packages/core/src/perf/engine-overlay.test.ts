import { describe, expect, it } from "vitest";
import { embeddedDataFiles } from "../catalog/index.ts";
import { efficiencyProfile, efficiencyProfileForChip } from "./efficiency-profile.ts";
import { selectOverlays, withEngineOverlays } from "./engine-overlay.ts";
import { readEngineOverlayFile } from "./engine-overlay-file.ts";
import { gemmEfficiency } from "./gemm-efficiency.ts";
import { operatorReferenceCases } from "./reference-cases.ts";
import { stepContext } from "./step-context.ts";
import { estimate } from "./step-estimate.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const b200 = () => efficiencyProfile("b200");
const inherited = (id: string) => efficiencyProfileForChip({ id, origin: {} });

describe("engine efficiency overlays", () => {
  it("SGLang's default trtllm_mla replaces the B200 decode-attention values for dense MLA, on every chip extending the B200", () => {
    for (const chip of ["b200", "gb200", "gb300"]) {
      const base = chip === "b200" ? b200() : inherited(chip);
      const p = withEngineOverlays(base, { engine: "sglang", modelAttention: "mla-dense" });
      expect(p.engineOverlays).toEqual(["sglang-trtllm-mla-sm100"]);
      const decode = p.classes["attention-decode"];
      expect(decode.computeEfficiency.bf16?.value).toBe(0.498);
      expect(decode.computeEfficiency.fp8?.value).toBe(0.445);
      expect(decode.keyOverheadTokens?.value).toBe(543);
      expect(decode.fp8KeyOverheadTokens?.value).toBe(974);
      expect(decode.computeEfficiency.bf16?.tag).toBe("derived");
      expect(decode.computeEfficiency.bf16?.note).toMatch(/^engine overlay sglang-trtllm-mla-sm100/);
      // What the overlay does not name stays the chip's.
      expect(decode.sparseDecodeCeiling).toEqual(base.classes["attention-decode"].sparseDecodeCeiling);
      expect(p.classes["grouped-gemm"]).toBe(base.classes["grouped-gemm"]);
      expect(p.files[0]).toBe("efficiency/engines/sglang/attention-decode.yaml");
    }
  });

  it("applies only where the engine's default or the scenario's named backend is the overlay's", () => {
    const none = (sel: Parameters<typeof withEngineOverlays>[1]) =>
      withEngineOverlays(b200(), sel) === b200();
    expect(none({ engine: "sglang", modelAttention: "mla-sparse" })).toBe(true); // DeepSeek-V3.2: NSA
    expect(none({ engine: "sglang", modelAttention: "gqa" })).toBe(true);
    expect(none({ engine: "sglang", modelAttention: "mla-dense", attentionBackend: "flashinfer" })).toBe(
      true,
    );
    expect(none({ engine: "mindie", modelAttention: "mla-dense" })).toBe(true); // no overlay file
    expect(none({ engine: "trtllm", modelAttention: "mla-sparse" })).toBe(true); // no sparse context overlay
    expect(none({ engine: "sglang", modelAttention: "mla-dense", version: "0.4.6" })).toBe(false); // from 0.4.6, inclusive
    expect(
      selectOverlays(efficiencyProfile("h200-sxm"), { engine: "sglang", modelAttention: "mla-dense" }),
    ).toEqual([]);
    expect(none({ engine: "sglang", modelAttention: "gqa", attentionBackend: "trtllm_mla" })).toBe(false);
  });

  it("a default for some expert formats only: vLLM's FlashInfer TRT-LLM MoE on Blackwell for FP4 experts, INT4 when named", () => {
    const ids = (sel: Parameters<typeof selectOverlays>[1]) => selectOverlays(b200(), sel).map((o) => o.id);
    const vllm = { engine: "vllm", modelAttention: "mla-dense" } as const;
    expect(ids({ ...vllm, expertWeights: "fp4" })).toContain("vllm-flashinfer-trtllm-moe-sm100");
    expect(ids({ ...vllm, expertWeights: "int4" })).not.toContain("vllm-flashinfer-trtllm-moe-sm100");
    expect(ids(vllm)).not.toContain("vllm-flashinfer-trtllm-moe-sm100"); // a dense model
    expect(ids({ ...vllm, expertWeights: "int4", moeBackend: "flashinfer_trtllm" })).toContain(
      "vllm-flashinfer-trtllm-moe-sm100",
    );
    const grouped = withEngineOverlays(b200(), { ...vllm, expertWeights: "fp4" }).classes["grouped-gemm"];
    expect(grouped.tileOverheadS?.value).toBeCloseTo(0.117e-6, 12);
    expect(grouped.tileMPow2Min?.value).toBe(8);
    expect(
      selectOverlays(efficiencyProfile("h200-sxm"), { ...vllm, expertWeights: "fp4" }).map((o) => o.id),
    ).not.toContain("vllm-flashinfer-trtllm-moe-sm100");
  });

  it("is memoised per profile object, so step memos keyed by profile still hit", () => {
    const sel = { engine: "sglang", modelAttention: "mla-dense" } as const;
    expect(withEngineOverlays(b200(), sel)).toBe(withEngineOverlays(b200(), sel));
  });

  it("refuses a backend the engine does not have, naming the field and the choices", () => {
    expect(() =>
      withEngineOverlays(b200(), {
        engine: "sglang",
        attentionBackend: "flashmla2",
        modelAttention: "mla-dense",
      }),
    ).toThrow(/sglang has no attention backend "flashmla2": expected one of trtllm_mla, flashinfer/);
  });

  it("times SGLang's own B200 MLA table with the overlay (kernel cases run under their engine)", () => {
    const cases = operatorReferenceCases().filter((c) => c.id.startsWith("aic-sglang-b200-mla-"));
    expect(cases).toHaveLength(13); // 12 at 128 heads, 1 at 16 heads and batch 1 (the decode-attention floor)
    for (const c of cases) expect(Math.abs(c.predicted / c.published - 1)).toBeLessThan(0.1);
  });
});

describe("scenarios run their engine's backend", () => {
  const GB300 = "sglang-gb300-deepseek-r1-nvfp4-decode-128k";
  const profileOf = (...sets: string[]) => {
    const scenario = referenceScenario(GB300, ...sets);
    return stepContext(scenario, must(scenario.deployment.decode)).profile;
  };

  it("SGLang on GB300 with DeepSeek-R1 takes trtllm_mla by default; a named backend without overlay keeps the chip's", () => {
    expect(profileOf().engineOverlays).toEqual(["sglang-trtllm-mla-sm100"]);
    expect(profileOf("engine.attentionBackend=trtllm_mla").engineOverlays).toEqual([
      "sglang-trtllm-mla-sm100",
    ]);
    expect(profileOf("engine.attentionBackend=flashinfer").engineOverlays).toBeUndefined();
  });

  it("estimate says which overlays it applied", () => {
    expect(estimate(referenceScenario(GB300)).scenario.engine?.efficiencyOverlays).toEqual([
      "sglang-trtllm-mla-sm100",
    ]);
  });

  it("a DSA model under SGLang on B200 runs no trtllm_mla overlay", () => {
    const scenario = referenceScenario("sglang-b200-deepseek-v3.2-decode");
    expect(stepContext(scenario, must(scenario.deployment.decode)).profile.engineOverlays).toBeUndefined();
  });
});

describe("engine overlay files", () => {
  const file = embeddedDataFiles["efficiency/engines/sglang/attention-decode.yaml"] ?? "";
  const read = (text: string) =>
    readEngineOverlayFile("efficiency/engines/x.yaml", { "efficiency/engines/x.yaml": text });

  it("reads the built-in SGLang file", () => {
    expect(read(file).overlays.map((o) => o.id)).toEqual(["sglang-trtllm-mla-sm100"]);
  });

  it("names file, field and what was expected for an unknown source key", () => {
    const bad = file.replace(
      "source: sglang-server-args\n      tag: spec",
      "source: nowhere\n      tag: spec",
    );
    expect(() => read(bad)).toThrow(
      /unknown source "nowhere": expected one of the keys of the sources block/,
    );
  });

  it("refuses an overlay backend the file's backends list lacks", () => {
    const bad = file.replace("name: trtllm_mla\n", "name: trtllm_mlaa\n");
    expect(() => read(bad)).toThrow(/backend "trtllm_mlaa" is not among the attention backends/);
  });

  it("carries the operators an overlay's kernel runs inside its op into the profile, per phase, with a checked source", () => {
    const included = (tag: string, source = "sglang-server-args") =>
      file.replace(
        "\n    classes:",
        `\n    includesOperators: { phase: prefill, operators: [attn.rotary, attn.kv_cache_write], source: ${source}, tag: ${tag}, note: test }\n    classes:`,
      );
    const files = {
      ...embeddedDataFiles,
      "efficiency/engines/sglang/attention-decode.yaml": included("spec"),
    };
    // a profile object of its own: the overlay memo is keyed by profile object and overlay ids
    const p = withEngineOverlays({ ...b200() }, { engine: "sglang", modelAttention: "mla-dense" }, files);
    expect(p.includedOperators).toEqual({ prefill: ["attn.rotary", "attn.kv_cache_write"] });
    // the built-in file names none
    expect(
      withEngineOverlays(b200(), { engine: "sglang", modelAttention: "mla-dense" }).includedOperators,
    ).toBeUndefined();
    expect(() => read(included("spec", "nowhere"))).toThrow(/unknown source "nowhere"/);
    expect(() => read(included("guess"))).toThrow(/includesOperators/);
  });

  it("vLLM's Triton MoE on Hopper takes its row tile from the release's shipped configs (fused-moe-row-tile.ts)", () => {
    const h200 = inherited("h200-sxm");
    const at = (version: string) =>
      withEngineOverlays(h200, { engine: "vllm", version, moeBackend: "triton" }).classes["grouped-gemm"];
    const old = at("0.14.0");
    const recent = at("0.18.0");
    expect(old).not.toBe(recent); // memoised per release: the default rule differs
    expect(recent.rowTileConfigs?.device).toBe("NVIDIA_H200");
    // MiniMax-M2.5's EP8 expert GEMM (no tuned file): 16-row tiles up to 64 tokens at 0.18.0, 64 at 0.14.0.
    const shape = { m: 1, n: 3072, k: 3072, groups: 32, localGroups: 32, expertIntermediate: 1536 };
    const rows = (cls: typeof old, opTokens: number) =>
      gemmEfficiency({ ...shape, opTokens }, 0.359, cls, "fp8", "block-128x128").tile?.m;
    expect(rows(recent, 32)).toBe(16);
    expect(rows(recent, 128)).toBe(64);
    expect(rows(old, 32)).toBe(64);
    // A shape without the call's key keeps the class's own rule (tileMSmall at a few rows).
    expect(gemmEfficiency(shape, 0.359, recent, "fp8", "block-128x128").tile?.m).toBe(16);
  });

  it("refuses an efficiency outside (0, 1] and unknown fields", () => {
    expect(() => read(file.replace("value: 0.498", "value: 1.498"))).toThrow(/fraction of peak/);
    expect(() => read(file.replace("defaultFor: [mla-dense]", "defaultFor: [mla]"))).toThrow(/defaultFor/);
  });
});
