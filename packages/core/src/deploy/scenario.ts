/**
 * A resolved scenario: the system, the model architecture, the precision and the deployment plan
 * of each instance group, in SI units, read-only. `parseScenario` reads the document once (YAML or
 * JSON), validates it (`spec/scenario-schema.ts`), resolves ids against the catalog and the model
 * zoo, and checks that the deployment divides; every later layer trusts the result.
 */

import type { System } from "../hardware/index.ts";
import type { ModelArchitecture } from "../model/index.ts";
import {
  applyOverrides,
  overrideError,
  readSourceDocument,
  refuseForeignSglangBlock,
  type ScenarioDocument,
  type ScenarioOverride,
  type ServingSpec,
  type SourceDocument,
  type SourceRef,
  SupernodeError,
  safeParseAdaptive,
  scenarioSchema,
  schemaError,
  type WorkloadSpec,
} from "../spec/index.ts";
import type { FabricTarget } from "../topology/index.ts";
import { withChunkMask } from "./chunk-mask.ts";
import type { EngineProfile } from "./engine-profile.ts";
import { offlineGroup, refuseUnevenSequenceCap } from "./offline-group.ts";
import { type OfflinePlan, resolveOffline } from "./offline-plan.ts";
import {
  type InstanceLocation,
  type InstancePlan,
  type InstanceRole,
  infeasible,
  planInstanceGroup,
} from "./plan.ts";
import { type DtypeMapping, type Precision, resolvePrecision } from "./precision.ts";
import { type ScenarioEngine, scenarioEngine } from "./scenario-engine.ts";
import { resolveScenarioModel, resolveScenarioSystem, type ScenarioCatalog } from "./scenario-resolve.ts";

export interface Scenario {
  readonly name: string;
  readonly description?: string;
  readonly source?: SourceRef;
  /** The file the scenario was read from (for messages). */
  readonly fileName: string;
  readonly system: System;
  /** Systems the whole deployment needs (1 if it fits in one). */
  readonly systemCount: number;
  /** The fabric one instance communicates over: the system, or a cluster of systems when an instance spans several. */
  readonly fabricTarget: FabricTarget;
  readonly model: ModelArchitecture;
  readonly precision: Precision;
  readonly deployment: {
    readonly prefill?: InstancePlan;
    readonly decode?: InstancePlan;
    readonly colocated?: InstancePlan;
  };
  /** The serving engine's recorded release (scheduler defaults, kernels, recorded policies). */
  readonly engine?: EngineProfile;
  /** The offline / maximum-throughput operating point (`estimate` searches the batch). */
  readonly offline?: OfflinePlan;
  readonly workload?: WorkloadSpec;
  readonly serving?: ServingSpec;
  /** The validated document (defaults applied), e.g. to show or re-export it. */
  readonly document: ScenarioDocument;
}

export interface ParseScenarioOptions {
  /** `--set key=value` overrides, applied before validation. */
  readonly overrides?: readonly ScenarioOverride[];
  /** Reads a file named in the document (a model config.json), relative to the scenario file. */
  readonly readFile?: (path: string) => string;
  /** Run formats as others (`--map-dtype fp8=int8`), e.g. FP8/FP4 checkpoints as INT8 on the Ascend 910C. */
  readonly dtypeMapping?: DtypeMapping;
}

/**
 * Parses and resolves a scenario document.
 * @example const s = parseScenario(text, "examples/cloudmatrix384-deepseek-r1-decode.yaml"); s.deployment.decode?.ranksPerInstance // 320
 */
export function parseScenario(
  text: string,
  fileName: string,
  catalog?: ScenarioCatalog,
  options: ParseScenarioOptions = {},
): Scenario {
  return parseScenarioSource(readSourceDocument(text, fileName), catalog, options);
}

/**
 * `parseScenario` from a document already read (`readSourceDocument`): a search reads the file
 * once and resolves many variants of it (each with its own overrides).
 * @example parseScenarioSource(readSourceDocument(text, file), catalog, { overrides })
 */
