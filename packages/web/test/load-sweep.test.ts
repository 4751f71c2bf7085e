/**
 * The load sweep's job in Node: each point is core's `simulate` on the scenario with only the
 * arrival rate overridden (checked against a direct core run), and the max load under the SLO is
 * the last rate before the first miss.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseOverride, parseScenario, simulate } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { sweepRates } from "../src/views/load-sweep.tsx";
import { loadSweepJob, maxLoadUnderSlo } from "../src/worker/jobs/load-sweep-job.ts";

const FILE = "cloudmatrix384-deepseek-r1-serving.yaml";
/** The shipped serving example with a 0.5 s TTFT SLO (its 2 s one is met up to 240 requests/s in short runs). */
const TIGHT_TTFT_TEXT = readFileSync(join(import.meta.dirname, "../../../examples", FILE), "utf8").replace(
  "slo: { ttftS: 2, tpotS: 0.05 }",
  "slo: { ttftS: 0.5, tpotS: 0.05 }",
);

describe("load sweep", () => {
  it("takes the last rate before the first miss as the max load", () => {
    const pts = (a: number[]) => a.map((attainment, i) => ({ ratePerS: 10 * (i + 1), attainment }));
    expect(maxLoadUnderSlo(pts([1, 0.95, 0.8, 0.99]), 0.9)).toEqual({ max: 20, firstMiss: 30 });
    expect(maxLoadUnderSlo(pts([0.5, 1]), 0.9)).toEqual({ firstMiss: 10 });
    expect(maxLoadUnderSlo(pts([1, 1]), 0.9)).toEqual({ max: 20 });
  });

  it("spaces rates evenly from the first to the last", () => {
    expect(sweepRates(30, 240, 4)).toEqual([30, 100, 170, 240]);
    expect(sweepRates(5, 5, 3)).toEqual([5]);
  });

  it("runs core's simulator at each rate and finds where the TTFT SLO starts to miss", () => {
    expect(TIGHT_TTFT_TEXT).toContain("ttftS: 0.5");
    const sweep = loadSweepJob(
      { text: TIGHT_TTFT_TEXT, fileName: FILE, ratesPerS: [240, 30, 170], requests: 200, target: 0.9 },
      () => {},
    );
    expect(sweep.points.map((p) => p.ratePerS)).toEqual([30, 170, 240]);
    const direct = simulate(
      parseScenario(TIGHT_TTFT_TEXT, FILE, undefined, {
        overrides: [parseOverride("workload.arrival.ratePerS=170")],
      }),
      { requests: 200 },
    ).summary;
    expect(sweep.points[1]?.ttftS.p99).toBe(direct.ttftS.p99);
    expect(sweep.points[1]?.attainment).toBe(direct.slo.attainment);
    expect(sweep.slo).toEqual({ ttftS: 0.5, tpotS: 0.05 });
    const { max, firstMiss } = maxLoadUnderSlo(sweep.points, 0.9);
    // The 0.5 s TTFT limit is met at the lowest rate and missed at the highest.
    expect(max).toBeDefined();
    expect(firstMiss).toBeGreaterThan(max ?? Number.POSITIVE_INFINITY);
    expect(sweep.maxRatePerS).toBe(max);
    expect(sweep.firstMissPerS).toBe(firstMiss);
    // TTFT p99 grows with the load.
    expect(sweep.points[2]?.ttftS.p99 ?? 0).toBeGreaterThan(sweep.points[0]?.ttftS.p99 ?? 0);
  }, 60_000);

  it("refuses an arrival without a rate, naming the field", () => {
    const closed = TIGHT_TTFT_TEXT.replace(
      "arrival: { kind: poisson, ratePerS: 120 }",
      "arrival: { kind: closed-loop, concurrency: 10 }",
    );
    expect(() =>
      loadSweepJob({ text: closed, fileName: FILE, ratesPerS: [1], target: 0.9 }, () => {}),
    ).toThrow(/workload\.arrival\.ratePerS.*closed-loop/);
  });
});
