/**
 * The reference scenarios shipped in the repository's `examples/` directory, bundled as text at
 * build time (the app never fetches them), sorted by name.
 */
import type { ExampleScenario } from "../components/scenario-editor.tsx";

const files = import.meta.glob<string>("../../../../examples/*.{yaml,yml,json}", {
  query: "?raw",
  import: "default",
  eager: true,
});

export const EXAMPLE_SCENARIOS: readonly ExampleScenario[] = Object.entries(files)
  .map(([path, text]) => ({ name: path.slice(path.lastIndexOf("/") + 1), text }))
  .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
