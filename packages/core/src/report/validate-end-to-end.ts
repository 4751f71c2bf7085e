/**
 * End-to-end reference cases: each reference scenario (data/references/scenarios/*.yaml, the same
 * files as examples/*.yaml) estimated with the step model and compared with the calibration record
 * it reproduces (data/references/end-to-end.yaml). The published values are only compared with,
 * never fed to the model.
 */

import { z } from "zod";
import { builtinDataOnce } from "../catalog/index.ts";
import type { Scenario } from "../deploy/index.ts";
import { type Estimate, estimate } from "../perf/index.ts";
import { type PrefixReuseRuns, prefixReuseRuns, type ServerRun, serverRunAtRate } from "../serving/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { metricPhase, type OperatingPoint, operatingPoint } from "./operating-point.ts";
import {
  type ScenarioReferenceCase,
  scenarioCaseKey,
  scenarioCaseResult,
  scenarioCaseSchemas,
  scenarioOfCase,
} from "./scenario-case.ts";
import { serverMetric } from "./server-case-metric.ts";

export { referenceScenarioNames, referenceScenarioText } from "./scenario-case.ts";

const metricSchema = z.enum([
  "decode-tokens-per-s-per-chip",
  "decode-tokens-per-s-per-node",
  "tpot-ms",
  "prefill-tokens-per-s-per-chip",
  "prefill-tokens-per-s-per-node",
  /**
   * Output tokens/s per chip of a colocated instance that time-shares prefill and decode iterations
   * with no overlap, for the workload's fixed prompt and output lengths P and O:
   * O / (P / prefill tokens/s + O / decode tokens/s). An MLPerf-style offline operating point.
   */
  "offline-output-tokens-per-s-per-chip",
  /**
   * Output tokens/s of one instance at the offline operating point the estimate's batch search finds
   * (a scenario with an `offline` section: the batch that gives the most output tokens/s within the
   * KV cache, chunked prefill mixed with decode; step-model.md §12). trtllm-bench's `throughput`
   * (TensorRT-LLM's perf overview) reports this figure for the TP×PP GPUs of one instance.
   */
  "offline-search-output-tokens-per-s-per-instance",
  /** The same offline point per chip of the instance (trtllm-bench's "Per GPU Output Throughput"). */
  "offline-search-output-tokens-per-s-per-chip",
  /**
   * A prefill / decode disaggregated deployment's output tokens/s per chip of both pools, rate-matched
   * at the prefill group's prompt length and the workload's mean output (perf/disaggregated-throughput.ts):
   * the "output tokens/s per card" of published PD results, which divide by prefill and decode cards.
   */
  "disaggregated-output-tokens-per-s-per-chip",
  /**
   * MLPerf Inference's Server figure: output tokens/s per chip at the highest Poisson arrival rate
   * whose simulated p99 TTFT and p99 TPOT meet `serving.slo` (serving/server-rate.ts: the serving
   * simulator on the scenario's lengths, runs of `offline.requests` / `workload.requests` queries
   * and at least 600 s, the offline section's `maxSequencesPerInstance` as the running-sequence cap).
   * A disaggregated scenario (prefill and decode groups) is played as two pools, each request
   * prefilled in one, its KV moved over `serving.kvTransfer`, decoded in the other; per chip of both.
   */
  "server-output-tokens-per-s-per-chip",
  /**
   * What an MLPerf Server run measures at the rate its submitter chose (the case's `serverRate`:
   * target_qps over the submitted system's chips): the simulated p99 time to first token (ms) and
   * p99 per-query time per output token (ms) of Poisson queries at that rate, scaled to the chips the
   * scenario deploys (serving/server-at-rate.ts; runs as the Server metric's).
   */
  "server-p99-ttft-ms-at-rate",
  "server-p99-tpot-ms-at-rate",
  /**
   * Simulated TTFT p50 of the scenario with its prefix reuse (workload.prefixSharing,
   * serving.prefixCache) over that of the same scenario without (serving/prefix-reuse-ratio.ts):
   * a context-caching ablation's "TTFT reduced by x %" as 1 − x.
   */
  "prefill-ttft-ratio-with-prefix-reuse",
]);
export type EndToEndMetric = z.output<typeof metricSchema>;

