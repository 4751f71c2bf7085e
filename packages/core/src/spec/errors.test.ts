import { describe, expect, it } from "vitest";
import { formatFieldPath, SupernodeError } from "./errors.ts";

describe("SupernodeError", () => {
  it("names file, line, column and field path", () => {
    const error = new SupernodeError("schema", "expected a positive number (GB/s)", {
      file: "chip.yaml",
      line: 3,
      column: 7,
      fieldPath: ["memory", "bandwidthGBps", "value"],
    });
    expect(error.message).toBe(
      "chip.yaml:3:7, field memory.bandwidthGBps.value: expected a positive number (GB/s)",
    );
    expect(error.kind).toBe("schema");
  });
  it("formats array indices", () => {
    expect(formatFieldPath(["a", 2, "b"])).toBe("a[2].b");
  });
});
