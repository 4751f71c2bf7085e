/**
 * The offline (maximum-throughput) operating point of a colocated deployment: continuous batching
 * with chunked prefill, every request available, fixed mean prompt length I and output length O.
 * For a batch of B sequences per instance, one generation of the batch costs
 *
 *   B·I / c mixed iterations (c = C − q·B prefill tokens next to the decoding sequences, C the
 *   scheduler's token budget, q = 1 + draft tokens charged per decoding sequence)
 *   + ((O − 1) / τ + 1 − B·I / c) decode-only steps of B sequences at the mean KV length I + O/2
 *   (τ: tokens per step with MTP or a draft model; each sequence spends about one iteration in
 *   prefill)
 *
 * and delivers B·O output tokens. Mixed iterations are timed as the simulator times them
 * (`mixedStepS`: one pass over the prefill chunk and the decode tokens). The search tries batches from one sequence per chip up to what
 * the KV cache holds without preemption (B · (I + O + block) tokens) or `maxSequencesPerInstance`,
 * keeps those meeting `slo.tpotS` (mean time between output tokens), and reports the one with the
 * most output tokens/s. It uses the same `InstancePerformance` the serving simulator runs, so a
 * closed loop at the chosen concurrency measures the same operating point.
 *
 * With `offline.requests` = N the point is a finite run, as trtllm-bench `throughput` and MLPerf's
 * Offline scenario measure it: all N requests queued at once, admitted as the batch limits allow
 * (the largest batch B the search permits, not the best one), and throughput = N·O over the whole
 * run. With fixed lengths and chunked prefill the run is floor(N / B) generations of B followed by
 * one generation of the remaining N mod B sequences at that smaller batch (the drain), see
 * `finiteRun` (offline-finite-run.ts); with whole prompts (no chunking) admission is staggered and
 * the run is played iteration by iteration up to the engine's batch limit (offline-pipelined-run.ts).
 * The batch is also one the engine can hold: admitting it must take no longer than a sequence's
 * lifetime (`sustained`), else the prompts admitted per iteration, not the KV cache, bound the
 * population.
 */
import type { InstancePlan, Scenario } from "../deploy/index.ts";
import { SupernodeError } from "../spec/index.ts";
import { promptsPerRankUnchunked } from "./dp-prefill.ts";
import { finiteRun, pipelinedFiniteRun, withAdmissionBound } from "./offline-finite-run.ts";
import type { PipelinedRun } from "./offline-pipelined-run.ts";
import { instancePerformance, type StepInstancePerformance } from "./step-instance-performance.ts";

export interface OfflinePoint {
  readonly sequencesPerInstance: number;
  readonly batchPerChip: number;
  /** One generation of the whole batch: its mixed (prefill chunk + decode) iterations and its decode-only steps. */
  readonly prefillS: number;
  readonly decodeS: number;
  readonly decodeStepS: number;
  /** Mean time between output tokens of a sequence (decode steps and the prefill chunks between them). */
  readonly tpotS: number;
  /**
   * Whether the engine can hold this many sequences at once: admitting the batch takes its mixed
   * iterations (B·I / c), and a sequence lives about (O − 1)/τ + 1 iterations, so the first
   * sequences finish before the last enter when admission takes longer than a lifetime.
   */
  readonly sustained: boolean;
  readonly outputTokensPerSPerInstance: number;
  readonly outputTokensPerSPerChip: number;
  readonly inputTokensPerSPerChip: number;
  /** With `offline.requests`: the requests of the run and its duration (fill, full generations, drain). */
  readonly run?: {
    readonly requests: number;
    readonly durationS: number;
    readonly tailSequences: number;
    /** Whole prompts (no chunking): the run played iteration by iteration (offline-pipelined-run.ts). */
    readonly pipelined?: Omit<PipelinedRun, "durationS">;
  };
}

