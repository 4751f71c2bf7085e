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
  it("names a union's allowed words, and its other types, when a word matches none", () => {
    const scope = z.object({
      scope: z.union([z.literal("whole"), z.literal("layer"), z.array(z.enum(["attn", "router"]))]),
    });
    const word = supernodeErrorOf(() => parseDocument("scope: layers\n", "s.yaml", scope));
    expect(word.message).toBe(
      's.yaml:1:8, field scope: expected scope to be one of "whole", "layer", or an array',
    );
    const item = supernodeErrorOf(() => parseDocument("scope: [attn, layer]\n", "s.yaml", scope));
    expect(item.message).toBe('s.yaml:1:15, field scope[1]: expected scope[1] to be one of "attn", "router"');
    // A value of the right type that fails inside its alternative still speaks for itself.
    const count = z.object({ n: z.union([z.literal("auto"), z.number().int().min(1)]) });
    expect(supernodeErrorOf(() => parseDocument("n: 0\n", "n.yaml", count)).message).toMatch(
      /^n\.yaml:1:4, field n: Too small/,
    );
  });
  it("names the field of the branch whose tag matched, not the tags of the others", () => {
    const skew = z.object({
      skew: z.union([
        z.strictObject({ distribution: z.literal("uniform-random") }),
        z.strictObject({ distribution: z.literal("zipf"), exponent: z.number() }),
        z.strictObject({
          distribution: z.literal("measured-skew"),
          placement: z.enum(["eplb", "by-index"]).default("eplb"),
        }),
      ]),
    });
    const error = supernodeErrorOf(() =>
      parseDocument("skew: { distribution: measured-skew, placement: by-idx }\n", "k.yaml", skew),
    );
    expect(error.location.fieldPath).toEqual(["skew", "placement"]);
    expect(error.message).toMatch(
      /field skew\.placement: expected placement to be one of "eplb", "by-index"$/,
    );
    const tag = supernodeErrorOf(() => parseDocument("skew: { distribution: zipff }\n", "k.yaml", skew));
    expect(tag.message).toMatch(
      /field skew\.distribution: expected distribution to be one of "uniform-random", "zipf", "measured-skew"$/,
    );
  });
});
