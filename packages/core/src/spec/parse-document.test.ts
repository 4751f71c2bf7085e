import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseDocument } from "./parse-document.ts";
import { supernodeErrorOf } from "./test-support/supernode-error-of.ts";

const schema = z.object({
  name: z.string(),
  memory: z.object({ bandwidthGBps: z.number().positive({ error: "expected a positive number in GB/s" }) }),
  links: z.array(z.object({ gbps: z.number() })).default([]),
});

describe("parseDocument", () => {
  it("parses YAML and applies defaults", () => {
    expect(parseDocument("name: x\nmemory:\n  bandwidthGBps: 3\n", "a.yaml", schema)).toEqual({
      name: "x",
      memory: { bandwidthGBps: 3 },
      links: [],
    });
  });
  it("parses JSON", () => {
    expect(parseDocument('{"name": "x", "memory": {"bandwidthGBps": 1}}', "a.json", schema).name).toBe("x");
  });
  it("reports a syntax error with line and column", () => {
    const error = supernodeErrorOf(() => parseDocument("name: x\nmemory: [\n", "bad.yaml", schema));
    expect(error.kind).toBe("syntax");
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: YAML\/JSON syntax error/);
  });
  it("reports a schema violation at the field, with its unit", () => {
    const error = supernodeErrorOf(() =>
      parseDocument("name: x\nmemory:\n  bandwidthGBps: -4\n", "chip.yaml", schema),
    );
    expect(error.message).toBe(
      "chip.yaml:3:18, field memory.bandwidthGBps: expected a positive number in GB/s",
    );
  });
  it("locates array elements", () => {
    const error = supernodeErrorOf(() =>
      parseDocument(
        "name: x\nmemory: {bandwidthGBps: 1}\nlinks:\n  - gbps: 1\n  - gbps: fast\n",
        "l.yaml",
        schema,
      ),
    );
    expect(error.location.line).toBe(5);
    expect(error.location.fieldPath).toEqual(["links", 1, "gbps"]);
  });
});
