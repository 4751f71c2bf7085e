import { describe, expect, it } from "vitest";
import type { AttentionShape } from "../model/types.ts";
import { attentionDecodeEfficiency, attentionPrefillEfficiency } from "./attention-efficiency.ts";
import { efficiencyProfile } from "./efficiency-profile.ts";

const h800 = efficiencyProfile("h800-sxm").classes["attention-prefill"];
const shape = (over: Partial<AttentionShape>): AttentionShape => ({
  queries: 4096,
  heads: 16,
  qkHeadDim: 128,
  vHeadDim: 128,
  meanKeysPerQuery: 4096,
  causal: false,
  ...over,
});

describe("attentionPrefillEfficiency", () => {
  it("amortises the per-tile cost over the keys: ceiling × keys / (keys + overhead)", () => {
    const f = attentionPrefillEfficiency(shape({}), 0.6632, h800);
    expect(f.headDimFactor).toBe(1);
    expect(f.amortisation).toBeCloseTo(4096 / (4096 + 207.4), 6);
    expect(f.efficiency).toBeCloseTo(0.6632 * f.amortisation, 9);
  });

  it("charges half a query tile of masked keys per query under a causal mask", () => {
    const f = attentionPrefillEfficiency(shape({ causal: true, meanKeysPerQuery: 2048.5 }), 0.6632, h800);
    expect(f.amortisation).toBeCloseTo(2048.5 / (2048.5 + 207.4 + 64), 6);
  });

  it("times the training backward with its own ceiling and per-tile cost (FlashAttention-3 Figure 6 on H100)", () => {
    const tflops = (keys: number, backward: boolean) =>
      attentionPrefillEfficiency(shape({ meanKeysPerQuery: keys, backward }), 0.6632, h800).efficiency *
      989.4;
    // the two bars the parameters are solved from, and the forward bar at 16k
    expect(tflops(16384, true)).toBeCloseTo(561, 0);
    expect(tflops(512, true)).toBeCloseTo(316, 0);
    expect(tflops(16384, false)).toBeCloseTo(648, 0);
    // backward loses more at short keys than forward does
    expect(tflops(1024, true) / tflops(1024, false)).toBeLessThan(tflops(16384, true) / tflops(16384, false));
    // Blackwell: NVIDIA's SM100 kernels, 1,000 backward / 1,460 forward at long keys, Hopper's tile costs
    const b200 = efficiencyProfile("b200").classes["attention-prefill"];
    const ratio =
      attentionPrefillEfficiency(shape({ backward: true, meanKeysPerQuery: 1e9 }), 0.6489, b200).efficiency /
      attentionPrefillEfficiency(shape({ meanKeysPerQuery: 1e9 }), 0.6489, b200).efficiency;
    expect(ratio).toBeCloseTo(1000 / 1460, 3);
  });

  it("interpolates the ceiling linearly in the mean head dim between the 64, 128 and 256 points", () => {
    const ceiling = 0.6632;
    const at = (qk: number, v: number) =>
      attentionPrefillEfficiency(shape({ qkHeadDim: qk, vHeadDim: v }), ceiling, h800).headDimFactor *
      ceiling;
    expect(at(64, 64)).toBeCloseTo(0.5087, 4);
    expect(at(256, 256)).toBeCloseTo(0.6704, 4);
    // DeepSeek naive MLA: (192 + 128) / 2 = 160, a quarter of the way from 128 to 256
    expect(at(192, 128)).toBeCloseTo(0.6632 + (0.6704 - 0.6632) / 4, 4);
    // flat outside the measured points (absorbed MLA: 576 / 512)
    expect(at(576, 512)).toBeCloseTo(0.6704, 4);
    expect(at(32, 32)).toBeCloseTo(0.5087, 4);
  });

  it("models nothing when the profile gives no parameters (default profile)", () => {
    const plain = efficiencyProfile("a100-sxm").classes["attention-prefill"];
    const f = attentionPrefillEfficiency(shape({ causal: true, meanKeysPerQuery: 100 }), 0.65, plain);
    expect(f.efficiency).toBe(0.65);
  });

  it("never exceeds the ceiling and rises monotonically with the keys attended", () => {
    let last = 0;
    for (const keys of [64, 256, 1024, 4096, 16384, 65536]) {
      const e = attentionPrefillEfficiency(
        shape({ causal: true, meanKeysPerQuery: keys }),
        0.6632,
        h800,
      ).efficiency;
      expect(e).toBeGreaterThan(last);
      expect(e).toBeLessThan(0.6632);
      last = e;
    }
  });
});

