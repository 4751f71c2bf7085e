import { describe, expect, it } from "vitest";
import { calibrationLedger } from "../catalog/calibration-ledger.ts";
import { efficiencyProfile, efficiencyProfileForChip } from "./efficiency-profile.ts";
import { selectOverlays, withEngineOverlays } from "./engine-overlay.ts";
import { operatorReferenceCases } from "./reference-cases.ts";
import { stepContext } from "./step-context.ts";
import { must, referenceScenario } from "./test-support/reference-scenario.ts";

const ID = "vllm-triton-moe-16bit-sm100";
const b200 = () => efficiencyProfile("b200");
const ids = (sel: Parameters<typeof selectOverlays>[1]) => selectOverlays(b200(), sel).map((o) => o.id);

describe("vLLM's Triton fused_moe for 16-bit experts on Blackwell (overlay vllm-triton-moe-16bit-sm100)", () => {
  it("is vLLM 0.9-0.14's default for BF16 / FP16 routed experts on every B200-family chip, not for other formats or later releases", () => {
    const vllm = { engine: "vllm", modelAttention: "gqa", version: "0.11.1" } as const;
    expect(ids({ ...vllm, expertWeights: "bf16" })).toContain(ID);
    expect(ids({ ...vllm, expertWeights: "fp16" })).toContain(ID);
    expect(ids({ ...vllm, expertWeights: "fp8" })).not.toContain(ID);
    expect(ids({ ...vllm, expertWeights: "fp4" })).not.toContain(ID);
    expect(ids({ ...vllm, expertWeights: "bf16", version: "0.19.0" })).not.toContain(ID);
    expect(
      selectOverlays(efficiencyProfile("h100-sxm"), { ...vllm, expertWeights: "bf16" }).map((o) => o.id),
    ).not.toContain(ID);
    for (const chip of ["gb200", "gb300"]) {
      const p = withEngineOverlays(efficiencyProfileForChip({ id: chip, origin: {} }), {
        ...vllm,
        expertWeights: "bf16",
      });
      expect(p.engineOverlays).toContain(ID);
    }
  });

  it("replaces the grouped GEMM's weight stream and attaches vLLM's fused-MoE row tiles", () => {
    const grouped = withEngineOverlays(b200(), {
      engine: "vllm",
      modelAttention: "gqa",
      version: "0.11.1",
      expertWeights: "bf16",
    }).classes["grouped-gemm"];
    expect(grouped.memoryEfficiency.value).toBe(0.799);
    expect(grouped.memoryEfficiency.note).toMatch(/^engine overlay vllm-triton-moe-16bit-sm100/);
    expect(grouped.tileMFromKernelConfigs?.value).toBe(1);
    expect(grouped.rowTileConfigs?.device).toBeUndefined(); // no B200 device name: get_default_config
    expect(b200().classes["grouped-gemm"].memoryEfficiency.value).toBe(0.958);
  });

  it("passes its rule's held-out test on aiconfigurator's vLLM 0.14 GB200 BF16 table: the nine records it was not solved on within 25 %, their median within 10 %", () => {
    const cases = operatorReferenceCases().filter((c) =>
      c.id.startsWith("aic-vllm-gb200-moe-bf16-triton-q3-"),
    );
    expect(cases).toHaveLength(10);
    const error = (c: (typeof cases)[number]) => Math.abs(c.predicted / c.published - 1);
    const calibratedOn = calibrationLedger().find(
      (v) => v.file === "efficiency/engines/vllm/moe-triton-blackwell.yaml",
    )?.calibratedOn;
    expect(calibratedOn).toEqual(["aic-vllm-gb200-moe-bf16-triton-q3-ep4-t32"]);
    // The value was solved on the record calibratedOn names: the model reads it back.
    const solvedOn = cases.filter((c) => calibratedOn?.includes(c.id));
    expect(solvedOn).toHaveLength(1);
    for (const c of solvedOn) expect(error(c)).toBeLessThan(0.005);
    const errors = cases
      .filter((c) => !calibratedOn?.includes(c.id))
      .map(error)
      .sort((a, b) => a - b);
    expect(errors).toHaveLength(9);
    for (const e of errors) expect(e).toBeLessThan(0.25);
    expect(errors[4]).toBeLessThan(0.1);
  });

  it("the ML.ENERGY Qwen3-235B BF16 scenario on B200 runs it; on H100 it keeps the Hopper overlay", () => {
    const overlaysOf = (...sets: string[]) => {
      const scenario = referenceScenario("mlenergy-qwen3-235b-b200-chat", ...sets);
      return stepContext(scenario, must(scenario.deployment.colocated)).profile.engineOverlays ?? [];
    };
    expect(overlaysOf()).toContain(ID);
    expect(overlaysOf("system=hgx-h100")).not.toContain(ID);
  });
});
