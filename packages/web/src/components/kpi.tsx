/**
 * A headline figure, with its change against a baseline when there is one; `baselineLabel` says
 * which (shown on hover and to screen readers). `better` says which direction is an improvement
 * (colours the delta).
 */
export function Kpi({
  label,
  value,
  unit,
  digits = 1,
  baseline,
  better = "up",
  id,
  baselineLabel = "the baseline",
}: {
  label: string;
  value: number;
  unit?: string;
  digits?: number;
  baseline?: number | undefined;
  better?: "up" | "down";
  id?: string;
  baselineLabel?: string;
}) {
  const delta =
    baseline === undefined || baseline === 0 || baseline === value ? undefined : value / baseline - 1;
  const good = delta !== undefined && (better === "up" ? delta > 0 : delta < 0);
  return (
    <div className="kpi" data-kpi={id} data-value={value}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">
        <span className="kpi-number">
          {value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}
        </span>
        {unit !== undefined && <span className="kpi-unit">{unit}</span>}
        {delta !== undefined && Math.abs(delta) >= 0.0005 && (
          <>
            <span className={`delta ${good ? "up" : "down"}`} title={`change against ${baselineLabel}`}>
              {delta > 0 ? "+" : ""}
              {(delta * 100).toFixed(1)}%
            </span>
            <span className="sr-only"> against {baselineLabel}</span>
          </>
        )}
      </div>
    </div>
  );
}
