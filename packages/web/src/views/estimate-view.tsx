/**
 * Estimate: choose system, model, precision and deployment (knobs or the YAML itself); see the
 * step-time breakdown as stacked bars, TPOT/TTFT, tokens/s per chip, memory per chip and the
 * bound — and, after changing one knob, the delta against the previous result.
 */
import { useMemo, useRef, useState } from "react";
import type { ViewProps } from "../app/app.tsx";
import { EXAMPLE_SCENARIOS } from "../app/examples.ts";
import type { Role } from "../app/scenario-doc.ts";
import { useCatalog } from "../app/use-catalog.ts";
import { useScenario } from "../app/use-scenario.ts";
import { Chart } from "../components/chart.tsx";
import { JobStatus } from "../components/job-status.tsx";
import { Kpi } from "../components/kpi.tsx";
import { ScenarioEditor } from "../components/scenario-editor.tsx";
import { ScenarioKnobs } from "../components/scenario-knobs.tsx";
import type { EstimateView as EstimateResult, PhaseView } from "../worker/jobs/estimate-job.ts";
import { lastValue, useJob } from "../worker/use-job.ts";
import { breakdownChart, memoryChart } from "./estimate-charts.ts";

const DEFAULT_ESTIMATE_EXAMPLE = "cloudmatrix384-deepseek-r1-decode.yaml";

/** The previous distinct result, kept as the baseline of the deltas. */
function useBaseline(result: EstimateResult | undefined): EstimateResult | undefined {
  const last = useRef<{ current?: EstimateResult; baseline?: EstimateResult }>({});
  if (result !== last.current.current) {
    last.current = { current: result, baseline: last.current.current };
  }
  return last.current.baseline;
}

/** Energy and cost beside the throughput figures (facility power; docs/energy.md). */
function EnergyKpis({ phase, baseline }: { phase: PhaseView; baseline: PhaseView | undefined }) {
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
        />
      )}
      <Kpi
        id={`${phase.role}-tokens-per-kw`}
        label="Tokens/s per kW"
        value={e.tokensPerSPerKW}
        digits={0}
        baseline={b?.tokensPerSPerKW}
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