const { caseSchema, fileSchema } = scenarioCaseSchemas(metricSchema, {
  /**
   * The submitted Server run the `…-at-rate` metrics play: target_qps offered to `chips` accelerators,
   * and the submission's min_query_count (`queries`) over them.
   */
  serverRate: z
    .strictObject({
      queriesPerS: z.number().positive(),
      chips: z.number().int().positive(),
      queries: z.number().int().positive().optional(),
    })
    .optional(),
});

export type EndToEndCaseSpec = z.output<typeof caseSchema>;

export type EndToEndReferenceCase = ScenarioReferenceCase<EndToEndMetric>;

const FILE = "references/end-to-end.yaml";

const caseFile = builtinDataOnce(FILE, fileSchema);

/** The case list (ids, scenarios, metrics, published values): the same objects on every call. */
export function endToEndCaseSpecs(): readonly EndToEndCaseSpec[] {
  return caseFile().cases;
}

/** The value of a case's metric in an estimate. */
function endToEndMetricValue(e: Estimate, spec: EndToEndCaseSpec, hit: CachedEstimate): number {
  const metric = spec.metric;
  const chipsPerNode = hit.chipsPerNode;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new SupernodeError(
        "invalid-value",
        `scenario ${e.scenario.name} has no ${what} estimate for metric ${metric}`,
      );
    return value;
  };
  switch (metric) {
    case "decode-tokens-per-s-per-chip":
      return need(e.decode, "decode").tokensPerSPerChip;
    case "decode-tokens-per-s-per-node":
      return need(e.decode, "decode").tokensPerSPerChip * chipsPerNode;
    case "tpot-ms":
      return need(e.decode, "decode").tpotS * 1000;
    case "prefill-tokens-per-s-per-chip":
      return need(e.prefill, "prefill").tokensPerSPerChip;
    case "prefill-tokens-per-s-per-node":
      return need(e.prefill, "prefill").tokensPerSPerChip * chipsPerNode;
    case "offline-output-tokens-per-s-per-chip": {
      const lengths = need(hit.fixedLengths, "fixed prompt/output length (workload)");
      const prefill = need(e.prefill, "prefill").tokensPerSPerChip;
      const decode = need(e.decode, "decode").tokensPerSPerChip;
      return lengths.output / (lengths.prompt / prefill + lengths.output / decode);
    }
    case "offline-search-output-tokens-per-s-per-instance":
      return need(e.offline, "offline (offline section)").best.outputTokensPerSPerInstance;
    case "offline-search-output-tokens-per-s-per-chip":
      return need(e.offline, "offline (offline section)").best.outputTokensPerSPerChip;
    case "disaggregated-output-tokens-per-s-per-chip":
      return need(e.disaggregated, "disaggregated (prefill and decode groups and a workload)")
        .outputTokensPerSPerChip;
    case "server-output-tokens-per-s-per-chip":
      // The Server search plays the simulator at rate after rate: cases with the same scenario and
      // overrides (the same deployment published twice) share one search.
      hit.serverPerChip ??= serverMetric(e, hit.scenario);
      return hit.serverPerChip;
    case "server-p99-ttft-ms-at-rate":
      return atRate(spec, hit).ttftS * 1000;
    case "server-p99-tpot-ms-at-rate":
      return atRate(spec, hit).tpotS * 1000;
    case "prefill-ttft-ratio-with-prefix-reuse":
      hit.prefixReuse ??= prefixReuseRuns(hit.scenario);
      return hit.prefixReuse.withReuse.ttftS.p50 / hit.prefixReuse.withoutReuse.ttftS.p50;
    default: {
      const never: never = metric;
      return never;
    }
  }
}

/** The run at the case's submitted rate, once per scenario, overrides and rate (its TTFT and TPOT cases share it). */
function atRate(spec: EndToEndCaseSpec, hit: CachedEstimate): ServerRun {
  const rate = spec.serverRate;
  if (rate === undefined)
    throw new SupernodeError(
      "invalid-value",
      `reference case ${spec.id}: metric ${spec.metric} needs serverRate {queriesPerS, chips} (the submitted target_qps and the system's accelerators)`,
      { file: FILE, fieldPath: ["cases", spec.id, "serverRate"] },
    );
  const key = `${rate.queriesPerS}/${rate.chips}/${rate.queries ?? ""}`;
  hit.atRate ??= new Map();
  let run = hit.atRate.get(key);
  if (run === undefined) {
    run = serverRunAtRate(hit.scenario, {
      queriesPerS: rate.queriesPerS,
      chips: rate.chips,
      ...(rate.queries !== undefined ? { queries: rate.queries } : {}),
    });
    hit.atRate.set(key, run);
  }
  return run;
}

