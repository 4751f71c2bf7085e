import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import type { Scenario } from "../deploy/index.ts";
import { layerOperators } from "../model/layer-operators.ts";
import { stepContext } from "./step-model.ts";
import { microbatchWork } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const V32_PREFILL = "vllm-gb300-deepseek-v3.2-nvfp4-tp2-prefill";
const prefillWork = (s: Scenario, promptTokens: number, sequences = 10) => {
  const ctx = stepContext(s, must(s.deployment.prefill));
  const newTokens = promptTokens * sequences;
  return microbatchWork(ctx, {
    phase: "prefill",
    sequences,
    newTokens,
    attendedTokenPairs: (sequences * promptTokens * (promptTokens + 1)) / 2,
  });
};
const prefillForm = (s: Scenario, promptTokens: number, sequences = 10) =>
  prefillWork(s, promptTokens, sequences).base.mlaForm;

describe("DSA prefill: the MLA form follows the engine (engine-file dsaPrefill)", () => {
  it("records vLLM's absorbed sparse prefill, SGLang's dense MHA up to the top-k on NVIDIA, nothing for others", () => {
    const chip = (id: string, vendor = "NVIDIA", extendsId?: string) => ({
      id,
      vendor,
      origin: extendsId === undefined ? {} : { extends: extendsId },
    });
    const vllm = engineProfile({ name: "vllm", version: "0.14.1" });
    expect(vllm.dsaPrefillFor(chip("gb300"))).toEqual({
      form: "absorbed",
      padsTopK: true,
      padHeads: 128,
      stagingCopies: true,
    });
    expect(
      engineProfile({ name: "vllm", version: "0.11.1" }).dsaPrefillFor(chip("gb300"))?.stagingCopies,
    ).toBe(false);
    expect(vllm.dsaPrefillFor(chip("h200-sxm"))?.padHeads).toBe(64);
    expect(vllm.dsaPrefillFor(chip("my-b200", "NVIDIA", "b200"))?.padHeads).toBe(128);
    expect(engineProfile({ name: "sglang" }).dsaPrefillFor(chip("b200"))).toEqual({
      form: "mha-up-to-topk",
      padsTopK: true,
      stagingCopies: false,
    });
    expect(engineProfile({ name: "sglang" }).dsaPrefillFor(chip("ascend-910c", "Huawei"))).toBeUndefined();
    expect(engineProfile({ name: "trtllm" }).dsaPrefillFor(chip("b200"))).toBeUndefined();
  });

  it("runs vLLM's V3.2 prefill in the absorbed form at every prompt length", () => {
    const s = referenceScenario(V32_PREFILL);
    expect(prefillForm(s, 2048)).toBe("absorbed");
    expect(prefillForm(s, 512)).toBe("absorbed");
  });

  it("runs SGLang's V3.2 prefill as dense MHA while the prompts fit in the top-k (2,048), absorbed above", () => {
    const s = referenceScenario(V32_PREFILL, "engine.name=sglang", "engine.version=0.5.6");
    expect(prefillForm(s, 2048)).toBe("naive");
    expect(prefillForm(s, 4096, 5)).toBe("absorbed");
  });

  it("leaves the naive default where the engine records no form, and dense MLA models untouched", () => {
    expect(
      prefillForm(referenceScenario(V32_PREFILL, "engine.name=trtllm", "engine.version=1.2.0"), 2048),
    ).toBe(undefined);
    const r1 = referenceScenario("vllm-gb300-deepseek-r1-nvfp4-ep2-prefill");
    expect(prefillForm(r1, 2048)).toBeUndefined();
  });

  it("charges vLLM's sparse core the whole top-k width per query (no topk_length) and 128 heads on GB300, 3.4x MHA's work per pair", () => {
    const s = referenceScenario(V32_PREFILL);
    const work = prefillWork(s, 2048);
    expect(work.base.dsaFullTopK).toBe(true);
    const core = (options: typeof work.base) =>
      must(layerOperators(s.model, 3, work.groupWorkload, options).find((o) => o.name === "attn.core")).flops;
    expect(work.base.dsaHeadPad).toBe(128);
    // 20,480 tokens x 2,048 slots x 64 heads (TP2) padded to 128 x (576 + 512) x 2
    expect(core(work.base)).toBeCloseTo(2 * 20480 * 2048 * 128 * 1088, -6);
    const unpadded = core({ ...work.base, dsaHeadPad: undefined });
    expect(unpadded / core(work.base)).toBeCloseTo(0.5, 6);
    // causal keys only (a kernel given the per-token length) halve it again at 2K prompts
    const causal = core({ ...work.base, dsaHeadPad: undefined, dsaFullTopK: false });
    expect(causal / unpadded).toBeCloseTo(2049 / 4096, 3);
    // the naive (MHA) form over the same causal pairs: (192 + 128) per pair and head
    expect(
      causal / core({ ...work.base, mlaForm: "naive", dsaHeadPad: undefined, dsaFullTopK: false }),
    ).toBeCloseTo(1088 / 320, 3);
  });

  it("stages vLLM 0.14's sparse prefill in copies: query concat, index rewrite, 128-head pad copy, FP8 cache up-convert, output copy", () => {
    const s = referenceScenario(V32_PREFILL);
    const work = prefillWork(s, 2048);
    expect(work.base.dsaStagingCopies).toBe(true);
    const ops = layerOperators(s.model, 3, work.groupWorkload, work.base);
    const bytes = (name: string) => {
      const o = must(ops.find((op) => op.name === name));
      return o.bytesRead.activations + o.bytesRead.kvCache + o.bytesWritten.activations;
    };
    // 20,480 tokens x 64 heads (TP2) x 576 BF16 values, read and written
    expect(bytes("attn.q_concat")).toBe(2 * 20480 * 64 * 576 * 2);
    expect(bytes("attn.q_pad_copy")).toBe(2 * 20480 * 64 * 576 * 2);
    expect(bytes("attn.topk_slots")).toBe(2 * 20480 * 2048 * 4);
    // the FP8 cache (656 B per token) gathered into a BF16 workspace (576 x 2 B)
    expect(bytes("attn.cache_upconvert")).toBe(20480 * (656 + 1152));
    expect(bytes("attn.out_copy")).toBe(2 * 20480 * 64 * 512 * 2);
    // a BF16 cache has neither the up-convert nor the output copy; no flag, no copies
    const bf16 = layerOperators(s.model, 3, work.groupWorkload, { ...work.base, kvDtype: "bf16" });
    expect(bf16.some((o) => o.name === "attn.out_copy" || o.name === "attn.cache_upconvert")).toBe(false);
    const none = layerOperators(s.model, 3, work.groupWorkload, { ...work.base, dsaStagingCopies: false });
    expect(none.some((o) => o.name === "attn.q_concat")).toBe(false);
  });
});
