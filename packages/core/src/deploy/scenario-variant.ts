/**
 * Variants of one scenario document that differ only in their deployment (a deployment search
 * resolves thousands): the document is validated once, and each variant validates only its
 * overridden `deployment` section before it is resolved and planned like a file; what lies outside
 * the deployment (system, model, engine, precision) is resolved once, for the first variant, and
 * shared by the others resolved with the same catalog, file reader and dtype mapping.
 *
 * This is exactly `parseScenarioSource` with the variant's overrides: the scenario schema is a
 * strict object of independently validated sections with no check across them, so validating the
 * overridden document gives the once-validated document with its `deployment` replaced by the
 * overridden section validated. Anything else (an override outside `deployment`, a section that
 * does not validate, a document that did not) takes `parseScenarioSource` itself, so its errors
 * read the same.
 */
import {
  applyOverrides,
  overrideError,
  type ScenarioDocument,
  type SourceDocument,
  safeParseAdaptive,
  scenarioSchema,
} from "../spec/index.ts";
import {
  type ParseScenarioOptions,
  parseScenarioSource,
  type ResolvedSections,
  resolveScenario,
  resolveSections,
  type Scenario,
} from "./scenario.ts";
import type { ScenarioCatalog } from "./scenario-resolve.ts";

/** A document read once for many variants, with its validated form (undefined: it does not validate). */
export interface ScenarioSource {
  readonly raw: SourceDocument;
  readonly validated: ScenarioDocument | undefined;
  /** The sections outside the deployment, once resolved, with what they were resolved with. */
  sections?: {
    readonly catalog: ScenarioCatalog | undefined;
    readonly readFile: ParseScenarioOptions["readFile"];
    readonly dtypeMapping: ParseScenarioOptions["dtypeMapping"];
    readonly resolved: ResolvedSections;
  };
}

/**
 * Validates a document once for `parseScenarioVariant`.
 * @example const source = scenarioSource(readSourceDocument(text, file))
 */
export function scenarioSource(raw: SourceDocument): ScenarioSource {
  const parsed = safeParseAdaptive(scenarioSchema, raw.data);
  return { raw, validated: parsed.success ? parsed.data : undefined };
}

const deploymentSchema = scenarioSchema.shape.deployment;

/**
 * `parseScenarioSource(source.raw, catalog, options)`, validating only the deployment section when
 * every override is inside it.
 * @example parseScenarioVariant(source, catalog, { overrides: [{ path: ["deployment", "decode", "batchPerChip"], value: 64 }] })
 */
export function parseScenarioVariant(
  source: ScenarioSource,
  catalog?: ScenarioCatalog,
  options: ParseScenarioOptions = {},
): Scenario {
  const { raw, validated } = source;
  const overrides = options.overrides ?? [];
  const data = raw.data as Record<string, unknown> | null;
  const inDeployment = overrides.every((o) => o.path.length >= 2 && o.path[0] === "deployment");
  if (validated === undefined || !inDeployment || typeof data !== "object" || data === null)
    return parseScenarioSource(raw, catalog, options);
  let deployment: unknown;
  try {
    deployment = (applyOverrides({ deployment: data.deployment }, overrides) as { deployment: unknown })
      .deployment;
  } catch {
    return parseScenarioSource(raw, catalog, options);
  }
  const parsed = safeParseAdaptive(deploymentSchema, deployment);
  if (!parsed.success) return parseScenarioSource(raw, catalog, options);
  const doc: SourceDocument = { ...raw, data: { ...data, deployment } };
  const spec = { ...validated, deployment: parsed.data };
  try {
    return resolveScenario(spec, doc, catalog, options, sectionsOf(source, spec, doc, catalog, options));
  } catch (e) {
    throw overrideError(e, overrides);
  }
}

/** The source's sections outside the deployment, resolved once per catalog, file reader and dtype mapping. */
function sectionsOf(
  source: ScenarioSource,
  spec: ScenarioDocument,
  doc: SourceDocument,
  catalog: ScenarioCatalog | undefined,
  options: ParseScenarioOptions,
): ResolvedSections {
  const s = source.sections;
  if (
    s !== undefined &&
    s.catalog === catalog &&
    s.readFile === options.readFile &&
    s.dtypeMapping === options.dtypeMapping
  )
    return s.resolved;
  const resolved = resolveSections(spec, doc, catalog, options);
  source.sections = { catalog, readFile: options.readFile, dtypeMapping: options.dtypeMapping, resolved };
  return resolved;
}