export function parseScenarioSource(
  raw: SourceDocument,
  catalog?: ScenarioCatalog,
  options: ParseScenarioOptions = {},
): Scenario {
  const fileName = raw.fileName;
  const overrides = options.overrides ?? [];
  const doc: SourceDocument =
    overrides.length > 0 ? { ...raw, data: applyOverrides(raw.data, overrides) } : raw;
  const parsed = safeParseAdaptive(scenarioSchema, doc.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const unknownKey = issue?.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    throw overrideError(schemaError(parsed.error, fileName, doc.locate), overrides, unknownKey);
  }
  try {
    return resolveScenario(parsed.data, doc, catalog, options);
  } catch (e) {
    throw overrideError(e, overrides);
  }
}

/** What a document resolves to outside its deployment: the same for every variant of its deployment. */
export interface ResolvedSections {
  readonly system: System;
  readonly catalog: ReturnType<typeof resolveScenarioSystem>["catalog"];
  readonly model: ModelArchitecture;
  readonly engine: ScenarioEngine;
  readonly precision: Precision;
}

/**
 * The system, model, engine and precision of a validated document (`doc`: the raw document it was
 * validated from; the engine reads which serving and precision fields it writes).
 */
export function resolveSections(
  spec: ScenarioDocument,
  doc: SourceDocument,
  catalog: ScenarioCatalog | undefined,
  options: ParseScenarioOptions,
): ResolvedSections {
  const fileName = doc.fileName;
  const locate = (path: ReadonlyArray<string | number>) => doc.locate(path);
  const { system, catalog: resolvedCatalog } = resolveScenarioSystem(spec.system, fileName, locate, catalog);
  const asPublished = resolveScenarioModel(spec.model, fileName, locate, options.readFile);
  const chip = system.node.accelerator.chip;
  const engine = scenarioEngine(spec, doc, chip, asPublished, system.nodes.value > 1);
  const model = withChunkMask(withWindowedCache(asPublished, engine), spec.offline);
  const precision = resolvePrecision(engine.precision, {
    peaks: chip.peakFlopsPerS,
    chipName: chip.name,
    file: fileName,
    locate,
    ...(options.dtypeMapping !== undefined && { mapping: options.dtypeMapping }),
  });
  return { system, catalog: resolvedCatalog, model, engine, precision };
}

/**
 * The model as the engine's KV cache holds it: with `full-context` (the scenario's
 * `serving.kvCache.slidingWindowLayers`, else the engine's `slidingWindowKvCache`) its windowed
 * layers keep every token in the cache; their attention still reads only the window.
 */
function withWindowedCache(model: ModelArchitecture, engine: ScenarioEngine): ModelArchitecture {
  const sw = model.slidingWindow;
  const mode = engine.serving?.kvCache.slidingWindowLayers ?? engine.engine?.slidingWindowKvCache ?? "window";
  return sw !== undefined && mode === "full-context"
    ? { ...model, slidingWindow: { ...sw, cacheKeepsFullContext: true } }
    : model;
}

/**
 * A validated document resolved against the catalog and planned (`doc`: the raw document it was
 * validated from; `sections`: its `resolveSections`, when already known).
 */
