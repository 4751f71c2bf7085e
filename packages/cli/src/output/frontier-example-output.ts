/**
 * Output of `supernode frontier --example <id>`: the frontiers of every series, the ratio at the
 * stated interactivity beside the published claim, and the factors (the target re-run with one
 * factor taken away each), as text or as JSON (SI units; frontier points only, not every point).
 */
import type { ExampleSeriesResult, FrontierExampleResult, ServingSearchPoint } from "@supernode/core";
import { makeTable } from "@supernode/core";
import { enUs } from "./locale-number.ts";
import { renderTable } from "./render.ts";

const fmt = (x: number, digits = 0) => enUs(x, digits);

function pointJson(p: ServingSearchPoint) {
  return {
    mode: p.mode,
    label: p.label,
    tokensPerSPerUser: p.tokensPerSPerUser,
    tokensPerSPerChip: p.tokensPerSPerChip,
    tpotS: p.tpotS,
    ttftS: p.ttftS,
    tokensPerKw: p.tokensPerKw,
    ...(p.tokensPerDollar !== undefined ? { tokensPerDollar: p.tokensPerDollar } : {}),
    decodeChipShare: p.decodeChipShare,
  };
}

function seriesJson(s: ExampleSeriesResult) {
  return {
    id: s.id,
    label: s.label,
    system: s.system,
    chipsPerSystem: s.chipsPerSystem,
    candidates: s.candidates,
    evaluated: s.evaluated,
    pruned: s.pruned,
    meetSlo: s.result.ranked.length,
    frontier: s.result.frontier.map(pointJson),
    ...(s.atPoint !== undefined ? { atPoint: pointJson(s.atPoint) } : {}),
  };
}

/** The example's result as JSON-ready data. */
export function exampleJson(r: FrontierExampleResult, cpuS: number) {
  const candidates = [...r.series, ...r.variants].reduce((n, s) => n + s.candidates, 0);
  return {
    example: r.example,
    series: r.series.map(seriesJson),
    variants: r.variants.map(seriesJson),
    ...(r.ratio !== undefined ? { ratio: r.ratio } : {}),
    ...(r.example.claim.ratio !== undefined ? { claimedRatio: r.example.claim.ratio } : {}),
    factors: r.factors,
    ...(r.remainder !== undefined ? { remainder: r.remainder } : {}),
    candidates,
    cpuS,
    configsPerCpuS: cpuS > 0 ? candidates / cpuS : 0,
  };
}

/** The example's result as text: frontiers, ratio, factors. */
export function exampleText(r: FrontierExampleResult, cpuS: number): string {
  const e = r.example;
  const all = [...r.series, ...r.variants];
  const table = makeTable(
    [
      { key: "series", header: "series" },
      { key: "mode", header: "mode" },
      { key: "user", header: "tok/s/user", align: "right" },
      { key: "chip", header: "tok/s/chip", align: "right" },
      { key: "ttft", header: "TTFT s", align: "right" },
      { key: "deployment", header: "deployment" },
    ],
    all.flatMap((s) =>
      s.result.frontier.map((p) => ({
        series: s.id,
        mode: p.mode === "disaggregated" ? "disagg" : "chunked",
        user: Number(p.tokensPerSPerUser.toFixed(1)),
        chip: Number(p.tokensPerSPerChip.toFixed(1)),
        ttft: Number(p.ttftS.toFixed(2)),
        deployment: p.label,
      })),
    ),
  );
  const at = e.atTokensPerSPerUser;
  const reach = (s: (typeof all)[number]) =>
    `no deployment reaches it (at most ${fmt(Math.max(0, ...s.result.frontier.map((p) => p.tokensPerSPerUser)), 1)} tokens/s per user)`;
  const unreached = r.series.filter((s) => s.atPoint === undefined).map((s) => s.label);
  const lines = [
    e.title,
    `request: ${fmt(e.shape.inputTokens)} input / ${fmt(e.shape.outputTokens)} output tokens; TTFT ≤ ${fmt(e.slo.ttftS ?? 0, 1)} s; frontier of tokens/s per chip (all chips, prefill included) vs tokens/s per user`,
    renderTable(table),
    `at ≥ ${at} tokens/s per user (TPOT ≤ ${fmt(1000 / at, 0)} ms):`,
    ...all.map(
      (s) =>
        `  ${s.label}: ${s.atPoint !== undefined ? `${fmt(s.atPoint.tokensPerSPerChip, 1)} tokens/s per chip, ${fmt(s.atPoint.tokensPerSPerChip * s.chipsPerSystem)} per system (${s.chipsPerSystem} chips), ${fmt(s.atPoint.tokensPerKw, 1)} per kW — ${s.atPoint.label}` : reach(s)}`,
    ),
    `ratio ${r.series[0]?.label ?? ""} ÷ ${r.series[1]?.label ?? ""} per chip: ${r.ratio !== undefined ? `${fmt(r.ratio, 2)}×` : `none (${unreached.join(" and ")} ${unreached.length > 1 ? "reach" : "reaches"} no deployment at ${at} tokens/s per user)`} (${e.claim.ratio !== undefined ? `claimed: ${e.claim.ratio}×` : e.claim.text} — ${e.claim.sources.map((s) => s.url).join(", ")})`,
    ...(r.factors.length > 0
      ? ["factors (target ÷ target without the factor, at the same interactivity):"]
      : []),
    ...r.factors.map(
      (f) =>
        `  ${f.factor}: ${f.gain !== undefined ? `${fmt(f.gain, 2)}×` : "none (a side reaches no deployment)"} (${f.variant})`,
    ),
    ...(r.remainder !== undefined
      ? [`  the rest (chip, software model, everything else): ${fmt(r.remainder, 2)}×`]
      : []),
    `${fmt(all.reduce((n, s) => n + s.candidates, 0))} candidates in ${fmt(cpuS, 1)} CPU-s`,
  ];
  return `${lines.join("\n")}\n`;
}
