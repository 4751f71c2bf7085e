/**
 * One phase of an estimate (prefill, decode or colocated): the headline figures with their deltas
 * against the baseline, the nearest published reference case and the model's error there, the
 * expert imbalance and overlap, and the breakdown table.
 */

import { Kpi } from "../components/kpi.tsx";
import { NearestReferences } from "../components/nearest-references.tsx";
import type { PhaseView } from "../worker/jobs/estimate-job.ts";
import { partColor } from "./estimate-charts.ts";
import { EnergyKpis } from "./estimate-energy-kpis.tsx";

export function PhaseResult({
  phase,
  baseline,
  baselineLabel,
}: {
  phase: PhaseView;
  baseline: PhaseView | undefined;
  baselineLabel: string;
}) {
  const usedBytes = phase.memory.filter((m) => m.id !== "free").reduce((s, m) => s + m.bytes, 0);
  const baseUsed = baseline?.memory.filter((m) => m.id !== "free").reduce((s, m) => s + m.bytes, 0);
  return (
    <section className="panel" aria-label={`${phase.role} results`} data-phase={phase.role}>
      <h2>
        {phase.role[0]?.toUpperCase()}
        {phase.role.slice(1)}: {phase.instances} × {phase.chipsPerInstance} chips ({phase.ranksPerInstance}{" "}
        ranks)
        <span className="view-subtitle">{phase.operatingPoint}</span>
      </h2>
      <div className="kpis">
        <Kpi
          id={`${phase.role}-latency`}
          label={phase.latencyLabel === "TPOT" ? "TPOT" : "TTFT (full prefill iteration)"}
          value={phase.latencyS * 1e3}
          unit="ms"
          baseline={baseline === undefined ? undefined : baseline.latencyS * 1e3}
          better="down"
          baselineLabel={baselineLabel}
        />
        <Kpi
          id={`${phase.role}-tokens-per-chip`}
          label={phase.role === "prefill" ? "Prefill tokens/s per chip" : "Output tokens/s per chip"}
          value={phase.tokensPerSPerChip}
          digits={0}
          baseline={baseline?.tokensPerSPerChip}
          baselineLabel={baselineLabel}
        />
        <Kpi
          id={`${phase.role}-tokens-per-instance`}
          label="Tokens/s per instance"
          value={phase.tokensPerSPerInstance}
          digits={0}
          baseline={baseline?.tokensPerSPerInstance}
          baselineLabel={baselineLabel}
        />
        {phase.energy !== undefined && (
          <EnergyKpis phase={phase} baseline={baseline} baselineLabel={baselineLabel} />
        )}
        <Kpi
          id={`${phase.role}-step`}
          label="Step time"
          value={phase.stepS * 1e3}
          unit="ms"
          baseline={baseline === undefined ? undefined : baseline.stepS * 1e3}
          better="down"
          baselineLabel={baselineLabel}
        />
        <Kpi
          id={`${phase.role}-memory`}
          label={`Memory per chip (of ${(phase.memoryCapacityBytes / 1e9).toFixed(0)} GB)`}
          value={usedBytes / 1e9}
          unit="GB"
          baseline={baseUsed === undefined ? undefined : baseUsed / 1e9}
          better="down"
          baselineLabel={baselineLabel}
        />
        <div className="kpi" data-kpi={`${phase.role}-bound`}>
          <div className="kpi-label">Bound</div>
          <div className="kpi-value">{phase.bound}</div>
        </div>
      </div>
      <NearestReferences references={phase.references} />
      <p className="hint">
        Expert imbalance ×{phase.imbalance.factor.toFixed(2)} ({phase.imbalance.basis})
        {phase.overlapHiddenS > 0 &&
          `; microbatch overlap hides ${(phase.overlapHiddenS * 1e3).toFixed(1)} ms of the ${(
            (phase.stepS + phase.overlapHiddenS) * 1e3
          ).toFixed(1)} ms of work per step`}
        .
      </p>
      <details>
        <summary>Breakdown table</summary>
        <table className="data breakdown-table">
          <thead>
            <tr>
              <th scope="col">Part</th>
              <th scope="col">ms per step</th>
              <th scope="col">share of work</th>
            </tr>
          </thead>
          <tbody>
            {phase.breakdown.map((b) => (
              <tr key={b.id} data-part={b.id}>
                <th scope="row" className="left">
                  <span className="swatch" style={{ background: partColor(b.id) }} aria-hidden="true" />
                  {b.label}
                </th>
                <td>{(b.seconds * 1e3).toFixed(2)}</td>
                <td>{((b.seconds / (phase.stepS + phase.overlapHiddenS)) * 100).toFixed(1)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
