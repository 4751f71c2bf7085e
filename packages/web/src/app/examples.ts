/**
 * The reference scenarios shipped in the repository's `examples/` directory, sorted by name. The
 * list (name and the facts the pickers filter by, `ExampleFacts`) is bundled with the page; each
 * text is a chunk of its own, fetched when it is first asked for (`loadExampleText`), so the page
 * does not carry some 25 KB gzip of YAML it may never show. The views' default scenarios are
 * imported statically where they are used.
 */
import type { ExampleFacts } from "./example-facts.ts";

export interface ExampleInfo extends ExampleFacts {
  /** The file name, e.g. `cloudmatrix384-deepseek-r1-decode.yaml`. */
  readonly name: string;
}

const facts = import.meta.glob<ExampleFacts>("../../../../examples/*.{yaml,yml,json}", {
  query: "?example-facts",
  import: "default",
  eager: true,
});
const texts = import.meta.glob<string>("../../../../examples/*.{yaml,yml,json}", {
  query: "?raw",
  import: "default",
});

const baseName = (path: string) => path.slice(path.lastIndexOf("/") + 1);
const loaders = new Map(Object.entries(texts).map(([path, load]) => [baseName(path), load]));

export const EXAMPLES: readonly ExampleInfo[] = Object.entries(facts)
  .map(([path, f]) => ({ ...f, name: baseName(path) }))
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

/**
 * The text of example `name`, fetched once (the browser keeps the module); rejects with an Error
 * naming the example when it is unknown or its chunk cannot be fetched.
 */
export async function loadExampleText(name: string): Promise<string> {
  const load = loaders.get(name);
  if (load === undefined) throw new Error(`no example scenario named ${name}`);
  try {
    return await load();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`could not load the example scenario ${name} (${why})`);
  }
}
