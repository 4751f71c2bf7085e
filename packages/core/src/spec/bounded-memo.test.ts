import { describe, expect, it } from "vitest";
import { BoundedMemo } from "./bounded-memo.ts";

describe("BoundedMemo", () => {
  it("computes a key once and returns the stored value after", () => {
    const memo = new BoundedMemo<number>(10);
    let calls = 0;
    const square = (x: number) =>
      memo.get(String(x), () => {
        calls++;
        return x * x;
      });
    expect(square(3)).toBe(9);
    expect(square(3)).toBe(9);
    expect(calls).toBe(1);
  });

  it("never holds more than its bound: past it, it starts again", () => {
    const memo = new BoundedMemo<number>(3);
    for (let i = 0; i < 3; i++) memo.get(`k${i}`, () => i);
    expect(memo.size).toBe(3);
    memo.get("k3", () => 3);
    expect(memo.size).toBe(1);
    let recomputed = false;
    const again = memo.get("k0", () => {
      recomputed = true;
      return 0;
    });
    expect(again).toBe(0);
    expect(recomputed).toBe(true);
  });

  it("keeps nothing when compute throws", () => {
    const memo = new BoundedMemo<number>(3);
    expect(() =>
      memo.get("bad", () => {
        throw new Error("no");
      }),
    ).toThrow("no");
    expect(memo.size).toBe(0);
  });

  it("refuses a bound that is not a whole number ≥ 1", () => {
    expect(() => new BoundedMemo<number>(0)).toThrow(/whole number of entries ≥ 1, got 0/);
    expect(() => new BoundedMemo<number>(2.5)).toThrow(/got 2.5/);
  });
});
