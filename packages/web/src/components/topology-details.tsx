/**
 * The Topology view's details panel: the selected switch, die/GPU, CPU or bundle of links — its
 * kind, tier, plane, links, capacity and, with a load, its peak and mean link utilisation — and,
 * for a glyph, its busiest bundles (buttons that select them).
 */
import type { TopologyLayout } from "@supernode/core";
import { itemDetails, type TopologyItem } from "./topology-items.ts";

export function TopologyDetails({
  item,
  layout,
  loads,
  onSelect,
}: {
  item: TopologyItem | undefined;
  layout: TopologyLayout;
  loads: readonly number[] | undefined;
  onSelect: (key: string) => void;
}) {
  const details = item === undefined ? undefined : itemDetails(item, layout, loads);
  return (
    <aside
      className="topology-details"
      aria-label="Selection details"
      aria-live="polite"
      data-selected={item?.key ?? "none"}
    >
      {details === undefined ? (
        <p className="hint">Nothing selected.</p>
      ) : (
        <>
          <h3 className="mono">{details.title}</h3>
          <dl className="facts">
            {details.facts.map((f) => (
              <div key={f.label} data-fact={f.label}>
                <dt>{f.label}</dt>
                <dd>{f.value}</dd>
              </div>
            ))}
          </dl>
          {details.related.length > 0 && (
            <>
              <h4>{loads === undefined ? "Bundles" : "Busiest bundles"}</h4>
              <ul className="related-bundles">
                {details.related.map((r) => (
                  <li key={r.key}>
                    <button type="button" className="link-button" onClick={() => onSelect(r.key)}>
                      {r.label}
                    </button>
                    {r.load !== undefined && ` ${(r.load * 100).toFixed(0)} %`}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </aside>
  );
}
