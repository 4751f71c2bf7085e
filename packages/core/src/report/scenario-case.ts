/**
 * Reference cases that run a built-in reference scenario (data/references/scenarios/*.yaml, the
 * same files as examples/*.yaml) with `--set` overrides and compare one figure with a published
 * one: the end-to-end cases (validate-end-to-end.ts) and the energy cases (validate-energy.ts).
 * What they share lives here: the case file's schema over a kind's metrics, the scenario text,
 * the scenario a case runs, the key under which cases of one scenario share an estimate, and the
 * comparison fields of a predicted case.
 */

import { z } from "zod";
import { embeddedDataFiles, type ReferenceComparison } from "../catalog/index.ts";
import { parseScenario, type Scenario } from "../deploy/index.ts";
import { parseOverride, referenceCaseSchema, SupernodeError } from "../spec/index.ts";
import type { OperatingPoint } from "./operating-point.ts";

/**
 * The schema of one case (`overrides` default none, and a kind's `extra` fields) and of the file
 * that lists them, over `metric`.
 * @example scenarioCaseSchemas(z.enum(["tpot-ms"])).fileSchema
 */
export function scenarioCaseSchemas<
  Metric extends z.ZodType,
  Extra extends z.ZodRawShape = Record<never, never>,
>(metric: Metric, extra?: Extra) {
  const caseSchema = referenceCaseSchema(metric, {
    overrides: z.array(z.string()).default([]),
    ...(extra as Extra),
  });
  return { caseSchema, fileSchema: z.strictObject({ cases: z.array(caseSchema).min(1) }) };
}

/** What a case of either kind says, as parsed. */
export interface ScenarioCaseSpec<Metric extends string = string> {
  readonly id: string;
  readonly scenario: string;
  readonly overrides: readonly string[];
  readonly metric: Metric;
  readonly published: number;
  readonly unit: string;
  readonly description: string;
  readonly source: string;
  readonly role: ReferenceComparison["role"];
  readonly duplicateOf?: string | undefined;
  readonly bound?: "lower" | undefined;
}

/** Text of a built-in reference scenario by name. @example referenceScenarioText("cloudmatrix384-deepseek-r1-decode") */
export function referenceScenarioText(name: string): string {
  const path = `references/scenarios/${name}.yaml`;
  const text = embeddedDataFiles[path];
  if (text === undefined)
    throw new SupernodeError("unknown-id", `no built-in reference scenario ${name} (${path})`);
  return text;
}

/** Names of the built-in reference scenarios. */
export function referenceScenarioNames(): string[] {
  return Object.keys(embeddedDataFiles)
    .filter((p) => p.startsWith("references/scenarios/") && p.endsWith(".yaml"))
    .map((p) => p.slice("references/scenarios/".length, -".yaml".length))
    .sort();
}

/**
 * The scenario a case runs, with its overrides, parsed (not estimated).
 * @example scenarioOfCase({ scenario: "cloudmatrix384-deepseek-r1-decode", overrides: [] }).system.id // "cloudmatrix384"
 */
export function scenarioOfCase(spec: Pick<ScenarioCaseSpec, "scenario" | "overrides">): Scenario {
  return parseScenario(referenceScenarioText(spec.scenario), `examples/${spec.scenario}.yaml`, undefined, {
    overrides: spec.overrides.map(parseOverride),
  });
}

/** The key under which cases of one scenario and the same overrides share an estimate. */
export function scenarioCaseKey(spec: Pick<ScenarioCaseSpec, "scenario" | "overrides">): string {
  return `${spec.scenario}|${spec.overrides.join("|")}`;
}

/** A predicted case: the comparison with the scenario, overrides, metric and operating point it ran at. */
export interface ScenarioReferenceCase<Metric extends string = string> extends ReferenceComparison {
  /** Reference scenario name (examples/<scenario>.yaml) and the overrides applied. */
  readonly scenario: string;
  readonly overrides: readonly string[];
  readonly metric: Metric;
  /** Where the measurement sits: system, chip, model, phase and operating point. */
  readonly point: OperatingPoint;
}

/**
 * A predicted case: the comparison (id, predicted against published, role, …) with the scenario,
 * overrides, metric and operating point it was run at.
 */
export function scenarioCaseResult<Metric extends string>(
  spec: ScenarioCaseSpec<Metric>,
  predicted: number,
  point: OperatingPoint,
): ScenarioReferenceCase<Metric> {
  return {
    id: spec.id,
    description: spec.description,
    predicted,
    published: spec.published,
    unit: spec.unit,
    source: spec.source,
    role: spec.role,
    ...(spec.duplicateOf !== undefined ? { duplicateOf: spec.duplicateOf } : {}),
    ...(spec.bound !== undefined ? { bound: spec.bound } : {}),
    scenario: spec.scenario,
    overrides: spec.overrides,
    metric: spec.metric,
    point,
  };
}
