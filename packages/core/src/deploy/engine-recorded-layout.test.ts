import { describe, expect, it } from "vitest";
import { engineProfile } from "./engine-profile.ts";

// vLLM-Ascend's routed-expert weight layout (docs/step-model.md §8, "vLLM-Ascend's TP16 MoE rows"):
// a sourced fact printed with the engine's policies, recorded and not modelled.
describe("vLLM-Ascend's routed-expert weight layout", () => {
  const layout = (version: string) =>
    engineProfile({ name: "vllm-ascend", version }).policies.find(
      (p) => p.policy === "routed-expert-weight-layout",
    );

  it("is recorded as ND for 0.9.x and as switching to NZ at 0.10.2 for 0.10 – 0.13, without being modelled", () => {
    expect(layout("0.9.2")).toMatchObject({ modelled: false, value: expect.stringMatching(/kept ND/) });
    expect(layout("0.9.2")?.source).toMatch(/w8a8_dynamic\.py/);
    expect(layout("0.13.0")).toMatchObject({
      modelled: false,
      value: expect.stringMatching(/NZ from 0\.10\.2rc1/),
    });
  });

  it("is not listed for the releases whose entries did not read it", () => {
    expect(layout("0.14.0")).toBeUndefined();
    expect(layout("0.21.0")).toBeUndefined();
  });
});