/** The power and cost assumptions, each with its evidence tag and first source. */
function EnergyAssumptions({ rows }: { rows: EstimateResult["energyAssumptions"] }) {
  return (
    <section className="panel" aria-label="Power and cost assumptions">
      <details>
        <summary>Power and cost assumptions ({rows.length})</summary>
        <table className="data">
          <thead>
            <tr>
              <th scope="col">id</th>
              <th scope="col">what</th>
              <th scope="col">value</th>
              <th scope="col">evidence</th>
              <th scope="col">source</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((a) => (
              <tr key={a.id} data-assumption={a.id}>
                <th scope="row" className="left">
                  {a.id}
                </th>
                <td className="left">{a.label}</td>
                <td>
                  {a.value.toLocaleString("en-US", { maximumSignificantDigits: 4 })} {a.unit}
                </td>
                <td>{a.tag}</td>
                <td className="left">
                  {a.url !== undefined && /^https?:/.test(a.url) ? (
                    <a href={a.url} target="_blank" rel="noreferrer">
                      {a.source}
                    </a>
                  ) : (
                    a.source
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}

function PhaseResult({ phase, baseline }: { phase: PhaseView; baseline: PhaseView | undefined }) {
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
        />
        <Kpi
          id={`${phase.role}-tokens-per-chip`}
          label={phase.role === "prefill" ? "Prefill tokens/s per chip" : "Output tokens/s per chip"}
          value={phase.tokensPerSPerChip}
          digits={0}
          baseline={baseline?.tokensPerSPerChip}
        />
        <Kpi
          id={`${phase.role}-tokens-per-instance`}
          label="Tokens/s per instance"
          value={phase.tokensPerSPerInstance}
          digits={0}
          baseline={baseline?.tokensPerSPerInstance}
        />
        {phase.energy !== undefined && <EnergyKpis phase={phase} baseline={baseline} />}
        <Kpi
          id={`${phase.role}-step`}
          label="Step time"
          value={phase.stepS * 1e3}
          unit="ms"
          baseline={baseline === undefined ? undefined : baseline.stepS * 1e3}
          better="down"
        />
        <Kpi
          id={`${phase.role}-memory`}
          label={`Memory per chip (of ${(phase.memoryCapacityBytes / 1e9).toFixed(0)} GB)`}
          value={usedBytes / 1e9}
          unit="GB"
          baseline={baseUsed === undefined ? undefined : baseUsed / 1e9}
          better="down"
        />
        <div className="kpi" data-kpi={`${phase.role}-bound`}>
          <div className="kpi-label">Bound</div>
          <div className="kpi-value">{phase.bound}</div>
        </div>
      </div>
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
              <tr key={b.id}>
                <th scope="row" className="left">
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

export function EstimateView({ params, setParams }: ViewProps) {
  const catalog = useCatalog();
  const scenario = useScenario(params, setParams, DEFAULT_ESTIMATE_EXAMPLE);
  const [role, setRole] = useState<Role | undefined>(undefined);
  const state = useJob({ kind: "estimate", text: scenario.committedText, fileName: scenario.fileName });
  const result = lastValue(state);
  const shown = state.status === "error" ? undefined : result;
  const baseline = useBaseline(result);
  const charts = useMemo(
    () =>
      shown === undefined
        ? undefined
        : { breakdown: breakdownChart(shown.phases), memory: memoryChart(shown.phases) },
    [shown],
  );
  return (
    <div className="split estimate-view">
      <div>
        <section className="panel" aria-label="Knobs">
          <h2>Settings</h2>
          <ScenarioKnobs
            text={scenario.text}
            onChange={(t) => scenario.setText(t)}
            catalog={catalog}
            role={role}
            onRole={setRole}
          />
        </section>
        <section className="panel" aria-label="Scenario">
          <ScenarioEditor
            text={scenario.text}
            fileName={scenario.fileName}
            examples={EXAMPLE_SCENARIOS}
            onChange={(t, name) => scenario.setText(t, name)}
          />
        </section>
      </div>
      <div>
        <JobStatus state={state} runningText="Estimating…" />
        {shown !== undefined && charts !== undefined && (
          <div className={state.status === "running" ? "stale" : undefined}>
            <section className="panel" aria-label="Scenario summary">
              <h2>{shown.name}</h2>
              <p className="hint">
                {shown.system} · {shown.model} · {shown.precision}
                {shown.source !== undefined && (
                  <>
                    {" · "}
                    <a href={shown.source.url} target="_blank" rel="noreferrer">
                      {shown.source.title}
                    </a>
                    {shown.source.section !== undefined && ` (${shown.source.section})`}
                  </>
                )}
              </p>
              {shown.defaulted.length > 0 && (
                <p className="hint warn">
                  Parameters from documented defaults: {shown.defaulted.join(", ")}.
                </p>
              )}
            </section>
            {shown.phases.map((p) => (
              <PhaseResult
                key={p.role}
                phase={p}
                baseline={baseline?.phases.find((b) => b.role === p.role)}
              />
            ))}
            {shown.energyAssumptions.length > 0 && <EnergyAssumptions rows={shown.energyAssumptions} />}
            <div>
              <section className="panel" aria-label="Step-time breakdown">
                <h2>Step-time breakdown (ms per step)</h2>
                <Chart
                  option={charts.breakdown}
                  label="Step-time breakdown by operator group"
                  height={130 + 50 * shown.phases.length}
                />
                <p className="hint">Stacked: work per step by part; dashed outline: the step time.</p>
              </section>
              <section className="panel" aria-label="Memory per chip">
                <h2>Memory per chip (GB)</h2>
                <Chart
                  option={charts.memory}
                  label="Memory per chip"
                  height={130 + 50 * shown.phases.length}
                />
              </section>
            </div>
          </div>
        )}
      </div>
    </div>
  );
}