describe("attentionDecodeEfficiency", () => {
  const decode = efficiencyProfile("h200-sxm").classes["attention-decode"];
  const mla = (keys: number, queries = 128, queryTokensPerSequence?: number): AttentionShape =>
    shape({
      queries,
      heads: 128,
      qkHeadDim: 576,
      vHeadDim: 512,
      meanKeysPerQuery: keys,
      ...(queryTokensPerSequence !== undefined && { queryTokensPerSequence }),
    });

  it("amortises a per-sequence cost over the KV length on Hopper: ceiling × KV / (KV + 849)", () => {
    const f = attentionDecodeEfficiency(mla(2048), 0.6673, decode);
    expect(f.amortisation).toBeCloseTo(2048 / (2048 + 849), 6);
    expect(f.efficiency).toBeCloseTo(0.6673 * f.amortisation, 9);
    // The asymptote is the ceiling: a 64K context loses about 1 %.
    expect(attentionDecodeEfficiency(mla(65536), 0.6673, decode).amortisation).toBeGreaterThan(0.98);
  });

  it("does not depend on the batch, and shares the cost among a sequence's query tokens (MTP verification)", () => {
    const one = attentionDecodeEfficiency(mla(4096, 128), 0.6673, decode).efficiency;
    expect(attentionDecodeEfficiency(mla(4096, 512), 0.6673, decode).efficiency).toBe(one);
    const two = attentionDecodeEfficiency(mla(4096, 256, 2), 0.6673, decode);
    expect(two.amortisation).toBeCloseTo(4096 / (4096 + 849 / 2), 6);
  });

  it("models nothing where the profile gives no per-sequence cost (Ascend)", () => {
    const cls = efficiencyProfile("ascend-910c").classes["attention-decode"];
    expect(attentionDecodeEfficiency(mla(1024), 0.5, cls).efficiency).toBe(0.5);
    expect(attentionDecodeEfficiency(mla(1024), 0.5, cls, "fp8").efficiency).toBe(0.5);
  });

  it("takes the one-byte format's own per-sequence cost where the profile gives one (B200: 594 BF16, 1,798 FP8 keys)", () => {
    const b200 = efficiencyProfile("b200").classes["attention-decode"];
    expect(attentionDecodeEfficiency(mla(2048), 0.595, b200, "bf16").amortisation).toBeCloseTo(
      2048 / (2048 + 594),
      6,
    );
    expect(attentionDecodeEfficiency(mla(2048), 0.599, b200, "fp8").amortisation).toBeCloseTo(
      2048 / (2048 + 1798),
      6,
    );
    // Hopper gives one cost for every format
    expect(attentionDecodeEfficiency(mla(2048), 0.6673, decode, "fp8").amortisation).toBeCloseTo(
      2048 / (2048 + 849),
      6,
    );
  });
});

describe("softmax exponential roof (Blackwell: 16 exps per clock per SM against 8,192 BF16 FLOPs)", () => {
  const b200 = efficiencyProfile("b200").classes["attention-prefill"];
  const gb300 = efficiencyProfile("gb300").classes["attention-prefill"];
  const long = (d: number) => shape({ qkHeadDim: d, vHeadDim: d, meanKeysPerQuery: 16384 });

  it("caps head dim 64 in BF16 at 2 × 128 / 512 × e of the peak; head 128 keeps the tensor ceiling", () => {
    const e = b200.softmaxExpEfficiency?.value ?? 0;
    const hd64 = attentionPrefillEfficiency(long(64), 0.6489, b200, 1);
    expect(hd64.expCeiling).toBeCloseTo(0.5 * e, 9);
    expect(hd64.efficiency).toBeCloseTo(0.5 * e * hd64.amortisation, 9);
    const hd128 = attentionPrefillEfficiency(long(128), 0.6489, b200, 1);
    expect(hd128.expCeiling).toBeGreaterThan(0.6489);
    expect(hd128.efficiency).toBeCloseTo(0.6489 * hd128.amortisation, 9);
  });

  it("halves the roof in FP8 (twice the FLOPs per clock, the same exponentials)", () => {
    const bf16 = attentionPrefillEfficiency(long(128), 0.6489, b200, 1).expCeiling;
    const fp8 = attentionPrefillEfficiency(long(128), 0.6489, b200, 0.5).expCeiling;
    expect(fp8).toBeCloseTo(bf16 / 2, 9);
  });

  it("is doubled on Blackwell Ultra, not modelled on Hopper or for the backward", () => {
    const b = attentionPrefillEfficiency(long(64), 0.6489, b200, 1).expCeiling;
    expect(attentionPrefillEfficiency(long(64), 0.6489, gb300, 1).expCeiling).toBeCloseTo(2 * b, 9);
    expect(attentionPrefillEfficiency(long(64), 0.6632, h800, 1).expCeiling).toBe(Infinity);
    expect(attentionPrefillEfficiency({ ...long(64), backward: true }, 0.6489, b200, 1).expCeiling).toBe(
      Infinity,
    );
  });
});