export function resolveScenario(
  spec: ScenarioDocument,
  doc: SourceDocument,
  catalog: ScenarioCatalog | undefined,
  options: ParseScenarioOptions,
  sections: ResolvedSections = resolveSections(spec, doc, catalog, options),
): Scenario {
  const fileName = doc.fileName;
  const locate = (path: ReadonlyArray<string | number>) => doc.locate(path);
  const { system, catalog: resolvedCatalog, model, engine, precision } = sections;
  const chip = system.node.accelerator.chip;

  if (spec.offline !== undefined && spec.deployment.colocated === undefined) {
    const pos = locate(["offline"]);
    throw new SupernodeError(
      "infeasible",
      "the offline operating point runs colocated instances (continuous batching of prefill and decode); give deployment.colocated",
      { file: fileName, line: pos?.line, column: pos?.column, fieldPath: ["offline"] },
    );
  }
  const offline = spec.offline !== undefined ? resolveOffline(spec.offline, model, fileName) : undefined;
  const serving = engine.serving;
  const plan = (role: InstanceRole) => {
    const asWritten = spec.deployment[role];
    if (asWritten === undefined) return undefined;
    refuseForeignSglangBlock(doc, role, spec.engine?.name);
    const written = engine.group(asWritten);
    const group =
      offline !== undefined && role === "colocated"
        ? offlineGroup(written, offline, serving?.scheduler.maxBatchTokens, chip)
        : written;
    const plan = planInstanceGroup(
      role,
      group,
      chip,
      model,
      infeasible(fileName, locate, ["deployment", role]),
    );
    return { ...plan, location: lazyLocation(() => locate(["deployment", role])) };
  };
  const deployment = { prefill: plan("prefill"), decode: plan("decode"), colocated: plan("colocated") };
  if (spec.offline !== undefined && deployment.colocated !== undefined)
    refuseUnevenSequenceCap(spec.offline, deployment.colocated, fileName, locate);

  const { systemCount, fabricTarget } = deploymentFabric(
    [deployment.prefill, deployment.decode, deployment.colocated],
    system,
    resolvedCatalog,
  );

  return {
    name: spec.name ?? fileName,
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    ...(spec.source !== undefined ? { source: { key: "scenario", ...spec.source } } : {}),
    fileName,
    system,
    systemCount,
    fabricTarget,
    model,
    precision,
    deployment: {
      ...(deployment.prefill !== undefined ? { prefill: deployment.prefill } : {}),
      ...(deployment.decode !== undefined ? { decode: deployment.decode } : {}),
      ...(deployment.colocated !== undefined ? { colocated: deployment.colocated } : {}),
    },
    ...(engine.engine !== undefined ? { engine: engine.engine } : {}),
    ...(offline !== undefined ? { offline } : {}),
    ...(spec.workload !== undefined ? { workload: spec.workload } : {}),
    ...(serving !== undefined ? { serving } : {}),
    document: spec,
  };
}

/**
 * The systems a deployment's groups need in all, and the fabric they run on: the largest instance
 * decides whether that is one system or a cluster of them.
 */
function deploymentFabric(
  groups: ReadonlyArray<{ readonly instances: number; readonly chipsPerInstance: number } | undefined>,
  system: Scenario["system"],
  catalog: { cluster(spec: { system: string; count: number }): FabricTarget },
): { readonly systemCount: number; readonly fabricTarget: FabricTarget } {
  const chipsPerSystem = system.nodes.value * system.node.accelerator.count.value;
  let chips = 0;
  let largest = 0;
  for (const group of groups)
    if (group !== undefined) {
      chips += group.instances * group.chipsPerInstance;
      largest = Math.max(largest, group.chipsPerInstance);
    }
  const instanceSystems = Math.ceil(largest / chipsPerSystem);
  return {
    systemCount: Math.max(1, Math.ceil(chips / chipsPerSystem)),
    fabricTarget:
      instanceSystems > 1 ? catalog.cluster({ system: system.id, count: instanceSystems }) : system,
  };
}

/**
 * Where `deployment.<role>` is written, looked up on first read of `line` or `column`: finding a
 * line needs the YAML parsed with positions, which a built-in scenario read from its pre-parsed
 * JSON (spec/preparsed-data.ts) otherwise never pays; only an error message reads it. Copies of
 * the plan (`{ ...plan }`) share the object without looking it up.
 */
function lazyLocation(find: () => { line: number; column: number } | undefined): InstanceLocation {
  let found: { readonly value: { line: number; column: number } | undefined } | undefined;
  const get = () => {
    found ??= { value: find() };
    return found.value;
  };
  return {
    get line() {
      return get()?.line;
    },
    get column() {
      return get()?.column;
    },
  };
}
