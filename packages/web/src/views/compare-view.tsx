/**
 * Compare: systems side by side — the figures of `supernode compare` — with ratio columns,
 * charts of compute, memory, bandwidth and power, and the source of every number on hover or
 * keyboard focus.
 */
import { Fragment, useMemo } from "react";
import type { ViewProps } from "../app/app.tsx";
import { useCatalog } from "../app/use-catalog.ts";
import { Chart, PALETTE } from "../components/chart.tsx";
import { JobStatus } from "../components/job-status.tsx";
import { SourceTip } from "../components/source-tip.tsx";
import { lastValue, useJob } from "../worker/use-job.ts";
import { compareCharts } from "./compare-charts.ts";

export const DEFAULT_COMPARE = ["cloudmatrix384", "gb200-nvl72"];

export function CompareView({ params, setParams }: ViewProps) {
  const catalog = useCatalog();
  const systemIds = (params.get("systems") ?? DEFAULT_COMPARE.join(","))
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const state = useJob(systemIds.length > 0 ? { kind: "compare", systemIds } : null);
  const result = lastValue(state);
  const charts = useMemo(() => (result === undefined ? [] : compareCharts(result)), [result]);
  const toggle = (id: string, on: boolean) => {
    const next = on ? [...systemIds, id] : systemIds.filter((s) => s !== id);
    const p = new URLSearchParams(params);
    p.set("systems", next.join(","));
    setParams(p);
  };
  const others = result?.systems.slice(1) ?? [];
  return (
    <div className="compare-view">
      {!params.has("systems") && (
        <section className="panel intro" aria-label="About Supernode">
          <p>
            <strong>Supernode</strong> is a digital twin of AI supernodes — Huawei CloudMatrix384, NVIDIA
            GB200 NVL72 and the 8-GPU servers they are compared with. <strong>Compare</strong> their figures
            (each with its source), see their fabric in <strong>Topology</strong>, <strong>Estimate</strong>{" "}
            step time and tokens/s of a deployment, <strong>Simulate</strong> serving under load, and check
            the model against published measurements in <strong>Validate</strong>. Every number is computed
            here, in your browser.
          </p>
        </section>
      )}
      <section className="panel" aria-label="Systems to compare">
        <fieldset>
          <legend>Systems (ratios are the first chosen ÷ each other)</legend>
          <div className="checks">
            {(catalog?.systems ?? []).map((s) => (
              <label key={s.id}>
                <input
                  type="checkbox"
                  checked={systemIds.includes(s.id)}
                  onChange={(e) => toggle(s.id, e.target.checked)}
                  data-system={s.id}
                />
                {s.name}
              </label>
            ))}
          </div>
        </fieldset>
        {systemIds.length === 0 && <p className="hint">Choose at least one system.</p>}
        <JobStatus state={state} runningText="Comparing…" />
      </section>
      {result !== undefined && systemIds.length > 0 && (
        <div className={state.status === "running" ? "stale" : undefined}>
          <ul className="legend" aria-label="Chart legend">
            {result.systems.map((s, i) => (
              <li key={s.id}>
                <span
                  className="swatch"
                  style={{ background: PALETTE[i % PALETTE.length] }}
                  aria-hidden="true"
                />
                {s.name}
              </li>
            ))}
          </ul>
          <section className="grid-4" aria-label="Charts">
            {charts.map((c) => (
              <div className="panel chart-panel" key={c.title}>
                <h2>{c.title}</h2>
                <Chart option={c.option} label={`${c.title} in ${c.unit}`} height={230} />
              </div>
            ))}
          </section>
          <section className="panel" aria-label="Comparison table">
            <div className="table-scroll">
              <table className="data compare-table">
                <thead>
                  <tr>
                    <th scope="col">Figure</th>
                    <th scope="col" className="left">
                      Unit
                    </th>
                    {result.systems.map((s) => (
                      <th scope="col" key={s.id}>
                        {s.name}
                      </th>
                    ))}
                    {others.map((s) => (
                      <th scope="col" key={`ratio-${s.id}`} title={`${result.systems[0]?.name} ÷ ${s.name}`}>
                        ratio vs {s.name}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {result.groups.map((g) => (
                    <Fragment key={g.title}>
                      <tr className="group">
                        <td colSpan={2 + result.systems.length + others.length}>{g.title}</td>
                      </tr>
                      {g.rows.map((row) => (
                        <tr
                          key={row.id}
                          data-row={row.id}
                          className={row.mixedBasis === true ? "mixed-basis" : undefined}
                        >
                          <th scope="row" className="left">
                            {row.label}
                          </th>
                          <td className="left unit">{row.unit}</td>
                          {row.cells.map((cell, i) => (
                            <td key={result.systems[i]?.id} data-system={result.systems[i]?.id}>
                              <SourceTip source={cell.source}>{cell.text}</SourceTip>
                              {cell.source?.tag !== undefined && (
                                <span className={`tag tag-${cell.source.tag} basis-tag`}>
                                  {cell.source.tag}
                                </span>
                              )}
                              {cell.basis !== undefined && (
                                <span className="basis" data-basis={cell.basis}>
                                  {cell.basis}
                                </span>
                              )}
                            </td>
                          ))}
                          {row.ratios.map((ratio, i) => (
                            <td
                              className="ratio"
                              key={others[i]?.id}
                              title={
                                row.mixedBasis === true
                                  ? "the figures rest on different power bases"
                                  : undefined
                              }
                            >
                              {ratio ?? "—"}
                              {row.mixedBasis === true && ratio !== null && (
                                <span className="basis">bases differ</span>
                              )}
                            </td>
                          ))}
                        </tr>
                      ))}
                    </Fragment>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="hint">
              Every figure shows its evidence tag; hover or Tab to it for the note and sources. Dense peaks;
              bandwidths per direction. Power and per-watt figures name their basis (all-in estimate,
              nameplate max, nominal, or the accelerator TDP sum — a lower bound); ratios between figures on
              different bases are marked "bases differ".
            </p>
          </section>
        </div>
      )}
    </div>
  );
}
