/**
 * The validation summary as a table — per label (evidence, calibration, consistency), overall, per
 * kind and per vendor, duplicates counted once — in one renderer shared by `supernode validate`
 * and the README (scripts/readme-figures.mjs), so the figures quoted are the ones the tool prints.
 */
import {
  type ErrorSummary,
  type LabelSummary,
  VALIDATION_KINDS,
  VALIDATION_LABELS,
  type ValidationLabel,
} from "./validation-rows.ts";

export interface SummaryTableRow {
  readonly label: ValidationLabel;
  /** `all`, a kind (`operator`, `fabric`, `end-to-end`) or a vendor. */
  readonly scope: string;
  readonly summary: ErrorSummary;
}

/** The rows: for each label, all, each kind, each vendor (scopes with no case are left out). */
export function summaryTableRows(
  byLabel: Readonly<Record<ValidationLabel, LabelSummary>>,
): SummaryTableRow[] {
  const rows: SummaryTableRow[] = [];
  // The bounds have their own line (summarizeBounds), not an error median.
  for (const label of VALIDATION_LABELS.filter((l) => l !== "bound")) {
    const s = byLabel[label];
    rows.push({ label, scope: "all", summary: s });
    for (const k of VALIDATION_KINDS)
      if (s.byKind[k].cases > 0) rows.push({ label, scope: k, summary: s.byKind[k] });
    for (const [v, vs] of Object.entries(s.byVendor))
      if (vs.cases > 0) rows.push({ label, scope: v, summary: vs });
  }
  return rows;
}

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/**
 * The summary as a Markdown table.
 * @example summaryMarkdown(validate().summary.byLabel).split("\n")[0] // "| label | scope | cases | median |error| | max |error| | worst |"
 */
export function summaryMarkdown(byLabel: Readonly<Record<ValidationLabel, LabelSummary>>): string {
  const lines = [
    "| label | scope | cases | median \\|error\\| | max \\|error\\| | worst |",
    "| --- | --- | ---: | ---: | ---: | --- |",
  ];
  for (const r of summaryTableRows(byLabel))
    lines.push(
      `| ${r.label} | ${r.scope} | ${r.summary.cases} | ${pct(r.summary.medianAbsRelError)} | ${pct(r.summary.maxAbsRelError)} | ${r.summary.worst ?? ""} |`,
    );
  return lines.join("\n");
}
