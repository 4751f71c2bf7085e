/**
 * Energy and cost figures of one phase of an estimate (facility power; docs/energy.md), each with
 * its delta against the pinned baseline.
 */
import { Kpi } from "../components/kpi.tsx";
import type { PhaseView } from "../worker/jobs/estimate-job.ts";

export function EnergyKpis({
  phase,
  baseline,
  baselineLabel,
}: {
  phase: PhaseView;
  baseline: PhaseView | undefined;
  baselineLabel: string;
}) {
  const e = phase.energy;
  const b = baseline?.energy;
  if (e === undefined) return null;
  return (
    <>
      <Kpi
        id={`${phase.role}-watts-per-chip`}
        label={`W per chip (facility; accelerator at ${(e.acceleratorFractionOfTdp * 100).toFixed(0)} % of TDP)`}
        value={e.wattsPerChip}
        unit="W"
        digits={0}
        baseline={b?.wattsPerChip}
        better="down"
        baselineLabel={baselineLabel}
      />
      {e.joulesPerToken !== undefined && (
        <Kpi
          id={`${phase.role}-joules-per-token`}
          label={`J per ${e.tokens} token`}
          value={e.joulesPerToken}
          unit="J"
          digits={3}
          baseline={b?.joulesPerToken}
          better="down"
          baselineLabel={baselineLabel}
        />
      )}
      <Kpi
        id={`${phase.role}-tokens-per-kw`}
        label="Tokens/s per kW"
        value={e.tokensPerSPerKW}
        digits={0}
        baseline={b?.tokensPerSPerKW}
        baselineLabel={baselineLabel}
      />
      {e.usdPerMillionTokens !== undefined ? (
        <Kpi
          id={`${phase.role}-usd-per-mtok`}
          label={`$ per million ${e.tokens} tokens`}
          value={e.usdPerMillionTokens}
          unit="USD"
          digits={3}
          baseline={b?.usdPerMillionTokens}
          better="down"
          baselineLabel={baselineLabel}
        />
      ) : (
        <div className="kpi" data-kpi={`${phase.role}-usd-per-mtok`}>
          <div className="kpi-label">$ per million tokens</div>
          <div className="kpi-value" title={e.missing.join("; ")}>
            no system price
          </div>
        </div>
      )}
    </>
  );
}
