/**
 * A searched deployment as a scenario file: the base document with the candidate's overrides
 * applied, as YAML that `supernode estimate` and `simulate` run (defaults are left implicit, as
 * in the file the search started from).
 */
import { stringify } from "yaml";
import { applyOverrides, type ScenarioOverride, type SourceDocument } from "../spec/index.ts";

/**
 * @example candidateYaml(doc, point.overrides, "rank 1 of 12 (supernode search)")
 */
export function candidateYaml(
  doc: SourceDocument,
  overrides: readonly ScenarioOverride[],
  note: string,
): string {
  const data = applyOverrides(doc.data, overrides) as Record<string, unknown>;
  const comment = note
    .split("\n")
    .map((line) => `# ${line}`)
    .join("\n");
  return `${comment}\n${stringify(data, { lineWidth: 100 })}`;
}
