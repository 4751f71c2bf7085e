import { describe, expect, it } from "vitest";
import { efficiencyProfile } from "./efficiency-profile.ts";
import { operatorReferenceCases } from "./reference-cases.ts";
import {
  fitted,
  heldOut,
  relError,
  resolveFixtureChip,
  WAVE_RATE_PAIR,
} from "./test-support/operator-case-checks.ts";

describe("operator reference cases: attention kernels", () => {
  const cases = operatorReferenceCases(resolveFixtureChip);

  describe("prefill attention on Ascend (pto-isa's torch_npu baseline, one head, on a 910B2)", () => {
    const rows = cases.filter((c) => c.id.startsWith("torchnpu-fa-910b2-"));
    /** Kernel time of a one-head L x L record from its published TFLOPS (4 L² 128 FLOP). */
    const timeUs = (id: string) => {
      const c = rows.find((r) => r.id === id);
      if (c === undefined) throw new Error(`missing record ${id}`);
      const seq = Number(/-s(\d+)k$/.exec(id)?.[1]) * 1024;
      return { seq, us: (4 * seq * seq * 128) / (c.published * 1e6) };
    };
    /** 128-row query tiles in waves on the die's 24 cube cores. */
    const waves = (seq: number) => Math.ceil(seq / 128 / 24);

    it("fits the ceiling on the 16K / 32K pair and holds out the 8K row", () => {
      expect(rows.filter(fitted).map((c) => c.id)).toEqual([
        "torchnpu-fa-910b2-s16k",
        "torchnpu-fa-910b2-s32k",
      ]);
      expect(rows.filter(heldOut).map((c) => c.id)).toEqual(["torchnpu-fa-910b2-s8k"]);
    });

    it("stores the ceiling as the pair's wave-counted marginal rate over the 910B's BF16 peak", () => {
      const [short, long] = [timeUs(WAVE_RATE_PAIR[0]), timeUs(WAVE_RATE_PAIR[1])];
      const nsPerKey =
        (1000 * (long.us / waves(long.seq) - short.us / waves(short.seq))) / (long.seq - short.seq);
      expect(nsPerKey).toBeCloseTo(8.854, 2);
      const tflops = (24 * 4 * 128 * 128) / nsPerKey / 1000;
      const attention = efficiencyProfile("ascend-910c").classes["attention-prefill"];
      expect(attention.computeEfficiency.bf16?.value).toBeCloseTo(tflops / 376, 3);
      // the same solve's per-tile cost (about 4,670 keys) is not taken: the kernel's ceiling only
      expect(attention.keyOverheadTokens).toBeUndefined();
    });
  });

  describe("prefill attention (FlashAttention-3 BF16 forward on H100 SXM5, paper Figure 5)", () => {
    const fa3 = cases.filter((c) => c.id.startsWith("fa3-"));

    it("fits on four records and holds out the other 26", () => {
      expect(fa3).toHaveLength(30);
      expect(fa3.filter(fitted).map((c) => c.id)).toEqual([
        "fa3-h100-bf16-d64-s16k",
        "fa3-h100-bf16-d128-s512",
        "fa3-h100-bf16-d128-s16k",
        "fa3-h100-bf16-d256-causal-s16k",
      ]);
    });

    it("stores the key overhead and head-dim-128 ceiling as solved from the two head-dim-128 records", () => {
      // 648 / 467 = (16384 / (16384 + k)) / (512 / (512 + k))
      const ratio = 648 / 467;
      const k = (16384 * 512 * (ratio - 1)) / (16384 - 512 * ratio);
      const attention = efficiencyProfile("h800-sxm").classes["attention-prefill"];
      expect(attention.keyOverheadTokens?.value).toBeCloseTo(k, 0);
      expect(attention.computeEfficiency.bf16?.value).toBeCloseTo(648 / 989.4 / (16384 / (16384 + k)), 3);
      expect(attention.causalWastedKeys?.value).toBe(64);
    });

    it("predicts the held-out head-dim-128 and -256 records (FA3's 128-row tiles) within −6 … +11 %", () => {
      const tile128 = fa3.filter((c) => heldOut(c) && !c.id.includes("-d64-"));
      expect(tile128).toHaveLength(15);
      for (const c of tile128) {
        expect(relError(c), c.id).toBeGreaterThan(-0.06);
        expect(relError(c), c.id).toBeLessThan(0.11);
      }
      // causal head dim 128 from 1K to 16K: within ±3.1 %
      for (const c of tile128.filter((x) => /-d128-causal-s(1|2|4|8|16)k$/.test(x.id)))
        expect(Math.abs(relError(c)), c.id).toBeLessThan(0.031);
    });

    it("is optimistic for short causal head-dim-64 sequences (192-row tiles, not modelled)", () => {
      const short = fa3.find((c) => c.id === "fa3-h100-bf16-d64-causal-s512");
      expect(short && relError(short)).toBeGreaterThan(0.2);
    });

    it("efficiency rises with sequence length and the causal mask costs more at short lengths", () => {
      const at = (id: string) => fa3.find((c) => c.id === id)?.predicted ?? Number.NaN;
      expect(at("fa3-h100-bf16-d128-causal-s512")).toBeLessThan(at("fa3-h100-bf16-d128-causal-s4k"));
      expect(at("fa3-h100-bf16-d128-causal-s4k")).toBeLessThan(at("fa3-h100-bf16-d128-causal-s16k"));
      expect(at("fa3-h100-bf16-d128-causal-s512") / at("fa3-h100-bf16-d128-s512")).toBeLessThan(
        at("fa3-h100-bf16-d128-causal-s16k") / at("fa3-h100-bf16-d128-s16k"),
      );
    });

    it("is 8–13 % slow against a 2026 FA3 build at 2K–8K causal (the kernel got faster after the paper)", () => {
      const later = cases.filter((c) => c.id.startsWith("tritonbench-fa3-"));
      expect(later).toHaveLength(4);
      for (const c of later.filter((x) => !x.id.endsWith("-s1k"))) {
        expect(relError(c), c.id).toBeLessThan(-0.07);
        expect(relError(c), c.id).toBeGreaterThan(-0.14);
      }
    });
  });
});

describe("kernel-time cases with unequal head dims (GB300 FMHA, LMSYS long-context blog)", () => {
  it("times a 192/128 causal FP8 kernel in ms, at the FLOPs 2·B·H·S²·(d_qk + d_v) / 2 imply", () => {
    const cases = operatorReferenceCases(resolveFixtureChip).filter((c) =>
      c.id.startsWith("lmsys-gb300-fmha-128k"),
    );
    expect(cases.map((c) => c.unit)).toEqual(["ms", "ms"]);
    const s = 131072;
    const flops = (2 * 128 * s * s * (192 + 128)) / 2;
    for (const c of cases) {
      const tflops = flops / (c.predicted / 1e3) / 1e12;
      // Below the 5 PFLOPS FP8 dense peak of both chips, above half of it.
      expect(tflops).toBeGreaterThan(2500);
      expect(tflops).toBeLessThan(5000);
    }
  });
});
