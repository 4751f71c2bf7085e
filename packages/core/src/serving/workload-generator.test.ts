import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/errors.ts";
import { workloadSchema } from "../spec/workload-schema.ts";
import { lengthSampler, parseHistogramText } from "./length-distribution.ts";
import { RequestPool } from "./request-pool.ts";
import { Rng } from "./rng.ts";
import { parseTrace } from "./trace-reader.ts";
import { WorkloadGenerator } from "./workload-generator.ts";

function gaps(arrival: unknown, n: number): number[] {
  const spec = workloadSchema.parse({
    arrival,
    promptTokens: { kind: "fixed", tokens: 10 },
    outputTokens: { kind: "fixed", tokens: 10 },
  });
  const gen = new WorkloadGenerator(spec, new Map(), 3, { requests: n });
  const pool = new RequestPool(n);
  const times: number[] = [];
  while (gen.nextTimeS < Number.POSITIVE_INFINITY)
    times.push(pool.arrivalS[gen.emitOpenLoop(pool)] as number);
  return times.slice(1).map((t, i) => t - (times[i] as number));
}

function meanAndCv2(values: number[]): { mean: number; cv2: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, cv2: variance / mean ** 2 };
}

describe("arrival processes", () => {
  it("Poisson: mean gap 1/rate, squared coefficient of variation 1", () => {
    const { mean, cv2 } = meanAndCv2(gaps({ kind: "poisson", ratePerS: 20 }, 50_000));
    expect(mean).toBeCloseTo(0.05, 2);
    expect(cv2).toBeGreaterThan(0.95);
    expect(cv2).toBeLessThan(1.05);
  });

  it("Gamma: burstiness is the squared coefficient of variation of the gaps", () => {
    for (const burstiness of [0.25, 4]) {
      const { mean, cv2 } = meanAndCv2(gaps({ kind: "gamma", ratePerS: 10, burstiness }, 50_000));
      expect(mean).toBeCloseTo(0.1, 2);
      expect(cv2 / burstiness).toBeGreaterThan(0.93);
      expect(cv2 / burstiness).toBeLessThan(1.07);
    }
  });

  it("piecewise: the count in each segment follows its rate", () => {
    const spec = workloadSchema.parse({
      arrival: {
        kind: "piecewise",
        segments: [
          { durationS: 10, ratePerS: 100 },
          { durationS: 10, ratePerS: 10 },
        ],
      },
      promptTokens: { kind: "fixed", tokens: 1 },
      outputTokens: { kind: "fixed", tokens: 1 },
    });
    const gen = new WorkloadGenerator(spec, new Map(), 1, { durationS: 40 });
    const pool = new RequestPool(16);
    const counts = [0, 0, 0, 0];
    while (gen.nextTimeS < Number.POSITIVE_INFINITY) {
      const t = pool.arrivalS[gen.emitOpenLoop(pool)] as number;
      counts[Math.floor(t / 10)] = (counts[Math.floor(t / 10)] ?? 0) + 1;
    }
    expect(counts[0]).toBeGreaterThan(900);
    expect(counts[0]).toBeLessThan(1100);
    expect(counts[1]).toBeGreaterThan(60);
    expect(counts[1]).toBeLessThan(140);
    expect(counts[2]).toBeGreaterThan(900); // the cycle repeats
  });

  it("the same seed gives the same arrivals, another seed different ones", () => {
    expect(gaps({ kind: "poisson", ratePerS: 5 }, 100)).toEqual(gaps({ kind: "poisson", ratePerS: 5 }, 100));
    const spec = workloadSchema.parse({
      arrival: { kind: "poisson", ratePerS: 5 },
      promptTokens: { kind: "fixed", tokens: 1 },
      outputTokens: { kind: "fixed", tokens: 1 },
    });
    const other = new WorkloadGenerator(spec, new Map(), 4, { requests: 10 });
    expect(other.nextTimeS).not.toBe(new WorkloadGenerator(spec, new Map(), 3, { requests: 10 }).nextTimeS);
  });
});

describe("length distributions", () => {
  const rng = new Rng(5, 0);
  const sample = (spec: Parameters<typeof lengthSampler>[0], n = 20_000) => {
    const s = lengthSampler(spec, new Map([["h.csv", "tokens,weight\n100,3\n1000,1\n"]]));
    return Array.from({ length: n }, () => s(rng));
  };
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

  it("fixed, uniform, normal and log-normal have the requested means and bounds", () => {
    expect(new Set(sample({ kind: "fixed", tokens: 7 }))).toEqual(new Set([7]));
    const uniform = sample({ kind: "uniform", minTokens: 10, maxTokens: 20 });
    expect(Math.min(...uniform)).toBe(10);
    expect(Math.max(...uniform)).toBe(20);
    expect(mean(sample({ kind: "normal", meanTokens: 500, stddevTokens: 50, minTokens: 1 }))).toBeCloseTo(
      500,
      -1,
    );
    const lognormal = sample({ kind: "lognormal", meanTokens: 300, sigma: 0.8, minTokens: 1 });
    expect(mean(lognormal) / 300).toBeGreaterThan(0.95);
    expect(mean(lognormal) / 300).toBeLessThan(1.05);
  });

  it("an empirical histogram from a file reproduces its weights", () => {
    const values = sample({ kind: "histogram", file: "h.csv" });
    const share = values.filter((v) => v === 100).length / values.length;
    expect(share).toBeGreaterThan(0.73);
    expect(share).toBeLessThan(0.77);
  });

  it("a malformed histogram names the file and line", () => {
    expect(() => parseHistogramText("tokens,weight\n10,1\nabc,2\n", "h.csv")).toThrow(/h\.csv:3/);
  });

  it("a JSON histogram entry that is not an object is a SupernodeError, not a crash", () => {
    expect(() => parseHistogramText("[null]", "h.json")).toThrow(SupernodeError);
    expect(() => parseHistogramText('[{"tokens":10,"weight":1}, 5]', "h.json")).toThrow(SupernodeError);
  });
});

describe("trace files", () => {
  it("reads JSONL and CSV, sorting by arrival and numbering prefix ids", () => {
    const jsonl = parseTrace(
      '{"arrivalS":2,"promptTokens":100,"outputTokens":5,"prefixId":"sys","prefixTokens":50}\n' +
        '{"arrivalS":1,"promptTokens":80,"outputTokens":4}\n',
      "t.jsonl",
    );
    expect(Array.from(jsonl.arrivalS)).toEqual([1, 2]);
    expect(Array.from(jsonl.prefixGroup)).toEqual([-1, 0]);
    const csv = parseTrace("promptTokens,arrivalS,outputTokens\n10,0.5,3\n20,0.25,4\n", "t.csv");
    expect(Array.from(csv.promptTokens)).toEqual([20, 10]);
  });

  it("reports the line and field of a bad row", () => {
    try {
      parseTrace(
        '{"arrivalS":0,"promptTokens":10,"outputTokens":5}\n{"arrivalS":1,"promptTokens":-1,"outputTokens":5}\n',
        "t.jsonl",
      );
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SupernodeError);
      expect((error as Error).message).toMatch(/t\.jsonl:2.*promptTokens/);
    }
  });

  it("an empty CSV cell is missing, not zero", () => {
    expect(() => parseTrace("arrivalS,promptTokens,outputTokens\n,10,3\n", "t.csv")).toThrow(
      /t\.csv:2.*arrivalS/,
    );
  });
});
