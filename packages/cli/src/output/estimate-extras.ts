/**
 * Terminal lines for the parts of an estimate that only some scenarios have: pipeline stages
 * (stage times, bubble, inter-stage transfers), offload (host-link transfers per layer), a
 * speculative draft model, the offline batch search, and a disaggregated deployment's rate-matched pools.
 */
import type { DisaggregatedThroughput, InstanceStep, OfflineEstimate } from "@supernode/core";
import { enUs } from "./locale-number.ts";

const us = (s: number) => `${enUs(s * 1e6, 0)} µs`;
const ms = (s: number) => `${enUs(s * 1e3, 2)} ms`;
const num = (x: number) => enUs(x, 0);
const mb = (b: number) => `${enUs(b / 1e6, 2)} MB`;

/** Pipeline, offload and draft-model lines of one phase's step (empty when it has none). */
export function stepExtraLines(step: InstanceStep): string[] {
  const out: string[] = [];
  const p = step.pipeline;
  if (p !== undefined) {
    out.push(
      `Pipeline: ${p.stages} stages (layers ${p.layersPerStage.join(" + ")}), ${p.microbatches} microbatches in flight`,
      `  stage time per microbatch: ${p.stageTimesS.map(ms).join(" · ")}`,
    );
    for (const x of p.transfers)
      out.push(
        `  inter-stage transfer ${x.fromStage}→${x.toStage} over ${x.over}: ${mb(x.bytesPerRank)} per rank, send ${us(x.sendS)}${x.allGatherS > 0 ? ` + all-gather ${us(x.allGatherS)}` : ""} per microbatch`,
      );
    if (p.returnS > 0) out.push(`  sampled tokens back to stage 0: ${us(p.returnS)}`);
    out.push(
      `  one microbatch through all stages ${ms(p.loopS)} · ${p.microbatches} × slowest stage ${ms(p.occupancyS)} → step ${ms(p.cycleS)}${p.latencyS !== p.cycleS ? ` (first token after ${ms(p.latencyS)})` : ""}`,
      `  pipeline bubble: ${ms(p.bubbleS)} per step = ${(p.bubbleFraction * 100).toFixed(1)} % of each stage's time idle`,
    );
  }
  const o = step.offload;
  if (o !== undefined) {
    out.push(`Offload over ${o.link}:`);
    for (const l of o.perLayer)
      out.push(
        `  ${l.kind} layer: compute ${us(l.computeS)} · weights in ${us(l.weightsTransferS)} · KV in ${us(l.kvTransferS)} → ${us(Math.max(l.computeS, l.weightsTransferS + l.kvTransferS))}`,
      );
    out.push(`  transfer time not hidden behind compute: ${ms(o.exposedS)} per pass of all layers`);
  }
  const d = step.draft;
  if (d !== undefined)
    out.push(
      `Draft model ${d.model}: ${d.passes} passes × ${ms(d.passS)} = ${ms(d.timeS)} per step (per microbatch)`,
    );
  return out;
}

/** The offline search's result. */
export function offlineLines(o: OfflineEstimate, chips: number): string[] {
  const b = o.best;
  return [
    `Offline (maximum throughput): ${num(o.promptTokens)}-token prompts, ${num(o.outputTokens)}-token outputs, prefill chunks of ${num(o.chunkTokens)} tokens`,
    ...(o.lengths !== undefined
      ? [
          `  lengths: decode context ${num(o.lengths.decodeContext)} tokens per sequence (over generated tokens), ${o.kvTokensPerSequence === o.lengths.reservation ? `KV reserved ${num(o.lengths.reservation)}` : `KV held ${num(o.kvTokensPerSequence)} (max-utilization)`} tokens per sequence in flight`,
        ]
      : []),
    `  best batch ${num(b.sequencesPerInstance)} sequences per instance (${enUs(b.batchPerChip, 3)} per chip; limited by ${o.limit}; KV cache ${num(o.kvCacheCapacityTokens)} tokens; ${o.candidates.length} batches tried)`,
    `  ${num(b.outputTokensPerSPerChip)} output tokens/s per chip (${num(b.outputTokensPerSPerInstance)} per ${chips}-chip instance) · ${num(b.inputTokensPerSPerChip)} input tokens/s per chip`,
    `  per generation of the batch: mixed prefill + decode iterations ${ms(b.prefillS)} + decode-only steps ${ms(b.decodeS)} (${ms(b.decodeStepS)} per step); mean time between tokens ${ms(b.tpotS)}`,
    ...(b.run !== undefined
      ? [
          b.run.pipelined !== undefined
            ? `  finite run of ${num(b.run.requests)} requests queued at once: ${ms(b.run.durationS)} (${num(b.run.pipelined.iterations)} iterations, whole prompts admitted as the token budget allows, at most ${num(b.run.pipelined.peakSequences)} sequences at once; ${num(b.run.pipelined.promptIterations)} iterations admitting prompts ${ms(b.run.pipelined.promptIterationsS)}, decode-only ${ms(b.run.durationS - b.run.pipelined.promptIterationsS)})`
            : `  finite run of ${num(b.run.requests)} requests queued at once: ${ms(b.run.durationS)} (${num(Math.floor(b.run.requests / b.sequencesPerInstance))} generations of the batch, then ${num(b.run.tailSequences)} sequences at the end)`,
        ]
      : []),
  ];
}

/** Both pools of a disaggregated deployment, rate-matched: output tokens/s per chip of both. */
export function disaggregatedLines(d: DisaggregatedThroughput): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(0)} %`;
  const perS = (x: number) => enUs(x, 1);
  return [
    `Disaggregated, both pools (${num(d.prefillChips)} prefill + ${num(d.decodeChips)} decode chips; ${num(d.promptTokens)}-token prompts, ${num(d.outputTokens)}-token outputs):`,
    `  ${num(d.outputTokensPerSPerChip)} output tokens/s per chip of both pools (${num(d.outputTokensPerS)} in all) · bound by ${d.bound}: prefill takes ${perS(d.prefillRequestsPerS)} requests/s, decode finishes ${perS(d.decodeRequestsPerS)} (prefill busy ${pct(d.prefillUtilization)}, decode busy ${pct(d.decodeUtilization)}; no queueing, KV transfer overlapped)`,
  ];
}
