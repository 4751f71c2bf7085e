/**
 * Estimate: choose system, model, precision and deployment (knobs or the YAML itself); see the
 * step-time breakdown as stacked bars, TPOT/TTFT, tokens/s per chip, memory per chip and the
 * bound — and, after changing one knob, the delta against the previous result.
 */
import { useEffect, useMemo, useState } from "react";
import DEFAULT_TEXT from "../../../../examples/cloudmatrix384-deepseek-r1-decode.yaml?raw";
import type { ViewProps } from "../app/app.tsx";
import { EXAMPLES } from "../app/examples.ts";
import { encodeText, formatHash } from "../app/route.ts";
import type { Role } from "../app/scenario-doc.ts";
import { pinnedDocument, useBaseline } from "../app/use-baseline.ts";
import { useCatalog } from "../app/use-catalog.ts";
import { useScenario } from "../app/use-scenario.ts";
import { BaselineBar, baselineLabel } from "../components/baseline-bar.tsx";
import { Chart } from "../components/chart.tsx";
import { JobStatus } from "../components/job-status.tsx";
import { ScenarioEditor } from "../components/scenario-editor.tsx";
import { ScenarioKnobs } from "../components/scenario-knobs.tsx";
import type { EstimateView as EstimateResult } from "../worker/jobs/estimate-job.ts";
import { lastValue, useJob } from "../worker/use-job.ts";
import { EnergyAssumptions } from "./energy-assumptions.tsx";
import { breakdownChart, breakdownSummary, memoryChart } from "./estimate-charts.ts";
import { PhaseResult } from "./phase-result.tsx";

/** The default, bundled with the view (the other examples are fetched when picked). */
const DEFAULT_SCENARIO = { name: "cloudmatrix384-deepseek-r1-decode.yaml", text: DEFAULT_TEXT };

export function EstimateView({ params, setParams }: ViewProps) {
  const catalog = useCatalog();
  const scenario = useScenario(params, setParams, DEFAULT_SCENARIO);
  const [role, setRole] = useState<Role | undefined>(undefined);
  // `#/estimate?case=<id>` (a link from Validate) opens that reference case's scenario.
  const caseId = params.get("case");
  const fromCase = params.get("fromCase");
  const caseRef = caseId ?? fromCase;
  const caseState = useJob(caseRef === null ? null : { kind: "caseScenario", caseId: caseRef });
  useEffect(() => {
    if (caseState.status !== "done" || caseId !== caseState.value.caseId) return;
    const next = new URLSearchParams(params);
    next.delete("case");
    next.set("scenario", encodeText(caseState.value.text));
    next.set("file", caseState.value.fileName);
    next.set("fromCase", caseState.value.caseId);
    setParams(next);
  }, [caseState, caseId, params, setParams]);
  const caseEdited =
    caseState.status === "done" &&
    caseState.value.caseId === fromCase &&
    caseState.value.text !== scenario.committedText;
  const state = useJob(
    caseId === null ? { kind: "estimate", text: scenario.committedText, fileName: scenario.fileName } : null,
  );
  const result = lastValue(state);
  const shown = state.status === "error" ? undefined : result;
  const current =
    state.status === "done" && state.request !== undefined
      ? { result: state.value, text: state.request.text, fileName: state.request.fileName }
      : undefined;
  // A baseline pinned in the URL (a shared link) is recomputed here.
  const pinnedDoc = pinnedDocument(params);
  const pinnedState = useJob(
    pinnedDoc === undefined || pinnedDoc === "cleared" ? null : { kind: "estimate", ...pinnedDoc },
  );
  const pinnedResult =
    pinnedState.status === "done" && pinnedState.request !== undefined
      ? { result: pinnedState.value, text: pinnedState.request.text, fileName: pinnedState.request.fileName }
      : undefined;
  const pins = useBaseline<EstimateResult>(current, { params, setParams }, pinnedResult);
  const baseline = pins.baseline?.result;
  const label = pins.baseline === undefined ? "" : baselineLabel(pins.baseline);
  const charts = useMemo(
    () =>
      shown === undefined
        ? undefined
        : {
            breakdown: breakdownChart(shown.phases),
            breakdownLabel: breakdownSummary(shown.phases),
            memory: memoryChart(shown.phases),
          },
    [shown],
  );
  return (
    <div className="split estimate-view">
      <div>
        <section className="panel" aria-label="Knobs">
          <h2>Settings</h2>
          <ScenarioKnobs
            text={scenario.text}
            onChange={(t) => scenario.setText(t, undefined, true)}
            catalog={catalog}
            role={role}
            onRole={setRole}
          />
        </section>
        <section className="panel" aria-label="Scenario">
          <ScenarioEditor scenario={scenario} examples={EXAMPLES} />
        </section>
      </div>
      <div>
        {caseId !== null && <JobStatus state={caseState} runningText="Opening the reference case…" />}
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
              {fromCase !== null && (
                <p className="hint from-case" data-from-case={fromCase}>
                  Opened from the reference case <strong className="mono">{fromCase}</strong>
                  {caseEdited ? " and edited since" : ""} (its scenario with its overrides) —{" "}
                  <a href={formatHash("validate", new URLSearchParams({ q: fromCase }))}>
                    see it in Validate
                  </a>
                </p>
              )}
              {shown.defaulted.length > 0 && (
                <p className="hint warn">
                  Parameters from documented defaults: {shown.defaulted.join(", ")}.
                </p>
              )}
            </section>
            <BaselineBar
              baseline={pins.baseline}
              text={scenario.committedText}
              canPin={current !== undefined}
              onPin={pins.pin}
              onClear={pins.clear}
            />
            {shown.phases.map((p) => (
              <PhaseResult
                key={p.role}
                phase={p}
                baseline={baseline?.phases.find((b) => b.role === p.role)}
                baselineLabel={label}
              />
            ))}
            {shown.energyAssumptions.length > 0 && <EnergyAssumptions rows={shown.energyAssumptions} />}
            <div>
              <section className="panel" aria-label="Step-time breakdown">
                <h2>Step-time breakdown (ms per step)</h2>
                <Chart
                  option={charts.breakdown}
                  label={charts.breakdownLabel}
                  height={130 + 50 * shown.phases.length}
                />
                <p className="hint">
                  Stacked: work per step by part (named inside wide segments; hover a segment for its name and
                  time, the legend and the breakdown tables give each part's colour); dashed outline: the step
                  time.
                </p>
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
