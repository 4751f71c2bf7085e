/**
 * What the pickers need to know about a shipped example scenario before its text is loaded: its
 * title (the document's `name`), its system, its instance groups and whether it is an offline
 * (max-throughput) scenario. Computed at build time from each file (`vite-example-facts.ts`), so
 * the page carries these few fields up front and fetches a text only when it is picked.
 */
import { isMap, parseDocument } from "yaml";
import { ROLES, type Role } from "./scenario-doc.ts";

export interface ExampleFacts {
  /** The document's `name` ("" when it has none). */
  readonly title: string;
  /** The catalog id in `system:` (undefined when the system is written inline or absent). */
  readonly system: string | undefined;
  /** The instance groups under `deployment`, in `ROLES` order. */
  readonly roles: readonly Role[];
  /** Whether the document has an `offline` section. */
  readonly offline: boolean;
}

/**
 * The facts of one example; a file that is not valid YAML is an error naming it.
 * @example exampleFacts("name: A\nsystem: gb200-nvl72\ndeployment: {decode: {}}\n", "a.yaml").roles // ["decode"]
 */
export function exampleFacts(text: string, file: string): ExampleFacts {
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first !== undefined) throw new Error(`${file}: not valid YAML (${first.message})`);
  const name = doc.get("name");
  const system = doc.get("system");
  const deployment = doc.get("deployment");
  return {
    title: typeof name === "string" ? name : "",
    system: typeof system === "string" ? system : undefined,
    roles: isMap(deployment) ? ROLES.filter((role) => deployment.has(role)) : [],
    offline: doc.has("offline"),
  };
}
