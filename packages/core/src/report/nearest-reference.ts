/**
 * The published reference case nearest to an estimate (docs/validation.md, "Nearest reference
 * case"): for each result an estimate gives — decode tokens/s, TPOT, prefill tokens/s — the
 * end-to-end case of the same kind of metric whose operating point is closest (`pointDistance`:
 * vendor, chip, system and model mismatches, then batch and sequence length per factor of two),
 * with the model's error there and the case's label, so a user sees how far to trust the number.
 */

import type { Scenario } from "../deploy/index.ts";
import type { Estimate } from "../perf/index.ts";
import { type MetricPhase, type OperatingPoint, operatingPoint, pointDistance } from "./operating-point.ts";
import { liveReferenceCandidates, type ReferenceCandidate } from "./reference-table.ts";
import type { ValidationLabel, ValidationRow } from "./validation-rows.ts";

/**
 * The kind of an end-to-end result: a phase's throughput, decode latency, or the output tokens/s of
 * the offline (maximum-throughput) operating point, which mixes prefill and decode.
 */
export type ReferenceMetric = "decode-throughput" | "tpot" | "prefill-throughput" | "offline-throughput";

/** The kind of an end-to-end case's metric (`tpot-ms`, `decode-tokens-per-s-per-chip`, `offline-…`). */
export function referenceMetricOf(metric: string): ReferenceMetric {
  if (metric === "tpot-ms") return "tpot";
  if (metric.startsWith("offline")) return "offline-throughput";
  return metric.startsWith("prefill") ? "prefill-throughput" : "decode-throughput";
}

export interface NearestReference {
  /** Which result of the estimate this case stands beside. */
  readonly result: ReferenceMetric;
  readonly caseId: string;
  readonly description: string;
  readonly label: ValidationLabel;
  /** The group's first case (the case itself unless it duplicates another). */
  readonly group: string;
  readonly prediction: number;
  readonly published: number;
  readonly unit: string;
  /** The model's (prediction − published) / published on that case. */
  readonly relError: number;
  /** `pointDistance` from the estimate's operating point (0: same system, chip, model, batch, length). */
  readonly distance: number;
  /** How the case's operating point differs from the estimate's (empty when identical). */
  readonly differences: readonly string[];
}

const fmt = (x: number | undefined) => (x === undefined ? "?" : x.toLocaleString("en-US"));

/** Human-readable differences between the estimate's point `a` and the case's point `b`. */
function differences(a: OperatingPoint, b: OperatingPoint): string[] {
  const out: string[] = [];
  if (a.vendor !== b.vendor) out.push(`vendor ${b.vendor}, not ${a.vendor}`);
  if (a.system !== b.system) out.push(`system ${b.system}, not ${a.system}`);
  if (a.chip !== b.chip) out.push(`chip ${b.chip}, not ${a.chip}`);
  if (a.model !== b.model) out.push(`model ${b.model}, not ${a.model}`);
  const pair = (what: string, x: number | undefined, y: number | undefined) => {
    if (x !== y) out.push(`${what} ${fmt(y)}, not ${fmt(x)}`);
  };
  if (a.phase === "decode") {
    pair("batch per chip", a.batchPerChip, b.batchPerChip);
    pair("KV length", a.kvLength, b.kvLength);
  } else {
    pair("tokens per chip", a.tokensPerChip, b.tokensPerChip);
    pair("prompt length", a.promptLength, b.promptLength);
  }
  return out;
}

const LABEL_ORDER: readonly ValidationLabel[] = ["evidence", "calibration", "consistency"];

interface Candidate {
  readonly id: string;
  readonly metric: string;
  readonly point: OperatingPoint;
  readonly label: ValidationLabel;
}

/** The candidate of kind `result` nearest to `point`; ties go to evidence, then to the id. */
function nearest<C extends Candidate>(
  point: OperatingPoint,
  result: ReferenceMetric,
  candidates: readonly C[],
): { readonly c: C; readonly distance: number } | undefined {
  let best: { c: C; distance: number } | undefined;
  for (const c of candidates) {
    if (referenceMetricOf(c.metric) !== result) continue;
    const distance = pointDistance(point, c.point);
    if (!Number.isFinite(distance)) continue;
    const better =
      best === undefined ||
      distance < best.distance ||
      (distance === best.distance &&
        (LABEL_ORDER.indexOf(c.label) < LABEL_ORDER.indexOf(best.c.label) ||
          (c.label === best.c.label && c.id < best.c.id)));
    if (better) best = { c, distance };
  }
  return best;
}

/**
 * The nearest end-to-end case of kind `result` to `point` among validation `rows` (rows that ran
 * and carry an operating point).
 * @example nearestReference(point, "tpot", validate({ kinds: ["end-to-end"] }).rows)?.caseId
 */
export function nearestReference(
  point: OperatingPoint,
  result: ReferenceMetric,
  rows: readonly ValidationRow[],
): NearestReference | undefined {
  const candidates = rows.flatMap((r) =>
    r.kind === "end-to-end" && r.point !== undefined && r.metric !== undefined && r.error === undefined
      ? [{ ...r, point: r.point, metric: r.metric }]
      : [],
  );
  const best = nearest(point, result, candidates);
  if (best === undefined) return undefined;
  const r = best.c;
  return {
    result,
    caseId: r.id,
    description: r.description,
    label: r.label,
    group: r.group,
    prediction: r.prediction,
    published: r.published,
    unit: r.unit,
    relError: r.relError,
    distance: best.distance,
    differences: differences(point, r.point),
  };
}

/** Results an estimate gives, with their phase. */
function wantedResults(e: Estimate): [MetricPhase, ReferenceMetric][] {
  const wanted: [MetricPhase, ReferenceMetric][] = [];
  if (e.prefill !== undefined) wanted.push(["prefill", "prefill-throughput"]);
  if (e.decode !== undefined) wanted.push(["decode", "decode-throughput"], ["decode", "tpot"]);
  if (e.offline !== undefined) wanted.push(["decode", "offline-throughput"]);
  return wanted;
}

/**
 * For each result of an estimate (decode tokens/s and TPOT, prefill tokens/s, offline output tokens/s), the nearest
 * published end-to-end case, its label and the model's error there. Only the chosen cases are
 * predicted (the others are parsed for their operating point); `candidates` may come from a table
 * computed beforehand (reference-table.ts) — the same cases, the same answer.
 * @example nearestReferences(scenario, estimate(scenario)).map((n) => `${n.result}: ${n.caseId} ${n.label}`)
 */
export function nearestReferences(
  scenario: Scenario,
  e: Estimate,
  candidates: readonly ReferenceCandidate[] = liveReferenceCandidates(),
): NearestReference[] {
  const out: NearestReference[] = [];
  for (const [phase, result] of wantedResults(e)) {
    const point = operatingPoint(scenario, phase);
    const best = nearest(point, result, candidates);
    if (best === undefined) continue;
    const c = best.c;
    const prediction = c.predict();
    out.push({
      result,
      caseId: c.id,
      description: c.description,
      label: c.label,
      group: c.group,
      prediction,
      published: c.published,
      unit: c.unit,
      relError: (prediction - c.published) / c.published,
      distance: best.distance,
      differences: differences(point, c.point),
    });
  }
  return out;
}
