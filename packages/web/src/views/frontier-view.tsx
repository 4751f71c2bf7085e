/**
 * Frontier: core's deployment search around a decode scenario (batch per chip, attention and
 * dense-FFN TP; in the full space also chips per instance, MoE TP, overlap and MTP depth) and the
 * Pareto frontier of tokens/s per chip against tokens/s per user, with the best deployment under a
 * TPOT limit — the web side of `supernode search` / `supernode frontier` (docs/search.md).
 */
import { useMemo } from "react";
import DEFAULT_TEXT from "../../../../examples/cloudmatrix384-deepseek-r1-decode.yaml?raw";
import type { ViewProps } from "../app/app.tsx";
import { EXAMPLES } from "../app/examples.ts";
import { useScenario } from "../app/use-scenario.ts";
import { Chart } from "../components/chart.tsx";
import { ErrorBox } from "../components/error-box.tsx";
import { NumberField } from "../components/number-field.tsx";
import { RunControls } from "../components/run-controls.tsx";
import { ScenarioEditor } from "../components/scenario-editor.tsx";
import { useManualJob } from "../worker/use-job.ts";
import { frontierChart } from "./frontier-chart.ts";

/** The default, bundled with the view (the other examples are fetched when picked). */
const DEFAULT_SCENARIO = { name: "cloudmatrix384-deepseek-r1-decode.yaml", text: DEFAULT_TEXT };
/** The examples with a decode group that are not offline (max-throughput) scenarios. */
const DECODE_EXAMPLES = EXAMPLES.filter((x) => x.roles.includes("decode") && !x.offline);
const n0 = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 0 });
const n1 = (x: number) => x.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function FrontierView({ params, setParams }: ViewProps) {
  const scenario = useScenario(params, setParams, DEFAULT_SCENARIO);
  const space = params.get("space") === "full" ? "full" : "quick";
  const tpotMs = Number(params.get("tpot") ?? "50");
  const limitMs = Number.isFinite(tpotMs) && tpotMs > 0 ? tpotMs : 50;
  const { state, start, cancel } = useManualJob<"frontier">();
  const result = state.status === "done" ? state.value : undefined;
  const chart = useMemo(() => (result === undefined ? undefined : frontierChart(result)), [result]);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next);
  };
  return (
    <div className="split frontier-view">
      <div>
        <section className="panel" aria-label="Search">
          <h2>Search</h2>
          <div className="knob-grid">
            <label className="field">
              <span>Space</span>
              <select value={space} onChange={(e) => set("space", e.target.value)} data-knob="space">
                <option value="quick">quick: the scenario's chips, overlap, MTP, MoE TP</option>
                <option value="full">full: as supernode frontier (minutes)</option>
              </select>
            </label>
            <NumberField
              label="TPOT limit (ms)"
              value={limitMs}
              rule={{ min: 0.1 }}
              step={5}
              knob="tpot"
              onCommit={(v) => set("tpot", String(v))}
            />
          </div>
          <RunControls
            state={state}
            runLabel="Search deployments"
            onRun={() =>
              start({
                kind: "frontier",
                text: scenario.committedText,
                fileName: scenario.fileName,
                space,
                tpotS: limitMs / 1e3,
              })
            }
            onCancel={cancel}
            progressLabel="Search progress"
          />
        </section>
        <section className="panel" aria-label="Scenario">
          <ScenarioEditor scenario={scenario} examples={DECODE_EXAMPLES} />
        </section>
      </div>
      <div>
        {state.status === "error" && <ErrorBox error={state.error} />}
        {result === undefined && state.status !== "error" && (
          <div className="panel empty">
            Search the deployments of the scenario's decode group to see the trade-off between tokens/s per
            chip and tokens/s per user, and the best deployment under the TPOT limit.
          </div>
        )}
        {result !== undefined && chart !== undefined && (
          <>
            <div className="kpis">
              <div className="kpi" data-kpi="frontier-evaluated">
                <div className="kpi-label">Deployments evaluated</div>
                <div className="kpi-value">
                  <span className="kpi-number">{n0(result.evaluated)}</span>
                  <span className="kpi-unit">of {n0(result.total)} candidates</span>
                </div>
              </div>
              <div className="kpi" data-kpi="frontier-best">
                <div className="kpi-label">Best tokens/s per chip with TPOT ≤ {n1(limitMs)} ms</div>
                <div className="kpi-value">
                  <span className="kpi-number">
                    {result.best === undefined ? "none" : n0(result.best.tokensPerSPerChip)}
                  </span>
                  <span className="kpi-unit">{result.best?.label ?? "no deployment meets the limit"}</span>
                </div>
              </div>
              <div className="kpi" data-kpi="frontier-base">
                <div className="kpi-label">The scenario as written</div>
                <div className="kpi-value">
                  <span className="kpi-number">{n0(result.base.tokensPerSPerChip)}</span>
                  <span className="kpi-unit">tokens/s per chip at TPOT {n1(result.base.tpotS * 1e3)} ms</span>
                </div>
              </div>
            </div>
            {result.best === undefined && (
              <p className="run-warning bad" data-warning="no-slo">
                No evaluated deployment meets TPOT ≤ {n1(limitMs)} ms: loosen the limit or widen the space.
              </p>
            )}
            <section className="panel" aria-label="Frontier chart">
              <h2>
                {result.system} · {result.model}: tokens/s per chip against tokens/s per user
              </h2>
              <Chart
                option={chart}
                label={`Pareto frontier of ${result.frontier.length} deployments out of ${result.evaluated} evaluated`}
                height={360}
              />
              <p className="hint">
                Pruned: {result.pruned.map((p) => `${n0(p.count)} ${p.reason}`).join("; ") || "none"}.
                Estimates of the step model; see Validate for its error on published cases.
              </p>
            </section>
            <section className="panel" aria-label="Frontier deployments">
              <h2>Frontier ({result.frontier.length} deployments)</h2>
              <div className="table-scroll">
                <table className="data frontier-table">
                  <thead>
                    <tr>
                      <th scope="col">deployment</th>
                      <th scope="col">tokens/s per user</th>
                      <th scope="col">tokens/s per chip</th>
                      <th scope="col">TPOT ms</th>
                      <th scope="col">memory GB per chip</th>
                      <th scope="col">TPOT limit</th>
                    </tr>
                  </thead>
                  <tbody>
                    {result.frontier.map((p) => (
                      <tr key={p.label}>
                        <th scope="row" className="left mono">
                          {p.label}
                        </th>
                        <td>{n1(p.tokensPerSPerUser)}</td>
                        <td>{n0(p.tokensPerSPerChip)}</td>
                        <td>{n1(p.tpotS * 1e3)}</td>
                        <td>{n1(p.memoryPerChipGB)}</td>
                        <td className={p.meetsSlo ? "good" : "bad"}>{p.meetsSlo ? "meets" : "misses"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          </>
        )}
      </div>
    </div>
  );
}
