import { describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { INTERPRETED_PARSES, parseAdaptive, safeParseAdaptive } from "./adaptive-parse.ts";

describe("schemas parsed interpreted first, compiled after", () => {
  it("parses interpreted (jitless) for the first uses of a schema, then lets zod compile", () => {
    const schema = z.strictObject({ a: z.number() });
    const spy = vi.spyOn(schema, "safeParse");
    for (let i = 0; i <= INTERPRETED_PARSES; i++) safeParseAdaptive(schema, { a: i });
    expect(spy.mock.calls[0]?.[1]).toEqual({ jitless: true });
    expect(spy.mock.calls[INTERPRETED_PARSES - 1]?.[1]).toEqual({ jitless: true });
    expect(spy.mock.calls[INTERPRETED_PARSES]?.[1]).toBeUndefined();
  });

  it("gives the same data and the same issues either way", () => {
    const schema = z.strictObject({ a: z.number().positive(), b: z.enum(["x", "y"]).optional() });
    const inputs = [{ a: 1, b: "x" }, { a: -1 }, { a: 1, b: "z" }, { a: 1, c: 2 }, "text", null];
    const interpreted = inputs.map((d) => safeParseAdaptive(schema, d));
    for (let i = 0; i < INTERPRETED_PARSES; i++) safeParseAdaptive(schema, {});
    const compiled = inputs.map((d) => safeParseAdaptive(schema, d));
    for (const [i, r] of interpreted.entries()) {
      const c = compiled[i];
      expect(c?.success).toBe(r.success);
      expect(c?.data).toEqual(r.data);
      expect(c?.error?.issues).toEqual(r.error?.issues);
    }
    expect(interpreted.map((r) => r.success)).toEqual([true, false, false, false, false, false]);
  });

  it("parseAdaptive returns the data or throws zod's error", () => {
    const schema = z.strictObject({ a: z.number() });
    expect(parseAdaptive(schema, { a: 2 })).toEqual({ a: 2 });
    expect(() => parseAdaptive(schema, { a: "2" })).toThrow(z.ZodError);
  });
});
