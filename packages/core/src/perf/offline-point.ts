/**
 * The offline (maximum-throughput) operating point of a colocated deployment: continuous batching
 * with chunked prefill, every request available, fixed mean prompt length I and output length O.
 * For a batch of B sequences per instance, one generation of the batch costs
 *
 *   B·I / C prefill chunks of C tokens (the scheduler's budget) + (O − 1) / τ decode steps of B
 *   sequences at the mean KV length I + O/2   (τ: tokens per step with MTP or a draft model)
 *
 * and delivers B·O output tokens. The search tries batches from one sequence per chip up to what
 * the KV cache holds without preemption (B · (I + O + block) tokens) or `maxSequencesPerInstance`,
 * keeps those meeting `slo.tpotS` (mean time between output tokens), and reports the one with the
 * most output tokens/s. It uses the same `InstancePerformance` the serving simulator runs, so a
 * closed loop at the chosen concurrency measures the same operating point.
 */
import type { InstancePlan } from "../deploy/plan.ts";
import type { Scenario } from "../deploy/scenario.ts";
import { SupernodeError } from "../spec/errors.ts";
import type { InstancePerformance } from "./instance-performance.ts";
import { instancePerformance } from "./step-instance-performance.ts";

export interface OfflinePoint {
  readonly sequencesPerInstance: number;
  readonly batchPerChip: number;
  /** One generation of the whole batch: prefill chunks and decode steps. */
  readonly prefillS: number;
  readonly decodeS: number;
  readonly decodeStepS: number;
  /** Mean time between output tokens of a sequence (decode steps and the prefill chunks between them). */
  readonly tpotS: number;
  readonly outputTokensPerSPerInstance: number;
  readonly outputTokensPerSPerChip: number;
  readonly inputTokensPerSPerChip: number;
}

export interface OfflineEstimate {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly chunkTokens: number;
  readonly kvCacheCapacityTokens: number;
  readonly best: OfflinePoint;
  /** What stopped the batch from growing: the KV cache, the TPOT SLO or `maxSequencesPerInstance`. */
  readonly limit: "kv-cache" | "slo-tpot" | "max-sequences" | "throughput";
  /** The batches tried (a geometric grid), for plots. */
  readonly candidates: readonly OfflinePoint[];
}

/** Throughput of one batch size at the offline point. */
function offlinePoint(
  perf: InstancePerformance,
  sequences: number,
  chips: number,
  prompt: number,
  output: number,
  chunk: number,
): OfflinePoint {
  const tau = perf.meanTokensPerDecodeStep;
  const promptTokens = sequences * prompt;
  const fullChunks = Math.floor(promptTokens / chunk);
  const rest = promptTokens - fullChunks * chunk;
  const pairsPerToken = (prompt + 1) / 2;
  const chunkS = (tokens: number) =>
    tokens > 0
      ? perf.prefillStepS({
          sequences: Math.max(1, tokens / prompt),
          newTokens: tokens,
          attendedTokenPairs: tokens * pairsPerToken,
        })
      : 0;
  const prefillS = fullChunks * chunkS(chunk) + chunkS(rest);
  const decodeStepS = perf.decodeStepS({ sequences, kvTokens: sequences * (prompt + output / 2) });
  const steps = Math.max(0, output - 1) / tau;
  const decodeS = steps * decodeStepS;
  const total = prefillS + decodeS;
  const perInstance = (sequences * output) / total;
  return {
    sequencesPerInstance: sequences,
    batchPerChip: sequences / chips,
    prefillS,
    decodeS,
    decodeStepS,
    tpotS: steps > 0 ? total / (steps * tau) : decodeStepS,
    outputTokensPerSPerInstance: perInstance,
    outputTokensPerSPerChip: perInstance / chips,
    inputTokensPerSPerChip: (sequences * prompt) / total / chips,
  };
}

/** Batch sizes (multiples of `unit`) on a 5 % geometric grid up to `max`, `max` included. */
function batchGrid(unit: number, max: number): number[] {
  const out: number[] = [];
  let b = unit;
  while (b < max) {
    out.push(b);
    b = Math.max(b + unit, Math.ceil((b * 1.05) / unit) * unit);
  }
  out.push(max);
  return out;
}

