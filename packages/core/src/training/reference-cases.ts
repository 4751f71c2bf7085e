/**
 * Training reference cases: each training reference scenario
 * (data/references/training-scenarios/*.yaml) estimated with `trainEstimate` and compared with the
 * published throughput it reproduces (data/references/training.yaml). The published values are
 * only compared with, never fed to the model.
 */
import { z } from "zod";
import { embeddedDataFiles, parseBuiltinData, type ReferenceComparison } from "../catalog/index.ts";
import { referenceCaseSchema, SupernodeError } from "../spec/index.ts";
import { type TrainEstimate, trainEstimate } from "./train-estimate.ts";
import { parseTrainingScenario } from "./training-scenario.ts";

const metricSchema = z.enum([
  "mfu-bf16-percent",
  "gpu-hours-per-trillion-tokens",
  "tflops-per-chip",
  "tokens-per-s-per-chip",
]);
export type TrainingMetric = z.output<typeof metricSchema>;

const caseSchema = referenceCaseSchema(metricSchema);
const fileSchema = z.strictObject({ cases: z.array(caseSchema).min(1) });
export type TrainingCaseSpec = z.output<typeof caseSchema>;

export interface TrainingReferenceCase extends ReferenceComparison {
  readonly scenario: string;
  readonly metric: TrainingMetric;
  readonly note?: string;
  /** Vendor of the system trained on. */
  readonly vendor: string;
}

/** The training case list. */
export function trainingCaseSpecs(): readonly TrainingCaseSpec[] {
  return parseBuiltinData("references/training.yaml", fileSchema).cases;
}

/** Text of a built-in training reference scenario. @example trainingScenarioText("deepseek-v3-h800-2048") */
export function trainingScenarioText(name: string): string {
  const path = `references/training-scenarios/${name}.yaml`;
  const text = embeddedDataFiles[path];
  if (text === undefined)
    throw new SupernodeError("unknown-id", `no built-in training reference scenario ${name} (${path})`);
  return text;
}

/** The value of a metric in a training estimate. */
export function trainingMetricValue(e: TrainEstimate, metric: TrainingMetric): number {
  switch (metric) {
    case "mfu-bf16-percent":
      return e.mfu * 100;
    case "gpu-hours-per-trillion-tokens":
      return 1e12 / e.tokensPerSPerChip / 3600;
    case "tflops-per-chip":
      return e.modelFlopsPerSPerChip / 1e12;
    case "tokens-per-s-per-chip":
      return e.tokensPerSPerChip;
    default: {
      const never: never = metric;
      return never;
    }
  }
}

/**
 * One training case, predicted.
 * @example predictTrainingCase(trainingCaseSpecs()[0]!).predicted // % MFU
 */
export function predictTrainingCase(spec: TrainingCaseSpec): TrainingReferenceCase {
  const scenario = parseTrainingScenario(
    trainingScenarioText(spec.scenario),
    `references/training-scenarios/${spec.scenario}.yaml`,
  );
  return {
    id: spec.id,
    description: spec.description,
    predicted: trainingMetricValue(trainEstimate(scenario), spec.metric),
    published: spec.published,
    unit: spec.unit,
    source: spec.source,
    role: spec.role,
    ...(spec.duplicateOf !== undefined ? { duplicateOf: spec.duplicateOf } : {}),
    vendor: scenario.system.vendor,
    scenario: spec.scenario,
    metric: spec.metric,
    ...(spec.note !== undefined ? { note: spec.note } : {}),
  };
}

/** Every training reference case, predicted. */
export function trainingReferenceCases(): TrainingReferenceCase[] {
  return trainingCaseSpecs().map(predictTrainingCase);
}
