/**
 * The Validate view's summary: cases shown, the median and max |error| of those shown (core's
 * `summarizeValidation` rule; "—" when no case is shown, never a green 0.0 %), and core's figure
 * for all evidence cases.
 */
import type { ErrorSummary, ValidationReport } from "@supernode/core";
import { errorClass } from "./validate-table.tsx";

function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

export function ValidateSummary({
  shownRows,
  total,
  shown,
  report,
}: {
  shownRows: number;
  total: number;
  shown: ErrorSummary;
  report: ValidationReport["summary"];
}) {
  const none = shown.cases === 0;
  return (
    <div className="kpis" aria-live="polite">
      <div className="kpi" data-kpi="validate-shown" data-value={shownRows}>
        <div className="kpi-label">Cases shown</div>
        <div className="kpi-value">
          <span className="kpi-number">{shownRows}</span>
          <span className="kpi-unit">
            of {total}
            {report.failed > 0 && `; ${report.failed} failed to run`}
          </span>
        </div>
      </div>
      <div className="kpi" data-kpi="validate-median" data-value={shown.medianAbsRelError}>
        <div className="kpi-label">Median |error| of those shown</div>
        <div className="kpi-value">
          <span className={none ? "kpi-number" : `kpi-number ${errorClass(shown.medianAbsRelError)}`}>
            {none ? "—" : percent(shown.medianAbsRelError)}
          </span>
          <span className="kpi-unit">{shown.cases === shownRows ? "" : `over ${shown.cases} that ran`}</span>
        </div>
      </div>
      <div className="kpi" data-kpi="validate-max" data-value={shown.maxAbsRelError}>
        <div className="kpi-label">Max |error| of those shown</div>
        <div className="kpi-value">
          <span className={none ? "kpi-number" : `kpi-number ${errorClass(shown.maxAbsRelError)}`}>
            {none ? "—" : percent(shown.maxAbsRelError)}
          </span>
          <span className="kpi-unit mono">{shown.worst ?? ""}</span>
        </div>
      </div>
      <div className="kpi" data-kpi="validate-evidence">
        <div className="kpi-label">All evidence cases ({report.evidence.cases})</div>
        <div className="kpi-value">
          <span className="kpi-number">{percent(report.evidence.medianAbsRelError)}</span>
          <span className="kpi-unit">median; max {percent(report.evidence.maxAbsRelError)}</span>
        </div>
      </div>
    </div>
  );
}
