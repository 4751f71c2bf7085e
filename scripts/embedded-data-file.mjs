// The CLI bundle's stand-in for packages/core/src/catalog/embedded-data.generated.ts
// (scripts/build-cli.mjs swaps it in; core's sources, the tests and the web app keep the generated
// module). The same two maps, read from embedded-data.json beside the bundle's chunk and parsed
// with JSON.parse at start-up: V8 compiles ~5 MB of string literals more slowly than JSON.parse
// reads them (≈ 20 ms of CPU of every `supernode` command that loads core).
import { readFileSync } from "node:fs";
import { registerPreparsed } from "../packages/core/src/spec/preparsed-data.ts";

const data = JSON.parse(readFileSync(new URL("./embedded-data.json", import.meta.url), "utf8"));

/** The catalog's data files, by path relative to packages/core/data. */
export const embeddedDataFiles = data.files;

for (const [path, json] of Object.entries(data.preparsed)) {
  const text = embeddedDataFiles[path];
  if (text !== undefined) registerPreparsed(text, json);
}
