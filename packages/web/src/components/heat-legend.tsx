/** The heat-map scale of the Topology view, with its numbers: link utilisation 0–100 %. */
const TICKS = [0, 25, 50, 75, 100];

export function HeatLegend() {
  return (
    <div className="heat-legend" data-legend="utilisation">
      <span className="heat-legend-title">Link utilisation</span>
      <div className="heat-legend-scale">
        <span className="legend-gradient" />
        <div className="heat-legend-ticks">
          {TICKS.map((t) => (
            <span key={t} style={{ left: `${t}%` }}>
              {t} %
            </span>
          ))}
        </div>
      </div>
      <span className="hint">0 %: idle; 100 %: busy for the whole transfer</span>
    </div>
  );
}
