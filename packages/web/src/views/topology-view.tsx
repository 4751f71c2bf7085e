/**
 * Topology: a system's scale-up fabric drawn from the layout computed in core — racks, nodes or
 * trays, dies/GPUs, CPUs, L1/L2 switches by plane or the NVLink switch chips, and the links
 * between them.
 */
import type { ViewProps } from "../app/app.tsx";
import { useCatalog } from "../app/use-catalog.ts";
import { JobStatus } from "../components/job-status.tsx";
import { TopologyDiagram } from "../components/topology-diagram.tsx";
import { lastValue, useJob } from "../worker/use-job.ts";

const DEFAULT_SYSTEM = "cloudmatrix384";

export function TopologyView({ params, setParams }: ViewProps) {
  const catalog = useCatalog();
  const systemId = params.get("system") ?? DEFAULT_SYSTEM;
  const state = useJob({ kind: "topology", systemId });
  const result = lastValue(state);
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next);
  };
  return (
    <div className="topology-view">
      <section className="panel" aria-label="Topology settings">
        <div className="controls">
          <label className="field">
            <span>System</span>
            <select value={systemId} onChange={(e) => set("system", e.target.value)} aria-label="System">
              {(catalog?.systems ?? [{ id: systemId, name: systemId }]).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          {result !== undefined &&
            result.facts.map((f) => (
              <div className="field fact" key={f.label}>
                <span>{f.label}</span>
                <strong>{f.value}</strong>
              </div>
            ))}
        </div>
        <JobStatus state={state} runningText="Building the topology…" />
      </section>
      {result !== undefined && (
        <section
          className={state.status === "running" ? "panel stale" : "panel"}
          aria-label="Topology diagram"
        >
          <TopologyDiagram layout={result.layout} />
          <p className="hint">
            Scale-up fabric only (the RDMA/InfiniBand scale-out and VPC networks are not drawn). Switch
            colours are planes; lines are bundles of links between a {result.layout.serverNoun}'s switches or
            devices and the shared switches.
          </p>
        </section>
      )}
    </div>
  );
}
