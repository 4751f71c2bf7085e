/** The power and cost assumptions of an estimate, each with its evidence tag and first source. */
import type { EstimateView as EstimateResult } from "../worker/jobs/estimate-job.ts";

export function EnergyAssumptions({ rows }: { rows: EstimateResult["energyAssumptions"] }) {
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
