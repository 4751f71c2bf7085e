import { describe, expect, it } from "vitest";
import { mergeDefinitions } from "./merge-definitions.ts";

describe("mergeDefinitions", () => {
  it("merges nested objects, replaces sourced values and lists whole, and null removes", () => {
    const parent = {
      id: "p",
      memory: { technology: "HBM3", capacityGB: { value: 80, source: ["x"], note: "n" } },
      notes: ["a", "b"],
      tdpW: { value: 700 },
    };
    const child = { id: "c", memory: { capacityGB: { value: 96 } }, notes: ["c"], tdpW: null };
    expect(mergeDefinitions(parent, child)).toEqual({
      id: "c",
      memory: { technology: "HBM3", capacityGB: { value: 96 } },
      notes: ["c"],
    });
  });
  it("replaces a scale-up fabric of another kind whole", () => {
    const parent = { scaleUp: { kind: "two-tier-clos", planes: { value: 7 } } };
    const child = { scaleUp: { kind: "single-tier-switch", switchChips: { value: 4 } } };
    expect(mergeDefinitions(parent, child)).toEqual(child);
  });
});
