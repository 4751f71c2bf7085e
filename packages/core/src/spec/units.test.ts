import { describe, expect, it } from "vitest";
import { gbpsToBytesPerS, parseByteSize } from "./units.ts";

describe("units", () => {
  it("parses byte sizes", () => {
    expect(parseByteSize("1GiB")).toBe(1024 ** 3);
    expect(parseByteSize("512 MB")).toBe(512e6);
    expect(parseByteSize("4096")).toBe(4096);
    expect(parseByteSize("1 parsec")).toBeUndefined();
  });
  it("converts Gbps", () => {
    expect(gbpsToBytesPerS(400)).toBe(50e9);
  });
});
