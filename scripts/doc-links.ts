/**
 * What a Markdown file links to and which anchors its headings give, as GitHub renders them; read
 * by scripts/doc-links.test.ts. Fenced code blocks (``` or ~~~) and code spans hold no links and no
 * headings.
 */

export interface MarkdownLink {
  target: string;
  /** 1-based line of the link. */
  line: number;
}

/** The lines of `text` with fenced code blocks blanked (kept as empty lines so numbering holds). */
function proseLines(text: string): string[] {
  let fence: string | undefined;
  return text.split("\n").map((l) => {
    const m = /^ {0,3}(`{3,}|~{3,})/.exec(l);
    if (m) {
      const mark = m[1] as string;
      if (fence === undefined) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = undefined;
      return "";
    }
    return fence === undefined ? l : "";
  });
}

/** Inline links and images `[text](target "title")` of `text`, code left out. */
export function markdownLinks(text: string): MarkdownLink[] {
  return proseLines(text).flatMap((l, i) =>
    [...l.replace(/`[^`]*`/g, "").matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)].map((m) => ({
      target: m[1] as string,
      line: i + 1,
    })),
  );
}

/**
 * GitHub's anchor for a heading's text: links and code marks reduced to their text, lower case,
 * every character that is not a letter, mark, digit, connector (`_`), hyphen or space dropped,
 * spaces turned into hyphens (github-slugger's rule).
 */
export function githubSlug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of every ATX heading of `text`, repeats numbered -1, -2, … as GitHub does. */
export function headingSlugs(text: string): Set<string> {
  const seen = new Set<string>();
  for (const l of proseLines(text)) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(l);
    if (!m) continue;
    const base = githubSlug(m[1] as string);
    let slug = base;
    for (let n = 1; seen.has(slug); n++) slug = `${base}-${n}`;
    seen.add(slug);
  }
  return seen;
}
