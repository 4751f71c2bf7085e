import { describe, expect, it } from "vitest";
import { PROBATION_ENTRIES, PROOF_LOOKUPS, WordKey, WordMemo } from "./word-memo.ts";

describe("WordMemo", () => {
  it("computes once per key and tells keys apart by every number and string", () => {
    const memo = new WordMemo<string>(100);
    const key = new WordKey();
    let calls = 0;
    const get = (...parts: Array<number | string>) => {
      key.reset();
      for (const p of parts)
        if (typeof p === "number") key.number(p);
        else key.string(p);
      return memo.get(key, () => {
        calls += 1;
        return parts.join(",");
      });
    };
    expect(get(1, "a", 2.5)).toBe("1,a,2.5");
    expect(get(1, "a", 2.5)).toBe("1,a,2.5");
    expect(calls).toBe(1);
    expect(get(1, "b", 2.5)).toBe("1,b,2.5");
    expect(get(1, "a", 2.5 + 2 ** -50)).toBe(`1,a,${2.5 + 2 ** -50}`);
    expect(get(1, "a")).toBe("1,a");
    expect(get(0)).toBe("0");
    expect(get(-0)).toBe("0"); // -0 has other bits: a key of its own
    expect(calls).toBe(6);
  });

  it("keeps optional numbers apart from present ones and grows past its first buffer", () => {
    const memo = new WordMemo<number>(100);
    const key = new WordKey();
    expect(memo.get(key.reset().optional(undefined).number(0), () => 1)).toBe(1);
    expect(memo.get(key.reset().optional(0), () => 2)).toBe(2);
    const long = (last: number) => {
      key.reset();
      for (let i = 0; i < 5000; i++) key.number(i);
      return key.number(last);
    };
    expect(memo.get(long(1), () => 3)).toBe(3);
    expect(memo.get(long(2), () => 4)).toBe(4);
    expect(memo.get(long(1), () => 5)).toBe(3);
  });

  it("stores a value under its own key when its computation looks up the memo", () => {
    const memo = new WordMemo<number>(100);
    const key = new WordKey();
    let calls = 0;
    const get = (x: number): number =>
      memo.get(key.reset().number(x), () => {
        calls += 1;
        return x > 0 ? get(x - 1) + 10 : 0;
      });
    expect(get(2)).toBe(20);
    expect([get(2), get(1), get(0)]).toEqual([20, 10, 0]);
    expect(calls).toBe(3);
  });

  it("keeps each key's words when keys fill several chunks and the memo starts again mid-computation", () => {
    const key = new WordKey();
    const keyOf = (x: number, numbers: number) => {
      key.reset();
      for (let i = 0; i < numbers; i++) key.number(x * 1000 + i);
      return key;
    };
    // An outer computation whose inner lookups fill the memo (3 entries) and start it again.
    const memo = new WordMemo<number>(3);
    let calls = 0;
    const outer = memo.get(keyOf(1, 3000), () => {
      for (let y = 2; y < 6; y++) memo.get(keyOf(y, 3000), () => ++calls);
      return 100;
    });
    expect(outer).toBe(100);
    expect(memo.get(keyOf(1, 3000), () => -1)).toBe(100);
    expect(memo.get(keyOf(5, 3000), () => -1)).toBe(4);
    // Long keys over many chunks: every value found again under its own key.
    const big = new WordMemo<number>(1000);
    for (let x = 0; x < 100; x++) big.get(keyOf(x, 2000), () => x);
    for (let x = 0; x < 100; x++) expect(big.get(keyOf(x, 2000), () => -1)).toBe(x);
  });

  it("starts again when full", () => {
    const memo = new WordMemo<number>(2);
    const key = new WordKey();
    let calls = 0;
    const get = (x: number) => memo.get(key.reset().number(x), () => ++calls);
    get(1);
    get(2);
    get(3); // full: forgets 1 and 2
    get(1);
    expect(calls).toBe(4);
  });

  it("keeps only PROBATION_ENTRIES while its lookups do not hit", () => {
    const memo = new WordMemo<number>(10_000);
    const key = new WordKey();
    let calls = 0;
    const get = (x: number) => memo.get(key.reset().number(x), () => ++calls);
    for (let x = 0; x < PROBATION_ENTRIES; x++) get(x); // every lookup a miss
    get(PROBATION_ENTRIES); // full without a hit: starts again
    get(0);
    expect(calls).toBe(PROBATION_ENTRIES + 2);
  });

  it("grows past PROBATION_ENTRIES without forgetting when at least 1 in 100 lookups hit", () => {
    const memo = new WordMemo<number>(10_000);
    const key = new WordKey();
    let calls = 0;
    const get = (x: number) => memo.get(key.reset().number(x), () => ++calls);
    for (let x = 0; x < PROBATION_ENTRIES; x++) get(x);
    for (let x = 0; x < 40; x++) get(x); // 40 hits: ≥ 1 in 100 lookups at both fills below
    for (let x = PROBATION_ENTRIES; x < 3 * PROBATION_ENTRIES; x++) get(x); // room doubles twice
    for (let x = 0; x < 3 * PROBATION_ENTRIES; x++) get(x);
    expect(calls).toBe(3 * PROBATION_ENTRIES);
  });

  it("keysFirst: stores a value when its key comes again until 1 in 100 lookups hit, then every value", () => {
    const memo = new WordMemo<number>(10_000, { keysFirst: true });
    const key = new WordKey();
    let calls = 0;
    const get = (x: number) => memo.get(key.reset().number(x), () => ++calls);
    for (let x = 0; x < PROOF_LOOKUPS; x++) get(x); // keys only
    expect(get(0)).toBe(PROOF_LOOKUPS + 1); // asked again: computed again, now stored
    expect(get(0)).toBe(PROOF_LOOKUPS + 1);
    expect(calls).toBe(PROOF_LOOKUPS + 1);
    // 2 hits in 102 lookups: ≥ 1 in 100, so from here on every missed key's value is stored
    get(-1);
    get(-1);
    expect(calls).toBe(PROOF_LOOKUPS + 2);
  });

  it("keysFirst: a memo that never hits keeps no values", () => {
    const memo = new WordMemo<object>(10_000, { keysFirst: true });
    const key = new WordKey();
    for (let x = 0; x < 3 * PROBATION_ENTRIES; x++) memo.get(key.reset().number(x), () => ({ x }));
    // the last key is held (it came after the last start), but only as a key: asked again, computed again
    expect(memo.get(key.reset().number(3 * PROBATION_ENTRIES - 1), () => ({ again: true }))).toEqual({
      again: true,
    });
  });
});
