import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { embeddedDataFiles } from "../catalog/embedded-data.generated.ts";
import { readSourceDocument } from "./parse-document.ts";
import { preparsedData } from "./preparsed-data.ts";

describe("pre-parsed built-in data", () => {
  it("covers the built-in files and equals what parsing the YAML at run time gives", () => {
    const paths = Object.keys(embeddedDataFiles);
    let covered = 0;
    for (const path of paths) {
      const text = embeddedDataFiles[path] ?? "";
      const data = preparsedData(text);
      if (data === undefined) continue;
      covered++;
      const parsed = parseDocument(text, { prettyErrors: false, uniqueKeys: true }).toJS({
        maxAliasCount: 1000,
      });
      expect(data, path).toStrictEqual(parsed);
    }
    expect(covered).toBe(paths.length);
  });

  it("hands out a fresh copy each time and still locates fields by line", () => {
    const path = "systems/cloudmatrix384.yaml";
    const text = embeddedDataFiles[path] ?? "";
    const a = readSourceDocument(text, path);
    const b = readSourceDocument(text, path);
    expect(a.data).not.toBe(b.data);
    expect(a.data).toStrictEqual(b.data);
    // The same text plus a newline is not pre-parsed: parsed with positions at once.
    const unregistered = readSourceDocument(`${text}\n`, path);
    expect(preparsedData(`${text}\n`)).toBeUndefined();
    const field = ["systems", 0, "scaleUp"];
    expect(a.locate(field)).toEqual(unregistered.locate(field));
    expect(a.locate(field)?.line).toBeGreaterThan(1);
  });
});
