import { describe, expect, it } from "vitest";
import { memoByObject } from "./memo-by-object.ts";

describe("memoByObject", () => {
  it("computes once per object and separately for distinct objects", () => {
    let calls = 0;
    const area = memoByObject((r: { w: number; h: number }) => {
      calls += 1;
      return r.w * r.h;
    });
    const a = { w: 2, h: 3 };
    expect(area(a)).toBe(6);
    expect(area(a)).toBe(6);
    expect(calls).toBe(1);
    expect(area({ w: 2, h: 3 })).toBe(6);
    expect(calls).toBe(2);
  });

  it("remembers an undefined result too", () => {
    let calls = 0;
    const nothing = memoByObject((_: object) => {
      calls += 1;
      return undefined;
    });
    const key = {};
    nothing(key);
    nothing(key);
    expect(calls).toBe(1);
  });
});
