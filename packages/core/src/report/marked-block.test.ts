import { describe, expect, it } from "vitest";
import { markedBlockOf, replaceMarkedBlock } from "./marked-block.ts";

const MARKERS = { start: "<!-- s -->", end: "<!-- e -->", documentName: "notes.md" };

describe("a generated block between markers", () => {
  it("is read and replaced with both markers, the text around it kept", () => {
    const doc = "intro\n<!-- s -->\nold\n<!-- e -->\noutro\n";
    expect(markedBlockOf(doc, MARKERS)).toBe("<!-- s -->\nold\n<!-- e -->");
    const next = replaceMarkedBlock(doc, "<!-- s -->\nnew\n<!-- e -->", MARKERS);
    expect(next).toBe("intro\n<!-- s -->\nnew\n<!-- e -->\noutro\n");
    expect(markedBlockOf(next, MARKERS)).toBe("<!-- s -->\nnew\n<!-- e -->");
  });

  it("is absent when a marker is missing or the end comes first, and replacing it then says so", () => {
    for (const doc of ["no markers", "<!-- s --> only the start", "<!-- e --> end before <!-- s -->"]) {
      expect(markedBlockOf(doc, MARKERS)).toBeUndefined();
      expect(() => replaceMarkedBlock(doc, "x", MARKERS)).toThrow(
        "notes.md has no <!-- s --> … <!-- e --> block",
      );
    }
  });
});
