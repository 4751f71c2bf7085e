import { describe, expect, it } from "vitest";
import { parseDocument } from "../spec/index.ts";
import { engineFileSchema } from "./engine-file.ts";

const file = (from: string) => `engine: x
name: X
sources: []
releases:
  - from: "${from}"
`;

describe("an engine data file's release keys", () => {
  it("accept PEP 440 releases, pre- and post-releases included", () => {
    for (const from of ["0.9.1", "0.10.2rc1", "0.5.6.post2"])
      expect(parseDocument(file(from), "engines/x.yaml", engineFileSchema).releases[0]?.from).toBe(from);
  });

  it("refuse one compareVersions cannot order at the file and field, not when a scenario sorts them", () => {
    for (const from of ["v0.9.1", "0.9.1 ", "latest"])
      expect(() => parseDocument(file(from), "engines/x.yaml", engineFileSchema)).toThrow(
        /engines\/x\.yaml:5:\d+, field releases\[0\]\.from: expected a release such as "0\.11\.1"/,
      );
  });
});

describe("an engine data file's source keys", () => {
  const cited = (source: string) => `engine: x
name: X
sources:
  - { key: src, title: T, url: https://example.org }
releases:
  - from: "0.9.1"
    slidingWindowKvCache: { value: window, source: ${source}, tag: spec }
`;

  it("accept a key of the file's sources", () => {
    const f = parseDocument(cited("src"), "engines/x.yaml", engineFileSchema);
    expect(f.releases[0]?.slidingWindowKvCache?.source).toBe("src");
  });

  it("refuse a key the file does not define, at the field that cites it", () => {
    expect(() => parseDocument(cited("srx"), "engines/x.yaml", engineFileSchema)).toThrow(
      /engines\/x\.yaml:7:\d+, field releases\[0\]\.slidingWindowKvCache\.source: unknown source key "srx"; expected a key of the file's sources \(src\)/,
    );
  });
});

describe("an engine data file's MoE prologue", () => {
  const prologue = (fields: string) => `engine: x
name: X
sources:
  - { key: src, title: T, url: https://example.org }
releases:
  - from: "0.9.1"
    separateKernels:
      chipVendors: [NVIDIA]
      moePrologue: { fusedMaxTokens: 1, unfusedKernels: 2, ${fields} }
      source: src
      tag: spec
`;

  it("accept quantizesOwnInput with the expert path's own input quantisation", () => {
    const f = parseDocument(
      prologue("expertInputQuant: true, quantizesOwnInput: true"),
      "engines/x.yaml",
      engineFileSchema,
    );
    expect(f.releases[0]?.separateKernels).toMatchObject({ moePrologue: { quantizesOwnInput: true } });
  });

  it("refuse quantizesOwnInput without it, at the field", () => {
    expect(() =>
      parseDocument(prologue("quantizesOwnInput: true"), "engines/x.yaml", engineFileSchema),
    ).toThrow(
      /engines\/x\.yaml:\d+:\d+, field releases\[0\]\.separateKernels\.moePrologue\.quantizesOwnInput: true needs expertInputQuant: true/,
    );
  });
});
