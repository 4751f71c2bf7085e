/**
 * Validate → Estimate: the document the Estimate view opens for an end-to-end reference case is
 * the reference scenario with the case's overrides written into its YAML, and it parses to the
 * same scenario `supernode validate` estimates for the case (core's parse with the overrides).
 */
import { endToEndCaseSpecs, parseOverride, parseScenario, referenceScenarioText } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { caseScenarioJob } from "../src/worker/jobs/case-scenario-job.ts";

/** JSON without source locations (the YAML's layout changes where an override is written). */
const plain = (x: unknown) => JSON.stringify(x, (k, v) => (k === "location" ? undefined : v));

describe("a reference case's scenario for Estimate", () => {
  it("parses to the scenario validate estimates, for every case with overrides", () => {
    const withOverrides = endToEndCaseSpecs().filter((c) => c.overrides.length > 0);
    expect(withOverrides.length).toBeGreaterThan(3);
    for (const spec of withOverrides) {
      const opened = caseScenarioJob({ caseId: spec.id });
      expect(opened.fileName).toBe(`${spec.scenario}.yaml`);
      const fromText = parseScenario(opened.text, opened.fileName);
      const validated = parseScenario(referenceScenarioText(spec.scenario), opened.fileName, undefined, {
        overrides: spec.overrides.map(parseOverride),
      });
      expect(plain(fromText.deployment)).toBe(plain(validated.deployment));
      expect(plain(fromText.workload ?? null)).toBe(plain(validated.workload ?? null));
    }
  });

  it("names an unknown case", () => {
    expect(() => caseScenarioJob({ caseId: "no-such-case" })).toThrow(
      /no end-to-end reference case "no-such-case"/,
    );
  });
});
