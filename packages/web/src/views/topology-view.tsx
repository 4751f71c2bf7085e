/**
 * Topology: a system's scale-up fabric drawn from the layout computed in core — racks, nodes or
 * trays, dies/GPUs, CPUs, L1/L2 switches by plane or the NVLink switch chips — and, for a chosen
 * collective or the MoE dispatch of a decode step, every link's load as a heat map (core's
 * flow-level engine).
 */
import type { ViewProps } from "../app/app.tsx";
import { EXAMPLES } from "../app/examples.ts";
import { useCatalog } from "../app/use-catalog.ts";
import { useExampleText } from "../app/use-example.ts";
import { ExampleError } from "../components/example-error.tsx";
import { HeatLegend } from "../components/heat-legend.tsx";
import { JobStatus } from "../components/job-status.tsx";
import { LinkLoadTables } from "../components/link-load-tables.tsx";
import { NumberField } from "../components/number-field.tsx";
import { TopologyDiagram } from "../components/topology-diagram.tsx";
import type { TopologyRequest } from "../worker/jobs/topology-job.ts";
import { lastValue, useJob } from "../worker/use-job.ts";

const DEFAULT_SYSTEM = "cloudmatrix384";
const OPS = ["all-to-all", "all-reduce", "all-gather", "reduce-scatter"] as const;
type Op = (typeof OPS)[number];

/** Shipped scenarios with a decode group on this system (their texts are fetched when used). */
function decodeExamples(systemId: string) {
  return EXAMPLES.filter((x) => x.system === systemId && x.roles.includes("decode"));
}

