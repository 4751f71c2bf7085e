/**
 * docs/step-model.md §8 is an introduction and an ordered index of docs/accuracy/*.md, one line
 * `- [Title](accuracy/<slug>.md)` per investigation. This fails when a write-up is missing from the
 * index, an index line points at no file or at a file with another title, §8 grows a `###`
 * subsection again, or a relative link inside a write-up does not resolve from docs/accuracy/.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const docs = fileURLToPath(new URL("../docs/", import.meta.url));
const accuracyDir = join(docs, "accuracy");
const indexLine = /^- \[(.+)\]\((accuracy\/[^)]+)\)$/;

function section8(): string[] {
  const lines = readFileSync(join(docs, "step-model.md"), "utf8").split("\n");
  const start = lines.findIndex((l) => l.startsWith("## 8. "));
  const end = lines.findIndex((l, i) => i > start && l.startsWith("## "));
  if (start < 0 || end < 0)
    throw new Error("docs/step-model.md: no '## 8.' section followed by another '## '");
  return lines.slice(start, end);
}

function indexEntries(): { title: string; path: string }[] {
  return section8().flatMap((l) => {
    const m = indexLine.exec(l);
    return m ? [{ title: m[1] as string, path: m[2] as string }] : [];
  });
}

const writeUps = readdirSync(accuracyDir)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort();

/** Relative link targets of a Markdown text (code spans, external links, anchors and mail addresses left out). */
function relativeLinks(text: string): string[] {
  return [...text.replace(/`[^`\n]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1] as string)
    .filter((t) => !/^(https?:|mailto:|#)/.test(t));
}

describe("docs/accuracy and step-model.md §8's index", () => {
  it("§8 holds no ### subsection: each investigation is its own file in docs/accuracy/", () => {
    const inline = section8().filter((l) => l.startsWith("### "));
    expect(inline, "move these into docs/accuracy/<slug>.md and index them").toEqual([]);
  });

  it("every docs/accuracy/*.md file is listed once in §8's index", () => {
    const listed = indexEntries().map((e) => e.path.slice("accuracy/".length));
    expect(writeUps.length).toBeGreaterThan(0);
    expect(
      writeUps.filter((f) => !listed.includes(f)),
      "add `- [Title](accuracy/<file>)` to §8",
    ).toEqual([]);
    expect(
      listed.filter((f, i) => listed.indexOf(f) !== i),
      "listed twice in §8",
    ).toEqual([]);
  });

  it("every index line points at an existing file whose first heading starts with the line's title", () => {
    const entries = indexEntries();
    expect(entries.length).toBe(writeUps.length);
    for (const { title, path } of entries) {
      const file = join(docs, path);
      expect(existsSync(file), `docs/step-model.md §8 links ${path}, which does not exist`).toBe(true);
      const first = readFileSync(file, "utf8").split("\n", 1)[0] as string;
      expect(first.startsWith(`# ${title}`), `docs/${path}: first line should be '# ${title}'`).toBe(true);
    }
  });

  it("file names are kebab-case slugs of at most 60 characters", () => {
    const bad = writeUps.filter((f) => !/^[a-z0-9]+(-[a-z0-9]+)*\.md$/.test(f) || f.length - 3 > 60);
    expect(bad).toEqual([]);
  });

  it("relative links inside the write-ups resolve from docs/accuracy/", () => {
    const broken = [...writeUps, "README.md"].flatMap((f) => {
      const text = readFileSync(join(accuracyDir, f), "utf8");
      return relativeLinks(text)
        .filter((t) => !existsSync(join(dirname(join(accuracyDir, f)), t.split("#")[0] as string)))
        .map((t) => `docs/accuracy/${f}: ${t}`);
    });
    expect(broken).toEqual([]);
  });
});
