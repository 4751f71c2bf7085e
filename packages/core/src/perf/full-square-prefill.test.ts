import { describe, expect, it } from "vitest";
import { engineProfile } from "../deploy/engine-profile.ts";
import type { Scenario } from "../deploy/index.ts";
import type { ModelWorkload } from "../model/index.ts";
import { layerOperators } from "../model/layer-operators.ts";
import { resolveWorkload } from "../model/layer-work.ts";
import { instancePerformance } from "./step-instance-performance.ts";
import { stepContext } from "./step-model.ts";
import { microbatchWork } from "./step-work.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

// vLLM-Ascend 0.9.0 – 0.11.x run a prefill of whole new prompts (PrefillNoCache) on a model without
// MLA through torch_npu._npu_flash_attention: ATB's PA_ENCODER kernel with isTriuMask 0, which walks
// every key block (docs/accuracy/vllm-ascend-prefill-no-cache-computes-the-full-square.md).
const GPUSTACK = "vllm-ascend-atlas-a2-qwen3-30b-a3b-tp2-burst";

const prompts = (sequences: number, prompt: number, context = 0): ModelWorkload => ({
  phase: "prefill",
  sequences,
  newTokens: sequences * prompt,
  attendedTokenPairs: sequences * (prompt * context + (prompt * (prompt + 1)) / 2),
  contextTokens: sequences * context,
});

const core = (s: Scenario, w: ModelWorkload, fullSquarePrefill: boolean) =>
  must(
    layerOperators(s.model, 0, w, { attentionTp: 2, ...(fullSquarePrefill && { fullSquarePrefill }) }).find(
      (o) => o.name.endsWith("attn.core"),
    ),
  );

describe("a prefill kernel that computes each new prompt's full square (engine nonMlaPrefillAttention)", () => {
  it("is recorded for vLLM-Ascend 0.9.0 – 0.11.x only", () => {
    const kernel = (version: string) =>
      engineProfile({ name: "vllm-ascend", version }).nonMlaPrefillAttention;
    for (const v of ["0.9.0", "0.9.1", "0.9.2rc1", "0.10.1rc1", "0.10.2rc1", "0.11.0"])
      expect(kernel(v)).toBe("full-square");
    for (const v of ["0.12.0rc1", "0.13.0", "0.21.0"]) expect(kernel(v)).toBeUndefined();
    expect(engineProfile({ name: "vllm", version: "0.11.0" }).nonMlaPrefillAttention).toBeUndefined();
  });

  it("counts Σ S² pairs for whole prompts, no diagonal waste, and leaves prompts with cached context causal", () => {
    const arch = referenceScenario(GPUSTACK).model;
    const whole = resolveWorkload(arch, prompts(3, 4096), { fullSquarePrefill: true });
    expect(whole.fullSquarePrefill).toBe(true);
    expect(whole.attendedTokenPairs).toBe(3 * 4096 * 4096);
    const cached = resolveWorkload(arch, prompts(3, 4096, 1024), { fullSquarePrefill: true });
    expect(cached.fullSquarePrefill).toBe(false);
    expect(cached.attendedTokenPairs).toBe(3 * (4096 * 1024 + (4096 * 4097) / 2));
    const decode = resolveWorkload(
      arch,
      { phase: "decode", sequences: 4, kvTokens: 4000 },
      { fullSquarePrefill: true },
    );
    expect(decode.fullSquarePrefill).toBe(false);
  });

  it("gives the GQA core (2 S − 1) / S of the causal FLOPs and a non-causal shape", () => {
    const s = referenceScenario(GPUSTACK);
    const causal = core(s, prompts(2, 2048), false);
    const square = core(s, prompts(2, 2048), true);
    expect(square.flops / causal.flops).toBeCloseTo((2 * 2048) / 2049, 9);
    expect(causal.attention?.causal).toBe(true);
    expect(square.attention?.causal).toBe(false);
    expect(square.attention?.meanKeysPerQuery).toBe(2048);
  });

  it("is asked for in the GPUStack scenario's prefill steps, not in its decode steps nor under 0.13", () => {
    const work = (s: Scenario, phase: "prefill" | "decode") => {
      const ctx = stepContext(s, must(s.deployment.colocated));
      return phase === "prefill"
        ? microbatchWork(ctx, {
            phase,
            sequences: 10,
            newTokens: 40960,
            attendedTokenPairs: 10 * ((4096 * 4097) / 2),
          })
        : microbatchWork(ctx, { phase, sequences: 10, kvTokens: 40960 });
    };
    const s = referenceScenario(GPUSTACK);
    expect(work(s, "prefill").base.fullSquarePrefill).toBe(true);
    expect(work(s, "decode").base.fullSquarePrefill).toBeUndefined();
    const later = referenceScenario(GPUSTACK, "engine.version=0.13.0");
    expect(work(later, "prefill").base.fullSquarePrefill).toBeUndefined();
  });

  it("times a mixed iteration and a prefill with cached context causally; keeps the square where the scheduler keeps prefill apart", () => {
    // 0.11.0rc1 records the full square, 0.12.0rc1 (otherwise the same entry) does not; both run
    // vLLM's chunked, mixed scheduler for this model (the Ascend scheduler is no longer forced).
    const perf = (version: string, ...sets: string[]) =>
      instancePerformance(referenceScenario(GPUSTACK, `engine.version=${version}`, ...sets), "colocated");
    const [square, causal] = [perf("0.11.0rc1"), perf("0.12.0rc1")];
    const whole = { sequences: 4, newTokens: 16000, attendedTokenPairs: 4 * ((4000 * 4001) / 2) };
    const cached = {
      sequences: 4,
      newTokens: 8000,
      attendedTokenPairs: 4 * 2000 * (2000 + 2001 / 2),
      contextTokens: 8000,
    };
    const decode = { sequences: 60, kvTokens: 60 * 4100 };
    expect(square.prefillStepS(whole)).toBeGreaterThan(causal.prefillStepS(whole) * 1.001);
    expect(square.mixedStepS(whole, decode)).toBeCloseTo(causal.mixedStepS(whole, decode), 12);
    expect(square.prefillStepS(cached)).toBeCloseTo(causal.prefillStepS(cached), 12);
    // Prefill kept apart from decode (the Ascend scheduler's policy): the offline run's admitting
    // iteration, timed as a union with the decoding sequences, is a prefill of whole prompts.
    const apart = ["serving.scheduler.chunkedPrefill=false", "serving.scheduler.mixWithDecode=false"];
    const [squareApart, causalApart] = [perf("0.11.0rc1", ...apart), perf("0.12.0rc1", ...apart)];
    expect(squareApart.mixedStepS(whole, decode)).toBeGreaterThan(
      causalApart.mixedStepS(whole, decode) * 1.001,
    );
  });
});
