/**
 * The serving report as ONE self-contained HTML file: inline CSS, charts as inline SVG, no script,
 * no external resource (it opens without a network). Sections: the systems compared with sources,
 * serving figures with energy and cost, published reference points and the model's error, step-time
 * breakdowns, and the power and cost assumptions of each system.
 */
import {
  breakdownChart,
  type ComparisonRow,
  type EndToEndReferenceCase,
  type ServingPoint,
  type ServingReport,
  type Sourced,
  type SystemAssumptions,
  servingCharts,
} from "@supernode/core";
import { formatQuantity, formatRatio } from "../output/format-quantity.ts";
import { enUs, enUsSignificant } from "../output/locale-number.ts";
import { renderSvg } from "./svg-chart.ts";

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const n = (x: number, digits = 0) => enUs(x, digits);
const sig = (x: number | undefined) => (x === undefined ? "—" : enUsSignificant(x, 3));
const link = (url: string, text: string) =>
  /^https?:\/\//.test(url) ? `<a href="${esc(url)}">${esc(text)}</a>` : esc(text);

const CSS = `body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:1180px;color:#1b1b1b;padding:0 1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2.2rem;border-bottom:2px solid #1f4e79;padding-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:13px}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}th{background:#eef3f8}
.note{color:#555;font-size:12px}.tag{font-size:11px;padding:0 .3rem;border-radius:3px;background:#eee}
.tag-measured,.tag-spec{background:#d8ecd0}.tag-estimate,.tag-derived{background:#fdf1cf}.tag-assumption{background:#f6d6d6}.tag-scenario{background:#dce6f5}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #ddd;background:#fff}sup{font-size:10px}`;

class Notes {
  private readonly list: { title: string; url: string; section?: string }[] = [];
  ref(s: Sourced<number>): string {
    return s.sources
      .map((src) => {
        let i = this.list.findIndex((x) => x.url === src.url && x.section === src.section);
        if (i < 0)
          i =
            this.list.push({
              title: src.title,
              url: src.url,
              ...(src.section ? { section: src.section } : {}),
            }) - 1;
        return `<sup><a href="#src-${i + 1}">${i + 1}</a></sup>`;
      })
      .join("");
  }
  html(): string {
    return `<ol class="note">${this.list
      .map(
        (s, i) =>
          `<li id="src-${i + 1}">${link(s.url, s.title)}${s.section ? `, ${esc(s.section)}` : ""}</li>`,
      )
      .join("")}</ol>`;
  }
}

function comparisonSection(r: ServingReport): string {
  const c = r.comparison;
  if (c === undefined) return "";
  const notes = new Notes();
  const head = `<tr><th>figure</th>${c.systems.map((s) => `<th class="num">${esc(s.name)}</th>`).join("")}${c.systems
    .slice(1)
    .map((s) => `<th class="num">${esc(c.systems[0]?.id ?? "")} ÷ ${esc(s.id)}</th>`)
    .join("")}</tr>`;
  const row = (x: ComparisonRow) =>
    `<tr data-row="${esc(x.key)}"><td>${esc(x.label)}</td>${x.values
      .map(
        (v) =>
          `<td class="num">${v === null ? "—" : `${esc(formatQuantity(v.value, x.unit))}${notes.ref(v)}`}</td>`,
      )
      .join("")}${x.ratios
      .slice(1)
      .map((q) => `<td class="num">${q === null ? "—" : esc(formatRatio(q))}</td>`)
      .join("")}</tr>`;
  return `<h2 id="compare">The systems compared</h2><table>${head}${c.rows.map(row).join("")}</table><p class="note">Sources:</p>${notes.html()}`;
}

function pointRow(p: ServingPoint): string {
  const e = p.energy;
  const lat =
    p.phase === "decode" ? `TPOT ${n(p.latencyS * 1e3, 1)} ms` : `TTFT ${n(p.latencyS * 1e3, 0)} ms`;
  const j = p.phase === "decode" ? e.joulesPerOutputToken?.value : e.joulesPerInputToken?.value;
  const usd = p.phase === "decode" ? e.usdPerMillionOutputTokens?.value : e.usdPerMillionInputTokens?.value;
  return `<tr><td>${esc(p.systemName)}</td><td>${esc(p.phase)}</td><td>${esc(p.point)}<br><span class="note">${esc(p.operatingPoint)}</span></td><td class="num">${lat}</td><td class="num">${n(p.tokensPerSPerChip)}</td><td class="num">${n(p.tokensPerSPerSystem)}</td><td class="num">${n(p.tokensPerSPerKW)}</td><td class="num">${n(e.wattsPerChip.value)}</td><td class="num">${sig(j)}</td><td class="num">${usd === undefined ? "—" : `$${sig(usd)}`}</td><td>${esc(p.bound)}${p.defaulted.length > 0 ? ` <span class="tag tag-assumption" title="${esc(p.defaulted.join(", "))}">default efficiencies</span>` : ""}</td></tr>`;
}

function missingNotes(points: readonly ServingPoint[]): string {
  const notes = [...new Set(points.flatMap((p) => p.energy.missing))];
  return notes.length > 0 ? `<ul class="note">${notes.map((m) => `<li>${esc(m)}</li>`).join("")}</ul>` : "";
}