function positive(text: string | null, fallback: number): number {
  const v = Number(text);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export function TopologyView({ params, setParams }: ViewProps) {
  const catalog = useCatalog();
  const systemId = params.get("system") ?? DEFAULT_SYSTEM;
  const examples = decodeExamples(systemId);
  const loadKind = params.get("load") ?? "none";
  const op: Op = OPS.find((o) => o === params.get("op")) ?? "all-to-all";
  const mib = positive(params.get("mib"), 64);
  const ranksParam = params.get("ranks");
  const example = examples.find((x) => x.name === params.get("example")) ?? examples[0];
  // The decode scenario's text is fetched when first needed; the drawing waits for it.
  const { state: exampleText, retry: retryExample } = useExampleText(
    loadKind === "decode" ? example?.name : undefined,
  );
  const request: (TopologyRequest & { kind: "topology" }) | null =
    loadKind === "collective"
      ? {
          kind: "topology",
          systemId,
          load: { op, bytes: mib * 2 ** 20, ranks: Math.floor(positive(ranksParam, Number.NaN)) || 0 },
        }
      : loadKind === "decode" && example !== undefined
        ? exampleText.status === "done"
          ? { kind: "topology", systemId, decodeStep: { text: exampleText.text, fileName: example.name } }
          : null
        : { kind: "topology", systemId };
  // Ranks default to every rank of the system, known once the first drawing arrives.
  const base = lastValue(useJob({ kind: "topology", systemId }));
  const allRanks = base?.systemId === systemId ? base.ranks : undefined;
  const effective =
    request?.load !== undefined && request.load.ranks === 0
      ? allRanks === undefined
        ? null
        : { ...request, load: { ...request.load, ranks: allRanks } }
      : request;
  const state = useJob(effective);
  const result = lastValue(state);
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    setParams(next);
  };
  const loads = result?.systemId === systemId ? result.load : undefined;
  return (
    <div className="topology-view">
      <section className="panel" aria-label="Topology settings">
        <div className="controls">
          <label className="field">
            <span>System</span>
            <select
              value={systemId}
              onChange={(e) => set({ system: e.target.value, ranks: undefined, example: undefined })}
              aria-label="System"
            >
              {(catalog?.systems ?? [{ id: systemId, name: systemId }]).map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Link load</span>
            <select value={loadKind} onChange={(e) => set({ load: e.target.value })} aria-label="Link load">
              <option value="none">none (colour by plane)</option>
              <option value="collective">a collective</option>
              <option value="decode" disabled={examples.length === 0}>
                MoE dispatch of a decode step
                {examples.length === 0 ? " (no decode scenario for this system)" : ""}
              </option>
            </select>
          </label>
          {loadKind === "collective" && (
            <>
              <label className="field">
                <span>Collective</span>
                <select value={op} onChange={(e) => set({ op: e.target.value })} aria-label="Collective">
                  {OPS.map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              </label>
              <NumberField
                label="Size (MiB)"
                value={mib}
                rule={{ min: 1 / 1024 }}
                step={1}
                knob="mib"
                onCommit={(v) => set({ mib: String(v) })}
              />
              <NumberField
                label="Ranks"
                value={
                  ranksParam === null ? allRanks : Math.floor(positive(ranksParam, Number.NaN)) || allRanks
                }
                rule={{ min: 2, max: allRanks, integer: true }}
                step={1}
                knob="ranks"
                onCommit={(v) => set({ ranks: String(v) })}
              />
            </>
          )}
          {loadKind === "decode" && examples.length > 0 && (
            <label className="field">
              <span>Scenario</span>
              <select
                value={example?.name}
                onChange={(e) => set({ example: e.target.value })}
                aria-label="Decode scenario"
              >
                {examples.map((x) => (
                  <option key={x.name}>{x.name}</option>
                ))}
              </select>
            </label>
          )}
        </div>
        {result !== undefined && (
          <dl className="facts">
            {result.facts.map((f) => (
              <div key={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
        )}
        <JobStatus
          state={state}
          runningText={
            effective?.load !== undefined || effective?.decodeStep !== undefined
              ? "Running the flow-level engine…"
              : "Building the topology…"
          }
        />
        {exampleText.status === "loading" && (
          <p className="status-line" aria-live="polite" data-example-status="loading">
            Loading the scenario {exampleText.name}…
          </p>
        )}
        {exampleText.status === "error" && (
          <ExampleError name={exampleText.name} message={exampleText.message}>
            : the link load needs it. Retry, or reload the page if the app was updated since it was opened.{" "}
            <button type="button" className="secondary" onClick={retryExample}>
              Retry
            </button>
          </ExampleError>
        )}
      </section>
      {result !== undefined && (
        <section
          className={state.status === "running" || exampleText.status === "loading" ? "panel stale" : "panel"}
          aria-label="Topology diagram"
        >
          {loads !== undefined && (
            <div className="load-summary" data-load-time={loads.summary.timeS}>
              <strong>
                {loads.summary.op} of{" "}
                {(loads.summary.bytes / 2 ** 20).toFixed(loads.summary.bytes < 2 ** 20 ? 3 : 0)} MiB over{" "}
                {loads.summary.ranks} ranks
              </strong>{" "}
              ({loads.summary.algorithm}, {loads.summary.library}): {(loads.summary.timeS * 1e6).toFixed(1)}{" "}
              µs, bus bandwidth {(loads.summary.busBandwidthBytesPerS / 1e9).toFixed(0)} GB/s, bottleneck{" "}
              {loads.summary.bottleneck}
              {result.loadDescription !== undefined && <div className="hint">{result.loadDescription}</div>}
              <HeatLegend />
            </div>
          )}
          <TopologyDiagram
            layout={result.layout}
            {...(loads === undefined ? {} : { loads: loads.utilisation })}
          />
          <p className="hint">
            Scale-up fabric only (the RDMA/InfiniBand scale-out and VPC networks are not drawn).{" "}
            {loads === undefined
              ? `Switch colours are planes; lines are bundles of links between a ${result.layout.serverNoun}'s switches or devices and the shared switches.`
              : "Colour: the busiest link's utilisation in each bundle, switch or device (bytes carried ÷ achievable capacity × transfer time)."}
          </p>
          {loads !== undefined && <LinkLoadTables loads={loads} />}
        </section>
      )}
    </div>
  );
}
