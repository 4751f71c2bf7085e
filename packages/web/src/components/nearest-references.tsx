/**
 * How far to trust a phase's figures: for each of them, the nearest published end-to-end case
 * (core's `nearestReferences`), the model's error there, its label (evidence, calibration,
 * consistency) and how its operating point differs — with a link to the case in Validate.
 */
import type { NearestReference } from "@supernode/core";
import { formatHash } from "../app/route.ts";

const RESULT_LABEL: Record<NearestReference["result"], string> = {
  "decode-throughput": "Output tokens/s",
  tpot: "TPOT",
  "prefill-throughput": "Prefill tokens/s",
  "offline-throughput": "Offline output tokens/s",
};

function errorClass(relError: number): string {
  const e = Math.abs(relError);
  return e <= 0.1 ? "good" : e <= 0.25 ? "warn" : "bad";
}

export function NearestReferences({ references }: { references: readonly NearestReference[] | undefined }) {
  if (references === undefined) return null;
  if (references.length === 0)
    return <p className="hint warn">No published end-to-end case of this kind to compare with.</p>;
  return (
    <ul className="nearest-references" aria-label="Nearest published reference cases">
      {references.map((r) => {
        const sign = r.relError > 0 ? "+" : "";
        const link = formatHash("validate", new URLSearchParams({ q: r.caseId }));
        return (
          <li key={r.result} data-reference={r.result} data-case={r.caseId}>
            <span className="ref-what">{RESULT_LABEL[r.result]}:</span>{" "}
            {r.distance === 0 ? "the same operating point as" : "nearest"} published case{" "}
            <a href={link} title={r.description}>
              {r.caseId}
            </a>{" "}
            <span className={`check-badge ${r.label === "evidence" ? "evidence" : "construction"}`}>
              {r.label}
            </span>{" "}
            — model error there{" "}
            <strong className={errorClass(r.relError)} data-field="ref-error">
              {sign}
              {(r.relError * 100).toFixed(1)}%
            </strong>{" "}
            ({r.prediction.toLocaleString("en-US", { maximumSignificantDigits: 4 })} predicted vs{" "}
            {r.published.toLocaleString("en-US", { maximumSignificantDigits: 4 })} {r.unit} published)
            {r.differences.length > 0 && (
              <span className="ref-diff">; differs: {r.differences.join("; ")}</span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
