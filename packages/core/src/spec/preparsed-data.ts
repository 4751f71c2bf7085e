/**
 * Data already parsed at build time for known document texts. scripts/embed-data.mjs parses each
 * built-in YAML/JSON file with the same `yaml` library and options as `readSourceDocument`, checks
 * that the result survives a JSON round trip unchanged, and registers its JSON here (in the
 * generated embedded-data module). `readSourceDocument` then reads a built-in file with
 * `JSON.parse` — several times faster than YAML with positions — and parses the YAML only when an
 * error needs a line and column. The same text always yields the same data, so a lookup by text is
 * exact.
 */
const jsonByText = new Map<string, string>();

/** Registers the JSON of the data that `text` parses to. */
export function registerPreparsed(text: string, json: string): void {
  jsonByText.set(text, json);
}

/** A fresh copy of the pre-parsed data of `text`, or undefined when it was not pre-parsed. */
export function preparsedData(text: string): unknown {
  const json = jsonByText.get(text);
  return json === undefined ? undefined : JSON.parse(json);
}
