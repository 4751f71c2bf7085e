/**
 * The scenario of an end-to-end reference case, as a document the Estimate view can open: the
 * built-in reference scenario's text (`referenceScenarioText`, identical to examples/<name>.yaml)
 * with the case's `--set` overrides written into the YAML (comments kept; `null` removes the
 * field, as core's `applyOverrides`), so the editor shows
 * exactly what `supernode validate` estimates for the case.
 */
import { endToEndCaseSpecs, referenceScenarioText, SupernodeError } from "@supernode/core";
import { parse as parseYaml } from "yaml";
import { removeKnob, writeKnob } from "../../app/scenario-doc.ts";

export interface CaseScenario {
  readonly caseId: string;
  readonly text: string;
  readonly fileName: string;
  readonly overrides: readonly string[];
}

/** @example caseScenarioJob({ caseId: "cm384-106" }).fileName // "cloudmatrix384-deepseek-r1-decode.yaml" */
export function caseScenarioJob(request: { readonly caseId: string }): CaseScenario {
  const spec = endToEndCaseSpecs().find((c) => c.id === request.caseId);
  if (spec === undefined)
    throw new SupernodeError(
      "unknown-id",
      `no end-to-end reference case "${request.caseId}" (see the Validate view)`,
    );
  let text = referenceScenarioText(spec.scenario);
  for (const o of spec.overrides) {
    const eq = o.indexOf("=");
    const path = o.slice(0, eq).split(".");
    const value: unknown = parseYaml(o.slice(eq + 1));
    // As core's applyOverrides: null removes the field.
    text = value === null ? removeKnob(text, path) : writeKnob(text, path, value);
  }
  return { caseId: spec.id, text, fileName: `${spec.scenario}.yaml`, overrides: spec.overrides };
}
