import { describe, expect, it } from "vitest";
import { referenceScenarioText } from "../report/validate-end-to-end.ts";
import { parseOverride } from "../spec/scenario-overrides.ts";
import { nonMlaSchedulerFor } from "./engine-non-mla-scheduler.ts";
import { engineProfile } from "./engine-profile.ts";
import { parseScenario } from "./scenario.ts";

// vLLM-Ascend v0.9.1 forces its Ascend scheduler on models without MLA (vllm_ascend/platform.py):
// whole prompts in iterations of their own, the budget raised to max_model_len (docs/accuracy/
// vllm-ascend-0-9-1-the-ascend-scheduler-and-per-layer-host.md).
describe("the scheduler an engine forces on models without MLA", () => {
  const none = { maxBatchTokens: false, chunkedPrefill: false, mixWithDecode: false };

  it("turns chunked prefill and mixing off and raises the budget to the model's context", () => {
    expect(nonMlaSchedulerFor({ maxBatchTokens: 2048, chunkedPrefill: true }, 40960, none)).toEqual({
      maxBatchTokens: 40960,
      chunkedPrefill: false,
      mixWithDecode: false,
    });
  });

  it("keeps a budget above the context and every field the scenario writes", () => {
    expect(
      nonMlaSchedulerFor({ maxBatchTokens: 65536, chunkedPrefill: true }, 40960, none).maxBatchTokens,
    ).toBe(65536);
    const written = { maxBatchTokens: true, chunkedPrefill: true, mixWithDecode: true };
    expect(nonMlaSchedulerFor({ maxBatchTokens: 2048, chunkedPrefill: true }, 40960, written)).toEqual({
      maxBatchTokens: 2048,
      chunkedPrefill: true,
    });
  });

  it("is recorded for the final v0.9.1 and v0.10.2rc1 – v0.11.0rc0 only", () => {
    const forced = (version: string) =>
      engineProfile({ name: "vllm-ascend", version }).nonMlaScheduler?.value;
    for (const v of ["0.9.1", "0.10.2rc1", "0.11.0rc0"]) expect(forced(v)).toBe("whole-prompts-apart");
    for (const v of ["0.9.0", "0.9.1rc3", "0.9.2rc1", "0.10.1rc1", "0.11.0rc1", "0.11.0", "0.13.0", "0.21.0"])
      expect(forced(v)).toBeUndefined();
    expect(engineProfile({ name: "vllm", version: "0.11.0" }).nonMlaScheduler).toBeUndefined();
  });

  it("says beside the release's token budget that it holds for models with MLA only", () => {
    const budget = (version: string) =>
      engineProfile({ name: "vllm-ascend", version }).policies.find(
        (p) => p.policy === "scheduler token budget",
      )?.value;
    expect(budget("0.9.1")).toMatch(/\(models with MLA; raised for the others, below\)$/);
    expect(budget("0.13.0")).not.toMatch(/models with MLA/);
  });

  it("applies to a GQA model under v0.9.1 and not to an MLA model", () => {
    const qwen = parseScenario(
      referenceScenarioText("vllm-ascend-atlas-a2-qwen3-30b-a3b-tp2-burst"),
      "q.yaml",
    );
    expect(qwen.serving?.scheduler).toMatchObject({
      maxBatchTokens: 40960,
      chunkedPrefill: false,
      mixWithDecode: false,
    });
    const r1 = parseScenario(
      referenceScenarioText("vllm-ascend-atlas-a3-deepseek-r1-tp16"),
      "r1.yaml",
      undefined,
      {
        overrides: [parseOverride("engine.version=0.9.1")],
      },
    );
    expect(r1.serving?.scheduler.chunkedPrefill).toBe(true);
    expect(r1.serving?.scheduler.mixWithDecode).toBeUndefined();
  });
});
