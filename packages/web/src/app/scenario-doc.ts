/**
 * Reading and changing single settings ("knobs") of a scenario document in its YAML text, keeping
 * the user's comments and layout, so the editor, the knobs and the URL always hold the same
 * document the CLI reads. Validation is core's job (in the worker): these helpers only touch text.
 */
import { isMap, parseDocument } from "yaml";

export type Role = "decode" | "prefill" | "colocated";
export const ROLES: readonly Role[] = ["decode", "prefill", "colocated"];

function parse(text: string) {
  const doc = parseDocument(text, { keepSourceTokens: false });
  return doc.errors.length > 0 ? undefined : doc;
}

/** The instance groups present in the document, in `ROLES` order. @example scenarioRoles("deployment: {decode: {}}") // ["decode"] */
export function scenarioRoles(text: string): Role[] {
  const deployment = parse(text)?.get("deployment");
  if (!isMap(deployment)) return [];
  return ROLES.filter((role) => deployment.has(role));
}

/** The value at `path`, or `undefined` (absent, or the text is not valid YAML). */
export function readKnob(text: string, path: readonly (string | number)[]): unknown {
  const doc = parse(text);
  if (doc === undefined) return undefined;
  const value = doc.getIn(path, false);
  return isMap(value) ? value.toJSON() : value;
}

/**
 * The document with `path` set to `value` (sections created as needed); the text unchanged when
 * it is not valid YAML.
 * @example writeKnob("a:\n  b: 1 # note\n", ["a", "b"], 2) // "a:\n  b: 2 # note\n"
 */
export function writeKnob(text: string, path: readonly (string | number)[], value: unknown): string {
  const doc = parse(text);
  if (doc === undefined) return text;
  doc.setIn(path, value);
  return doc.toString({ lineWidth: 0 });
}

/**
 * The document without `path` (as a `--set path=null` override removes it); the text unchanged
 * when it is not valid YAML or has no such field.
 * @example removeKnob("a: 1\nb: 2\n", ["a"]) // "b: 2\n"
 */
export function removeKnob(text: string, path: readonly (string | number)[]): string {
  const doc = parse(text);
  if (doc === undefined || !doc.hasIn(path)) return text;
  doc.deleteIn(path);
  return doc.toString({ lineWidth: 0 });
}
