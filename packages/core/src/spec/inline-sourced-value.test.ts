import { describe, expect, it } from "vitest";
import { z } from "zod";
import { inlineSourcedValueSchema } from "./inline-sourced-value.ts";

const schema = inlineSourcedValueSchema(z.number().positive());

describe("a sourced number of the training data files", () => {
  it("takes a value with its tag, inline source and the records it was set from", () => {
    const v = {
      value: 1580,
      tag: "measured",
      source: { title: "t", url: "https://example.org", section: "s" },
      calibratedOn: ["nemo-8b-b200"],
    };
    expect(schema.parse(v)).toEqual(v);
  });

  it("refuses an empty or repeated calibratedOn, an unknown tag, a value out of range and unknown keys", () => {
    const issue = (v: unknown) => schema.safeParse(v).error?.issues[0]?.message;
    expect(issue({ value: 1, tag: "measured", calibratedOn: [] })).toMatch(/list the reference case ids/);
    expect(issue({ value: 1, tag: "measured", calibratedOn: ["a", "a"] })).toMatch(/lists an id twice/);
    expect(schema.safeParse({ value: 1, tag: "guess" }).success).toBe(false);
    expect(schema.safeParse({ value: 0, tag: "spec" }).success).toBe(false);
    expect(schema.safeParse({ value: 1, tag: "spec", sorce: {} }).success).toBe(false);
  });
});