export interface OfflineEstimate {
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly chunkTokens: number;
  readonly kvCacheCapacityTokens: number;
  readonly best: OfflinePoint;
  /**
   * What stopped the batch from growing: the KV cache, the TPOT SLO, `maxSequencesPerInstance` (or a
   * finite run's requests), the scheduler's token budget (no room for prefill beside the decodes, or,
   * in a finite run, admission slower than a lifetime), or "throughput" (an open-ended search keeping
   * a smaller, faster batch).
   */
  readonly limit: "kv-cache" | "slo-tpot" | "max-sequences" | "token-budget" | "throughput";
  /** The batches tried (a geometric grid, with a finite run's exact admission bound), for plots. */
  readonly candidates: readonly OfflinePoint[];
}

/** What one batch size needs besides the step model: lengths, the token budget and decode tokens per step. */
interface OfflineShape {
  readonly chips: number;
  readonly prompt: number;
  readonly output: number;
  /** The scheduler's token budget per iteration. */
  readonly budget: number;
  /** Decode tokens per sequence per step charged to the budget (1 + draft tokens), 0 when not charged. */
  readonly decodeTokensCharged: number;
  /** Attention-DP ranks of the instance (each with budget / dp tokens) and whether prefill is chunked. */
  readonly dp: number;
  readonly chunked: boolean;
}

/** Throughput of one batch size at the offline point, or undefined when the budget leaves no room for prefill. */
function offlinePoint(
  perf: StepInstancePerformance,
  sequences: number,
  shape: OfflineShape,
): OfflinePoint | undefined {
  const { prompt, output, chips } = shape;
  const tau = perf.meanTokensPerDecodeStep;
  const kvMean = prompt + output / 2;
  // Prefill tokens in an iteration that also decodes: the budget less the decode tokens.
  const room = shape.budget - shape.decodeTokensCharged * sequences;
  if (room <= 0) return undefined;
  const chunk = prefillTokensPerIteration(room, shape);
  const prompts = chunk / prompt;
  const mixedS = perf.mixedStepS(
    { sequences: Math.max(1, prompts), newTokens: chunk, attendedTokenPairs: (chunk * (prompt + 1)) / 2 },
    { sequences: Math.max(0, sequences - prompts), kvTokens: Math.max(0, sequences - prompts) * kvMean },
  );
  // The decode-only step at exactly this batch (the grid interpolates across GEMM row tiles).
  const decodeStepS = perf.decodeStepExactS({ sequences, kvTokens: sequences * kvMean });
  const mixed = (sequences * prompt) / chunk;
  const steps = Math.max(0, output - 1) / tau;
  // Each sequence spends about one iteration in prefill and `steps` decoding.
  const plain = Math.max(0, steps + 1 - mixed);
  const prefillS = mixed * mixedS;
  const decodeS = plain * decodeStepS;
  const total = prefillS + decodeS;
  const perInstance = (sequences * output) / total;
  return {
    sequencesPerInstance: sequences,
    batchPerChip: sequences / chips,
    prefillS,
    decodeS,
    decodeStepS,
    tpotS: steps > 0 ? total / (steps * tau) : decodeStepS,
    sustained: mixed <= steps + 1 + 1e-9,
    outputTokensPerSPerInstance: perInstance,
    outputTokensPerSPerChip: perInstance / chips,
    inputTokensPerSPerChip: (sequences * prompt) / total / chips,
  };
}

/**
 * Prefill tokens of one mixed iteration on the instance. Chunked: the budget's room, spread evenly
 * over the attention-DP ranks (each fills its own chunk). Unchunked: each rank admits whole prompts
 * into its own budget (budget / dp less its decode tokens, at least one prompt) and all ranks do so
 * in the same iteration (identical lengths keep them in step), so the busiest rank runs those whole
 * prompts and the experts see dp times as many tokens (dp-prefill.ts).
 */
