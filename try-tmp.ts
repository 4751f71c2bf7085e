import { endToEndCaseSpecs, endToEndCaseScenario } from "./packages/core/src/report/validate-end-to-end.ts";
import { estimate, serverRate } from "./packages/core/src/index.ts";
for (const id of ["mlperf51-r1-server-b200", "mlperf51-r1-server-gb200"]) {
  const spec = endToEndCaseSpecs().find((s) => s.id === id)!;
  const scenario = endToEndCaseScenario(spec);
  const e = estimate(scenario);
  const r0 = (e.offline!.best.outputTokensPerSPerInstance) / e.offline!.outputTokens;
  const c0 = process.cpuUsage(); const t0 = performance.now();
  const r = serverRate(scenario, { percentile: 0.99, ttftS: 2, tpotS: 0.08 }, { initialRatePerS: r0 });
  const cpu = process.cpuUsage(c0); const ms = (cpu.user + cpu.system) / 1000;
  console.log(id, "r0", r0.toFixed(2), "runs", r.runs.length, "ms", ms.toFixed(0), "cpu-ish");
  for (const run of r.runs) console.log("  ", run.ratePerS.toFixed(3), run.requests, run.ttftS.toFixed(3), (run.tpotS * 1e3).toFixed(2), run.meetsLimits, run.outputTokensPerSPerChip.toFixed(1));
  console.log("  best", r.best.ratePerS.toFixed(3), r.best.outputTokensPerSPerChip.toFixed(1), "above", r.above.ratePerS.toFixed(3));
}