/**
 * Searches the batch of the offline point of a scenario with an `offline` section.
 * @example offlineSearch(scenario).best.outputTokensPerSPerChip
 */
export function offlineSearch(scenario: Scenario): OfflineEstimate {
  const offline = scenario.offline;
  const plan = scenario.deployment.colocated;
  if (offline === undefined || plan === undefined)
    throw new SupernodeError(
      "usage",
      "offlineSearch needs a scenario with an offline section and a colocated group",
      {
        file: scenario.fileName,
        fieldPath: ["offline"],
      },
    );
  const serving = scenario.serving;
  const chunk = serving?.scheduler.maxBatchTokens ?? 16384;
  const block = serving?.kvCache.blockTokens ?? 128;
  const usable = serving?.kvCache.usableFraction ?? 1;
  const perf = instancePerformance(scenario, "colocated");
  const capacity = Math.floor(perf.kvCacheCapacityTokens * usable);
  const prompt = offline.promptTokens;
  const output = offline.outputTokens;
  // Batches whose sequences divide over every attention-DP group and whole chips.
  const dp = (plan.pipeline?.stage ?? plan).attention.dp;
  const unit = lcm(plan.chipsPerInstance, dp);
  const kvMax = Math.floor(capacity / (prompt + output + block) / unit) * unit;
  const cap =
    offline.maxSequencesPerInstance !== undefined
      ? Math.floor(offline.maxSequencesPerInstance / unit) * unit
      : Number.POSITIVE_INFINITY;
  const max = Math.min(kvMax, cap);
  if (max < unit)
    throw new SupernodeError(
      "infeasible",
      `the offline point does not fit: the KV cache holds ${capacity.toLocaleString("en-US")} tokens, less than ${unit} sequences × ${prompt + output + block} tokens (prompt + output + a block)`,
      { file: scenario.fileName, fieldPath: ["offline"] },
    );
  const candidates = batchGrid(unit, max).map((b) =>
    offlinePoint(perf, b, plan.chipsPerInstance, prompt, output, chunk),
  );
  const slo = offline.slo?.tpotS;
  const meets = candidates.filter((c) => slo === undefined || c.tpotS <= slo);
  if (meets.length === 0)
    throw new SupernodeError(
      "infeasible",
      `no batch meets offline.slo.tpotS ${(slo ?? 0) * 1e3} ms: the smallest (${unit} sequences) takes ${((candidates[0]?.tpotS ?? 0) * 1e3).toFixed(1)} ms per token`,
      { file: scenario.fileName, fieldPath: ["offline", "slo", "tpotS"] },
    );
  let best = meets[0] as OfflinePoint;
  for (const c of meets) if (c.outputTokensPerSPerInstance > best.outputTokensPerSPerInstance) best = c;
  const largest = meets[meets.length - 1] as OfflinePoint;
  const limit =
    best !== largest
      ? "throughput"
      : meets.length < candidates.length
        ? "slo-tpot"
        : max === kvMax
          ? "kv-cache"
          : "max-sequences";
  return {
    promptTokens: prompt,
    outputTokens: output,
    chunkTokens: chunk,
    kvCacheCapacityTokens: capacity,
    best,
    limit,
    candidates,
  };
}

function lcm(a: number, b: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  return (a / gcd(a, b)) * b;
}

/**
 * The scenario with its colocated group at `sequencesPerInstance` (the offline search's choice).
 * @example atOfflineBatch(scenario, offlineSearch(scenario).best.sequencesPerInstance).deployment.colocated?.batchPerChip
 */
export function atOfflineBatch(scenario: Scenario, sequencesPerInstance: number): Scenario {
  const plan = scenario.deployment.colocated;
  if (plan === undefined) return scenario;
  const batchPerChip = sequencesPerInstance / plan.chipsPerInstance;
  const pipeline = plan.pipeline;
  const next: InstancePlan = {
    ...plan,
    batchPerChip,
    ...(pipeline !== undefined
      ? {
          pipeline: {
            ...pipeline,
            stage: { ...pipeline.stage, batchPerChip: batchPerChip * pipeline.stages },
          },
        }
      : {}),
  };
  return { ...scenario, deployment: { ...scenario.deployment, colocated: next } };
}