function servingSection(r: ServingReport): string {
  const head =
    "<tr><th>system</th><th>phase</th><th>operating point</th><th class=num>latency</th><th class=num>tokens/s per chip</th><th class=num>tokens/s per system</th><th class=num>tokens/s per kW</th><th class=num>W per chip (facility)</th><th class=num>J per token</th><th class=num>$ per million tokens</th><th>bound</th></tr>";
  const charts = servingCharts(r.points)
    .map((o) => `<div class="chart">${renderSvg(o, 560, 300)}</div>`)
    .join("");
  return `<h2 id="serving">Serving: throughput, energy and cost</h2>
<p>Each scenario as written, and its decode at the largest batch whose TPOT meets ${n(r.sloS * 1e3)} ms. Tokens/s per system = per chip × the accelerators of one system; per kW and joules at the facility (PUE included); decode energy and cost per output token, prefill per input token. "default efficiencies" marks chips without operator microbenchmarks.</p>
<table>${head}${r.points.map(pointRow).join("")}</table>${missingNotes(r.points)}<div class="charts">${charts}</div>`;
}

function referenceSection(refs: readonly EndToEndReferenceCase[], unreferenced: readonly string[]): string {
  const rows = refs
    .map((c) => {
      const err = (c.predicted - c.published) / c.published;
      return `<tr><td>${esc(c.id)}</td><td>${esc(c.description)}</td><td class="num">${n(c.predicted, 1)}</td><td class="num">${n(c.published, 1)}</td><td>${esc(c.unit)}</td><td class="num">${err >= 0 ? "+" : "−"}${n(Math.abs(err) * 100, 1)} %</td><td class="note">${esc(c.source)}</td></tr>`;
    })
    .join("");
  const none =
    unreferenced.length > 0
      ? `<p class="note">No published measurement for: ${unreferenced.map(esc).join(", ")} (predictions only).</p>`
      : "";
  return `<h2 id="references">Published reference points and the model's error</h2>${rows.length > 0 ? `<table><tr><th>case</th><th>what</th><th class=num>model</th><th class=num>published</th><th>unit</th><th class=num>error</th><th>source</th></tr>${rows}</table>` : ""}${none}`;
}

function assumptionsSection(systems: readonly SystemAssumptions[]): string {
  return `<h2 id="assumptions">Power and cost assumptions</h2>${systems
    .map((s) => {
      const p = s.power;
      const rows = s.assumptions
        .map(
          (a) =>
            `<tr><td><code>${esc(a.id)}</code></td><td>${esc(a.label)}</td><td class="num">${sig(a.value)}</td><td>${esc(a.unit)}</td><td><span class="tag tag-${esc(a.tag)}">${esc(a.tag)}</span></td><td>${a.sources.map((x) => link(x.url, x.title)).join("; ")}${a.note ? `<br><span class="note">${esc(a.note)}</span>` : ""}${a.alternatives?.length ? `<br><span class="note">alternatives: ${a.alternatives.map((x) => `${sig(x.value)}${x.note ? ` (${esc(x.note)})` : ""}`).join("; ")}</span>` : ""}</td></tr>`,
        )
        .join("");
      return `<h3>${esc(s.systemName)}</h3><p>At full load (accelerators compute-bound) the parts give <b>${n(p.fullLoadItW / 1000, 1)} kW</b> of IT power (accelerators ${n(p.acceleratorsW / 1000, 1)} kW, other parts ${n(p.otherPartsW / 1000, 1)} kW, plus fans and conversion) against the catalog's ${n(p.catalogW / 1000, 1)} kW (${esc(p.catalogBasis)}${p.catalogSource ? `, ${esc(p.catalogSource)}` : ""}); nothing was fitted to the published total.</p><table><tr><th>id</th><th>what</th><th class=num>value</th><th>unit</th><th>evidence</th><th>source</th></tr>${rows}</table>`;
    })
    .join("")}`;
}

/** The whole report document. */
export function renderHtmlReport(
  r: ServingReport,
  meta: { readonly title: string; readonly scenarios: readonly string[] },
): string {
  const breakdown =
    r.breakdowns.length > 0
      ? `<h2 id="breakdown">Step-time breakdowns</h2><div class="chart">${renderSvg(breakdownChart(r.breakdowns), 1100, 120 + 46 * r.breakdowns.length)}</div><table><tr><th>step</th><th class=num>step time</th></tr>${r.breakdowns.map((b) => `<tr><td>${esc(b.label)}</td><td class="num">${n(b.stepS * 1e3, 2)} ms</td></tr>`).join("")}</table>`
      : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(meta.title)}</title><style>${CSS}</style></head><body>
<h1>${esc(meta.title)}</h1>
<p class="note">Made by <code>supernode report</code> from ${meta.scenarios.map((s) => `<code>${esc(s)}</code>`).join(", ")}. Every hardware figure carries its sources; every energy and cost figure lists its assumptions (section 5). Methods: docs/energy.md, docs/step-model.md.</p>
${comparisonSection(r)}${servingSection(r)}${referenceSection(r.references, r.unreferenced)}${breakdown}${assumptionsSection(r.systems)}
</body></html>
`;
}
