/**
 * A resolved scenario: the system, the model architecture, the precision and the deployment plan
 * of each instance group, in SI units, read-only. `parseScenario` reads the document once (YAML or
 * JSON), validates it (`spec/scenario-schema.ts`), resolves ids against the catalog and the model
 * zoo, and checks that the deployment divides; every later layer trusts the result.
 */
import type { SourceRef } from "../catalog/sourced.ts";
import type { Dtype, System } from "../hardware/types.ts";
import type { ModelArchitecture } from "../model/types.ts";
import type { ServingSpec } from "../serving/serving-schema.ts";
import type { WorkloadSpec } from "../serving/workload-schema.ts";
import { SupernodeError } from "../spec/errors.ts";
import { readSourceDocument, type SourceDocument, validateDocument } from "../spec/parse-document.ts";
import { applyOverrides, type ScenarioOverride } from "../spec/scenario-overrides.ts";
import { type ScenarioDocument, scenarioSchema } from "../spec/scenario-schema.ts";
import type { FabricTarget } from "../topology/build-topology.ts";
import {
  type InstancePlan,
  type InstanceRole,
  infeasible,
  type Precision,
  planInstanceGroup,
} from "./plan.ts";
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
  const raw = readSourceDocument(text, fileName);
  const doc: SourceDocument =
    options.overrides !== undefined && options.overrides.length > 0
      ? { ...raw, data: applyOverrides(raw.data, options.overrides) }
      : raw;
  const spec = validateDocument(doc, scenarioSchema);
  const locate = (path: ReadonlyArray<string | number>) => doc.locate(path);
  const { system, catalog: resolvedCatalog } = resolveScenarioSystem(spec.system, fileName, locate, catalog);
  const model = resolveScenarioModel(spec.model, fileName, locate, options.readFile);
  const chip = system.node.accelerator.chip;

  const activations = spec.precision.activations ?? spec.precision.weights;
  const precision: Precision = {
    weights: spec.precision.weights,
    activations,
    kvCache: spec.precision.kvCache,
    attention: spec.precision.attention,
    dispatch: spec.precision.dispatch ?? activations,
    combine: spec.precision.combine,
  };
  checkDtype(precision, chip.peakFlopsPerS, chip.name, fileName, locate);

  const plan = (role: InstanceRole) => {
    const group = spec.deployment[role];
    if (group === undefined) return undefined;
    const plan = planInstanceGroup(
      role,
      group,
      chip,
      model,
      infeasible(fileName, locate, ["deployment", role]),
    );
    const location = locate(["deployment", role]);
    return location !== undefined ? { ...plan, location } : plan;
  };
  const deployment = { prefill: plan("prefill"), decode: plan("decode"), colocated: plan("colocated") };

  const chipsPerSystem = system.nodes.value * system.node.accelerator.count;
  let chips = 0;
  for (const group of [deployment.prefill, deployment.decode, deployment.colocated])
    if (group !== undefined) chips += group.instances * group.chipsPerInstance;
  const systemCount = Math.max(1, Math.ceil(chips / chipsPerSystem));
  // The largest instance decides whether the fabric is one system or a cluster of them.
  let largest = 0;
  for (const group of [deployment.prefill, deployment.decode, deployment.colocated])
    if (group !== undefined) largest = Math.max(largest, group.chipsPerInstance);
  const instanceSystems = Math.ceil(largest / chipsPerSystem);
  const fabricTarget: FabricTarget =
    instanceSystems > 1 ? resolvedCatalog.cluster({ system: system.id, count: instanceSystems }) : system;

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
    ...(spec.workload !== undefined ? { workload: spec.workload } : {}),
    ...(spec.serving !== undefined ? { serving: spec.serving } : {}),
    document: spec,
  };
}

function checkDtype(
  precision: Precision,
  peaks: Readonly<Partial<Record<Dtype, unknown>>>,
  chipName: string,
  file: string,
  locate: (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined,
): void {
  const supported = Object.keys(peaks).join(", ");
  for (const field of ["weights", "activations", "attention"] as const) {
    const dtype = precision[field];
    if (peaks[dtype] === undefined) {
      const pos = locate(["precision", field]);
      throw new SupernodeError(
        "unsupported",
        `${chipName} has no ${dtype} tensor math (it supports ${supported}); choose one of those for precision.${field}`,
        { file, line: pos?.line, column: pos?.column, fieldPath: ["precision", field] },
      );
    }
  }
}
