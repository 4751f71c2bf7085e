import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { embeddedDataFiles } from "../catalog/embedded-data.generated.ts";
import { preparseDocument, readSourceDocument } from "./parse-document.ts";
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

  it("preparses a document read many times, unless it has an error or data JSON cannot carry", () => {
    const text = "name: host\nbatch: [1, 2]\nnested: { a: 0.5 }\n";
    expect(preparsedData(text)).toBeUndefined();
    preparseDocument(text);
    expect(preparsedData(text)).toStrictEqual({ name: "host", batch: [1, 2], nested: { a: 0.5 } });
    expect(readSourceDocument(text, "h.yaml").locate(["nested", "a"])).toEqual({ line: 3, column: 14 });
    for (const left of ["a: [1\n", "a: .nan\n", "a: -0\n", "a: &x 1\nb: *nope\n"]) {
      preparseDocument(left);
      expect(preparsedData(left), left).toBeUndefined();
    }
  });
});
