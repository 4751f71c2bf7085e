/**
 * A generated block of a document: the text between a start and an end marker (both included),
 * which scripts/readme-figures.mjs rewrites and a test compares with what the code computes now.
 * Used for the README's validation figures and docs/fabric-model.md's accuracy table.
 */

export interface BlockMarkers {
  readonly start: string;
  readonly end: string;
  /** What the document is, for the error when the markers are missing ("README", "document"). */
  readonly documentName: string;
}

/**
 * `doc` with its marked block replaced by `block`; throws when the markers are missing.
 * @example replaceMarkedBlock("a <s>old<e> b", "<s>new<e>", { start: "<s>", end: "<e>", documentName: "doc" }) // "a <s>new<e> b"
 */
export function replaceMarkedBlock(doc: string, block: string, markers: BlockMarkers): string {
  const start = doc.indexOf(markers.start);
  const end = doc.indexOf(markers.end);
  if (start < 0 || end < start)
    throw new Error(`${markers.documentName} has no ${markers.start} … ${markers.end} block`);
  return doc.slice(0, start) + block + doc.slice(end + markers.end.length);
}

/**
 * The marked block currently in `doc` (markers included), or undefined.
 * @example markedBlockOf("a <s>x<e> b", { start: "<s>", end: "<e>", documentName: "doc" }) // "<s>x<e>"
 */
export function markedBlockOf(doc: string, markers: BlockMarkers): string | undefined {
  const start = doc.indexOf(markers.start);
  const end = doc.indexOf(markers.end);
  return start < 0 || end < start ? undefined : doc.slice(start, end + markers.end.length);
}
