/**
 * The frontier chart as a small hand-written SVG: tokens/s per user on x, tokens/s per chip on y,
 * one stepped line of points per series, a legend, and each point's deployment as its tooltip.
 */
import type { FrontierInput } from "@supernode/core";

export interface SvgSeries {
  readonly system: string;
  readonly scenario: string;
  readonly points: ReadonlyArray<FrontierInput & { readonly label: string }>;
}

const W = 720;
const H = 440;
const M = { left: 70, right: 20, top: 40, bottom: 50 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A round axis maximum and its tick step. */
function axis(max: number): { max: number; step: number } {
  const raw = max > 0 ? max / 5 : 1;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  return { max: Math.ceil(max / step) * step || step, step };
}

/** @example frontierSvg([{ system: "CM384", scenario: "a.yaml", points }]).startsWith("<svg") */
export function frontierSvg(series: readonly SvgSeries[]): string {
  const all = series.flatMap((s) => s.points);
  const xa = axis(Math.max(0, ...all.map((p) => p.tokensPerSPerUser)));
  const ya = axis(Math.max(0, ...all.map((p) => p.tokensPerSPerChip)));
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (v: number) => M.left + (v / xa.max) * pw;
  const y = (v: number) => M.top + ph - (v / ya.max) * ph;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14">Throughput per chip vs interactivity (Pareto frontier)</text>`,
  ];
  for (let v = 0; v <= xa.max + 1e-9; v += xa.step)
    out.push(
      `<line x1="${x(v)}" y1="${M.top}" x2="${x(v)}" y2="${M.top + ph}" stroke="#eee"/>`,
      `<text x="${x(v)}" y="${M.top + ph + 16}" text-anchor="middle">${Number(v.toFixed(6))}</text>`,
    );
  for (let v = 0; v <= ya.max + 1e-9; v += ya.step)
    out.push(
      `<line x1="${M.left}" y1="${y(v)}" x2="${M.left + pw}" y2="${y(v)}" stroke="#eee"/>`,
      `<text x="${M.left - 6}" y="${y(v) + 4}" text-anchor="end">${Number(v.toFixed(6))}</text>`,
    );
  out.push(
    `<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${M.left + pw / 2}" y="${H - 12}" text-anchor="middle">tokens/s per user (1 / TPOT)</text>`,
    `<text transform="translate(16 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">tokens/s per chip</text>`,
  );
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length] as string;
    const pts = [...s.points].sort((a, b) => a.tokensPerSPerUser - b.tokensPerSPerUser);
    const path = pts.map(
      (p, k) =>
        `${k === 0 ? "M" : "L"}${x(p.tokensPerSPerUser).toFixed(1)},${y(p.tokensPerSPerChip).toFixed(1)}`,
    );
    if (path.length > 0)
      out.push(`<path d="${path.join(" ")}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const p of pts)
      out.push(
        `<circle cx="${x(p.tokensPerSPerUser).toFixed(1)}" cy="${y(p.tokensPerSPerChip).toFixed(1)}" r="3" fill="${colour}"><title>${esc(`${s.system}: ${p.label} — ${Math.round(p.tokensPerSPerChip)} tok/s/chip at ${p.tokensPerSPerUser.toFixed(1)} tok/s/user`)}</title></circle>`,
      );
    const ly = M.top + 14 + i * 16;
    out.push(
      `<rect x="${M.left + pw - 250}" y="${ly - 9}" width="10" height="10" fill="${colour}"/>`,
      `<text x="${M.left + pw - 235}" y="${ly}">${esc(`${s.system} (${s.scenario})`)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
