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
