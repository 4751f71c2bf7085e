/**
 * Every relative link in README.md and docs/**.md resolves: the file (or folder) it names exists,
 * and a `#fragment` into a Markdown file names one of that file's headings, slugged as GitHub slugs
 * them (see `githubSlug`). Links inside code spans and fenced code blocks are not links, and
 * external (`http:`, `https:`, `mailto:`) targets are left to their owners.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { githubSlug, headingSlugs, markdownLinks } from "./doc-links.js";

const root = fileURLToPath(new URL("../", import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return markdownFiles(p);
    return e.name.endsWith(".md") ? [p] : [];
  });
}

const files = [join(root, "README.md"), ...markdownFiles(join(root, "docs"))];
const slugCache = new Map<string, Set<string>>();
function slugsOf(file: string): Set<string> {
  let s = slugCache.get(file);
  if (!s) {
    s = headingSlugs(readFileSync(file, "utf8"));
    slugCache.set(file, s);
  }
  return s;
}

/** 'file:line: target (why)' for each relative link of `file` that does not resolve. */
function brokenLinks(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return markdownLinks(text).flatMap(({ target, line }) => {
    if (/^(https?:|mailto:)/.test(target)) return [];
    const [path = "", fragment] = target.split("#", 2);
    const where = `${relative(root, file)}:${line}: ${target}`;
    const dest = path === "" ? file : join(dirname(file), decodeURIComponent(path));
    if (!existsSync(dest)) return [`${where} (no such file)`];
    if (fragment === undefined || fragment === "") return [];
    if (!dest.endsWith(".md") || statSync(dest).isDirectory()) return [];
    return slugsOf(dest).has(decodeURIComponent(fragment).toLowerCase())
      ? []
      : [`${where} (no heading with that anchor in ${relative(root, dest)})`];
  });
}

describe("relative links in README.md and docs/", () => {
  it("finds the Markdown files and their links", () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files.some((f) => f.endsWith("docs/training.md"))).toBe(true);
  });

  it("every relative link names an existing file and, where it has one, an existing heading", () => {
    expect(files.flatMap(brokenLinks)).toEqual([]);
  });
});

describe("the link reader", () => {
  it("slugs headings as GitHub does: lower case, punctuation dropped, spaces to hyphens", () => {
    expect(githubSlug("Training on Ascend (2026-12-05, ascendtrain)")).toBe(
      "training-on-ascend-2026-12-05-ascendtrain",
    );
    expect(githubSlug("NeMo 25.09 → 25.11: what the recipes changed")).toBe(
      "nemo-2509--2511-what-the-recipes-changed",
    );
    expect(githubSlug("Reference cases (`supernode validate --kind training`)")).toBe(
      "reference-cases-supernode-validate---kind-training",
    );
    expect(githubSlug("The [link](x.md) and _under_score")).toBe("the-link-and-_under_score");
  });

  it("numbers repeated headings -1, -2 and ignores headings inside code fences", () => {
    const s = headingSlugs("# A\n\n## A\n\n```sh\n# not a heading\n```\n\n### A\n");
    expect([...s]).toEqual(["a", "a-1", "a-2"]);
  });

  it("reads inline links with their line numbers, skipping code spans and fences", () => {
    const text = 'x [a](a.md) `[b](b.md)`\n```\n[c](c.md)\n```\n![img](img/d.png "title")\n';
    expect(markdownLinks(text)).toEqual([
      { target: "a.md", line: 1 },
      { target: "img/d.png", line: 5 },
    ]);
  });
});
