/**
 * Vite plugin: `import facts from "<example>.yaml?example-facts"` is the file's `ExampleFacts`
 * (src/app/example-facts.ts), read at build time. The app imports these eagerly for the pickers and
 * each example's text lazily (`?raw`, one chunk per file), so the page does not carry every text.
 */
import { readFile } from "node:fs/promises";
import type { Plugin } from "vite";
import { exampleFacts } from "./src/app/example-facts.ts";

const QUERY = "example-facts";

export function exampleFactsPlugin(): Plugin {
  return {
    name: "supernode-example-facts",
    enforce: "pre",
    async load(id) {
      const q = id.indexOf("?");
      if (q < 0 || !new URLSearchParams(id.slice(q + 1)).has(QUERY)) return null;
      const file = id.slice(0, q);
      this.addWatchFile(file);
      const facts = exampleFacts(await readFile(file, "utf8"), file);
      return `export default ${JSON.stringify(facts)};`;
    },
  };
}