function prefillTokensPerIteration(room: number, shape: OfflineShape): number {
  if (shape.chunked) return room;
  const perRank = promptsPerRankUnchunked({
    rankBudgetTokens: shape.budget / shape.dp,
    rankDecodeTokens: (shape.budget - room) / shape.dp,
    promptTokens: shape.prompt,
  });
  return perRank * shape.prompt * shape.dp;
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
  const requests = offline.requests;
  // A finite run never holds more sequences than it has requests.
  const runCap =
    requests !== undefined ? Math.max(unit, Math.floor(requests / unit) * unit) : Number.POSITIVE_INFINITY;
  const max = Math.min(kvMax, cap, runCap);
  if (max < unit)
    throw new SupernodeError(
      "infeasible",
      `the offline point does not fit: the KV cache holds ${capacity.toLocaleString("en-US")} tokens, less than ${unit} sequences × ${prompt + output + block} tokens (prompt + output + a block)`,
      { file: scenario.fileName, fieldPath: ["offline"] },
    );
  const scheduler = serving?.scheduler;
  // Decode tokens count against the budget with or without chunking (TensorRT-LLM's max_num_tokens
  // counts context and generation tokens; its chunked prefill is off under trtllm-bench).
  const charged = (scheduler?.budgetCountsDecodes ?? true) ? 1 + (plan.mtp?.draftTokens ?? 0) : 0;
  const shape: OfflineShape = {
    chips: plan.chipsPerInstance,
    prompt,
    output,
    budget: chunk,
    decodeTokensCharged: charged,
    dp,
    chunked: scheduler?.chunkedPrefill ?? true,
  };
  const grid = batchGrid(unit, max);
  // Each batch's point is computed once: the admission bound, the candidates and the drains share them.
  const points = new Map<number, OfflinePoint | undefined>();
  const pointAt = (b: number): OfflinePoint | undefined => {
    if (!points.has(b)) points.set(b, offlinePoint(perf, b, shape));
    return points.get(b);
  };
  const generationS = (b: number): number | undefined => {
    const p = pointAt(b);
    return p === undefined ? undefined : p.prefillS + p.decodeS;
  };
  const candidates = withAdmissionBound(grid, unit, (b) => pointAt(b)?.sustained, requests)
    .map(pointAt)
    .map((c) => (c === undefined || requests === undefined ? c : finiteRun(c, requests, generationS, shape)))
    .filter((c): c is OfflinePoint => c !== undefined);
  if (candidates.length === 0)
    throw new SupernodeError(
      "infeasible",
      `the scheduler's token budget (${chunk} tokens, serving.scheduler.maxBatchTokens) leaves no room for prefill next to ${unit} decoding sequences; raise it`,
      { file: scenario.fileName, fieldPath: ["offline"] },
    );
  const slo = offline.slo?.tpotS;
  const meets = candidates.filter((c) => slo === undefined || c.tpotS <= slo);
  if (meets.length === 0)
    throw new SupernodeError(
      "infeasible",
      `no batch meets offline.slo.tpotS ${(slo ?? 0) * 1e3} ms: the smallest (${unit} sequences) takes ${((candidates[0]?.tpotS ?? 0) * 1e3).toFixed(1)} ms per token`,
      { file: scenario.fileName, fieldPath: ["offline", "slo", "tpotS"] },
    );
  // A finite run admits greedily (the engine fills its batch), but never holds more sequences than
  // its admission rate sustains: with whole prompts per iteration the scheduler's token budget,
  // less the decode tokens, caps the prompts admitted per iteration (TensorRT-LLM's max_num_tokens),
  // and a population that takes longer than one lifetime to admit never forms (the first
  // sequences finish first). Otherwise the best batch is kept.
  const sustained = meets.filter((c) => c.sustained);
  const held = requests !== undefined && sustained.length > 0 ? sustained : meets;
  const largest = held[held.length - 1] as OfflinePoint;
  const best =
    requests === undefined
      ? meets.reduce((b, c) => (c.outputTokensPerSPerInstance > b.outputTokensPerSPerInstance ? c : b))
      : shape.chunked
        ? largest
        : // Whole prompts: the run played iteration by iteration up to the engine's own limits.
          pipelinedFiniteRun(largest, requests, Math.min(kvMax, cap), perf, shape);
  const limit =
    best.sequencesPerInstance !== largest.sequencesPerInstance
      ? "throughput"
      : held.length < meets.length
        ? "token-budget"
        : meets.length < candidates.length
          ? "slo-tpot"
          : candidates.length < grid.length
            ? "token-budget"
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
