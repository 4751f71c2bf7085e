/**
 * The Topology view's load tables: the load of each tier of links (how many links, how many carry
 * traffic, mean and max utilisation, bytes), busiest first, and the most loaded links with
 * identical rows (the same link position in every plane) merged into one with a count.
 */
import type { LinkLoadResult } from "../worker/jobs/link-loads.ts";

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

export function LinkLoadTables({ loads }: { loads: LinkLoadResult }) {
  const merged = new Map<
    string,
    { label: string; tier: string; bytes: number; utilization: number; count: number }
  >();
  for (const l of loads.summary.loadedLinks) {
    const key = `${l.label}|${l.tier}|${l.bytes}|${l.utilization}`;
    const m = merged.get(key);
    if (m === undefined) merged.set(key, { ...l, count: 1 });
    else m.count++;
  }
  return (
    <>
      {loads.byTier.length > 0 && (
        <table className="data tier-loads">
          <caption className="left">Load by tier</caption>
          <thead>
            <tr>
              <th scope="col">Tier</th>
              <th scope="col">links used / all</th>
              <th scope="col">mean (used)</th>
              <th scope="col">max</th>
              <th scope="col">MB carried</th>
            </tr>
          </thead>
          <tbody>
            {loads.byTier.map((t) => (
              <tr key={t.tier} data-tier={t.tier}>
                <th scope="row" className="left">
                  {t.tier}
                </th>
                <td>
                  {t.used.toLocaleString("en-US")} / {t.links.toLocaleString("en-US")}
                </td>
                <td>{pct(t.meanUsedUtilisation)}</td>
                <td>{pct(t.maxUtilisation)}</td>
                <td>{(t.bytes / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {merged.size > 0 && (
        <table className="data loaded-links">
          <caption className="left">Most loaded links</caption>
          <thead>
            <tr>
              <th scope="col">Link</th>
              <th scope="col" className="left">
                Tier
              </th>
              <th scope="col">MB carried</th>
              <th scope="col">Utilisation</th>
            </tr>
          </thead>
          <tbody>
            {[...merged.values()].map((l) => (
              <tr key={`${l.label}|${l.tier}|${l.bytes}`}>
                <th scope="row" className="left mono">
                  {l.label}
                  {l.count > 1 && <span className="hint"> (× {l.count})</span>}
                </th>
                <td className="left">{l.tier}</td>
                <td>{(l.bytes / 1e6).toFixed(2)}</td>
                <td>{pct(l.utilization)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
