/**
 * The nearest published reference case beside each estimate result (core's `nearestReferences`;
 * docs/validation.md, "Nearest reference case") as terminal lines.
 */
import type { NearestReference, ReferenceMetric } from "@supernode/core";

const RESULT_NAMES: Readonly<Record<ReferenceMetric, string>> = {
  "decode-throughput": "decode tokens/s",
  tpot: "TPOT",
  "prefill-throughput": "prefill tokens/s",
  "offline-throughput": "offline output tokens/s",
};

const signed = (x: number) => `${x >= 0 ? "+" : "−"}${Math.abs(x * 100).toFixed(1)} %`;

/** One block: a line per result, with the case, its label, the model's error there and how it differs. */
export function referenceLines(refs: readonly NearestReference[], failure?: string): string[] {
  const out = ["Nearest published reference (how far to trust these numbers; docs/validation.md):"];
  if (failure !== undefined) return [...out, `  not available: ${failure}`];
  if (refs.length === 0) return [...out, "  none of the same kind of metric"];
  for (const r of refs) {
    const dup = r.group !== r.caseId ? `, same measurement as ${r.group}` : "";
    const where =
      r.differences.length === 0 ? "same system, chip, model and operating point" : r.differences.join("; ");
    out.push(
      `  ${RESULT_NAMES[r.result]}: ${r.caseId} (${r.label}${dup}) — model error there ${signed(r.relError)}; distance ${r.distance.toFixed(1)}: ${where}`,
      `    ${r.description}`,
    );
  }
  return out;
}