/** Estimates memoised per scenario and overrides, so cases sharing a scenario estimate it once. */
interface CachedEstimate {
  readonly e: Estimate;
  readonly chipsPerNode: number;
  readonly scenario: Scenario;
  /** The workload's prompt and output lengths when both are fixed. */
  readonly fixedLengths?: { readonly prompt: number; readonly output: number };
  /** The Server metric's output tokens/s per chip, once searched for this scenario and overrides. */
  serverPerChip?: number;
  /** The scenario simulated with its prefix reuse and without, once for this scenario and overrides. */
  prefixReuse?: PrefixReuseRuns;
  /** Runs at submitted rates (`queriesPerS/chips`), once each for this scenario and overrides. */
  atRate?: Map<string, ServerRun>;
}
export type EstimateCache = Map<string, CachedEstimate>;

/**
 * The scenario of an end-to-end case, with its overrides, parsed (not estimated).
 * @example endToEndCaseScenario(endToEndCaseSpecs()[0]!).system.id // "cloudmatrix384"
 */
export function endToEndCaseScenario(spec: EndToEndCaseSpec): Scenario {
  return scenarioOfCase(spec);
}

/**
 * One end-to-end case, predicted by the step model.
 * @example predictEndToEndCase(endToEndCaseSpecs()[0]!, new Map()).predicted
 */
export function predictEndToEndCase(
  spec: EndToEndCaseSpec,
  cache: EstimateCache = new Map(),
): EndToEndReferenceCase {
  const done = predictions.get(spec);
  if (done !== undefined) return done;
  const predicted = predictCase(spec, cache);
  predictions.set(spec, predicted);
  return predicted;
}

/**
 * Each case's prediction, once per process and spec object: the built-in cases (the same objects
 * from every `endToEndCaseSpecs()` call) and the code that predicts them do not change, so
 * `validate`, `referenceTable`, the live reference candidates and a serving report share one
 * prediction per case instead of each estimating every case again (a test worker or the web app's
 * worker runs several of them). A failed prediction is not kept: it throws again.
 */
const predictions = new WeakMap<EndToEndCaseSpec, EndToEndReferenceCase>();

/**
 * Keeps a case's predicted value and operating point, computed in another process from the same
 * sources (end-to-end-parts.ts), as this process's prediction of `spec` unless it has one: the
 * comparison fields are the spec's own, as `predictEndToEndCase` makes them.
 */
export function adoptEndToEndPrediction(
  spec: EndToEndCaseSpec,
  predicted: number,
  point: OperatingPoint,
): void {
  if (!predictions.has(spec)) predictions.set(spec, scenarioCaseResult(spec, predicted, point));
}

function predictCase(spec: EndToEndCaseSpec, cache: EstimateCache): EndToEndReferenceCase {
  const key = scenarioCaseKey(spec);
  let hit = cache.get(key);
  if (hit === undefined) {
    const scenario = endToEndCaseScenario(spec);
    const prompt = scenario.workload?.promptTokens;
    const output = scenario.workload?.outputTokens;
    hit = {
      e: estimate(scenario),
      chipsPerNode: scenario.system.node.accelerator.count.value,
      scenario,
      ...(prompt?.kind === "fixed" &&
        output?.kind === "fixed" && { fixedLengths: { prompt: prompt.tokens, output: output.tokens } }),
    };
    cache.set(key, hit);
  }
  return scenarioCaseResult(
    spec,
    endToEndMetricValue(hit.e, spec, hit),
    operatingPoint(hit.scenario, metricPhase(spec.metric)),
  );
}

/**
 * Every end-to-end reference case, predicted by the step model; with `scenarios`, only the cases
 * that run one of those reference scenarios (the others are not predicted).
 * @example endToEndReferenceCases().find((c) => c.id === "cm384-106")?.predicted // ≈ 2,000 tokens/s per NPU
 */
export function endToEndReferenceCases(scenarios?: ReadonlySet<string>): EndToEndReferenceCase[] {
  const cache: EstimateCache = new Map();
  const specs = endToEndCaseSpecs();
  return (scenarios === undefined ? specs : specs.filter((s) => scenarios.has(s.scenario))).map((spec) =>
    predictEndToEndCase(spec, cache),
  );
}
