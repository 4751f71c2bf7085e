/**
 * Benchmarks of the serving simulator (prints figures; not a test):
 *   node --import tsx bench/serving.bench.ts [--requests 1000000] [--quick]
 *
 * Reference run: DeepSeek-R1 on CloudMatrix384, 6 prefill instances of 16 NPUs and one decode
 * instance of 160 NPUs (the deployments of examples/cloudmatrix384-deepseek-r1-{prefill,decode}.yaml),
 * 4K-token prompts, 256 output tokens, Poisson arrivals. Then the scaling of cost with the number
 * of requests and with the output length (which must stay flat: no per-token work).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import {
  parseScenario,
  type Scenario,
  type SimulationResult,
  servingModelOf,
  simulate,
} from "../packages/core/src/index.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const requestsFlag = args.indexOf("--requests");
const referenceRequests = requestsFlag >= 0 ? Number(args[requestsFlag + 1]) : quick ? 100_000 : 1_000_000;

function referenceScenario(ratePerS: number, outputTokens: number): Scenario {
  const decode = parse(readFileSync(`${root}examples/cloudmatrix384-deepseek-r1-decode.yaml`, "utf8"));
  const prefill = parse(readFileSync(`${root}examples/cloudmatrix384-deepseek-r1-prefill.yaml`, "utf8"));
  const doc = {
    ...decode,
    name: "DeepSeek-R1 serving on CloudMatrix384: 6 × 16-NPU prefill, 1 × 160-NPU decode",
    deployment: { prefill: prefill.deployment.prefill, decode: decode.deployment.decode },
    workload: {
      arrival: { kind: "poisson", ratePerS },
      promptTokens: { kind: "fixed", tokens: 4096 },
      outputTokens: { kind: "fixed", tokens: outputTokens },
    },
    serving: {
      router: "least-outstanding",
      scheduler: { maxBatchTokens: 65536 },
      kvTransfer: { plane: "rdma" },
      slo: { ttftS: 2, tpotS: 0.05 },
      recordRequests: false,
    },
  };
  return parseScenario(stringify(doc), "bench/serving (reference scenario)");
}

interface Run {
  readonly result: SimulationResult;
  readonly wallS: number;
  readonly heapMB: number;
}

function run(scenario: Scenario, requests: number): Run {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let peakHeap = heapBefore;
  const start = performance.now();
  const result = simulate(scenario, {
    requests,
    seed: 1,
    onProgress: () => {
      const heap = process.memoryUsage().heapUsed;
      if (heap > peakHeap) peakHeap = heap;
    },
  });
  const wallS = (performance.now() - start) / 1000;
  return { result, wallS, heapMB: (peakHeap - heapBefore) / 1e6 };
}

const fmt = (x: number, digits = 0) => x.toLocaleString("en-US", { maximumFractionDigits: digits });

function report(label: string, r: Run, requests: number): void {
  const s = r.result.summary;
  const decode = r.result.instances.find((i) => i.role === "decode");
  console.log(
    `${label}: ${fmt(requests)} requests in ${r.wallS.toFixed(2)} s wall → ${fmt(requests / r.wallS)} requests/s, ` +
      `${fmt(s.engine.events / r.wallS)} events/s (${fmt(s.engine.events)} events, ${fmt(s.engine.decodeSteps)} decode steps); ` +
      `heap +${fmt(r.heapMB)} MB, rss ${fmt(process.memoryUsage().rss / 1e6)} MB`,
  );
  console.log(
    `  simulated ${fmt(s.simulatedS, 1)} s: TTFT p50/p99 ${fmt(s.ttftS.p50 * 1e3, 1)}/${fmt(s.ttftS.p99 * 1e3, 1)} ms, ` +
      `TPOT p50/p99 ${fmt(s.tpotS.p50 * 1e3, 1)}/${fmt(s.tpotS.p99 * 1e3, 1)} ms, ` +
      `output ${fmt(s.throughput.outputTokensPerSPerChip)} tokens/s per chip, SLO attainment ${(s.slo.attainment * 100).toFixed(1)} %, ` +
      `decode KV use mean ${((decode?.meanKvUse ?? 0) * 100).toFixed(1)} %`,
  );
}

// Prefill capacity of the reference deployment, from the step model: a full 65,536-token
// iteration (16 prompts of 4K tokens) on one instance, six instances.
const tokensPerIteration = 65536;
const prefillPerf = servingModelOf(referenceScenario(1, 256)).prefill?.perf;
if (prefillPerf === undefined) throw new Error("the reference scenario has no prefill group");
const prefillStepS = prefillPerf.prefillStepS({
  sequences: tokensPerIteration / 4096,
  newTokens: tokensPerIteration,
  attendedTokenPairs: (tokensPerIteration * (4096 + 1)) / 2,
});
const prefillRequestsPerS = (6 * tokensPerIteration) / 4096 / prefillStepS;
const rate = Math.round(0.9 * prefillRequestsPerS);
const decodeLimit = 96 * 160;
console.log(
  `reference deployment: prefill capacity ≈ ${fmt(prefillRequestsPerS)} requests/s (one 16 × 4K iteration ${fmt(prefillStepS * 1e3)} ms); ` +
    `arrival rate ${rate} requests/s (90 %). Decode batch limit ${fmt(decodeLimit)} sequences.`,
);

const reference = referenceScenario(rate, 256);
const ref = run(reference, referenceRequests);
report("reference run", ref, referenceRequests);
const decodeSeries = ref.result.timeSeries.running;
console.log(
  `  sequences running (prefill + decode), peak ${fmt(Math.max(...decodeSeries))} of the decode limit ${fmt(decodeLimit)}`,
);

// The prefill pool caps the arrival rate (printed above), which with 256-token outputs fills only a
// small part of the decode batch (the peak is printed). Longer outputs at the same rate keep the
// decode pool near its batch limit (Little: rate × output tokens / tokens per step × step time).
const nearLimit = referenceScenario(rate, 2048);
const near = run(nearLimit, referenceRequests);
report("decode near its batch limit (2,048 output tokens)", near, referenceRequests);
console.log(
  `  sequences running (prefill + decode), peak ${fmt(Math.max(...near.result.timeSeries.running))} of the decode limit ${fmt(decodeLimit)}`,
);

console.log("\nscaling with the number of requests (same scenario):");
for (const n of quick ? [10_000, 30_000, 100_000] : [10_000, 100_000, 1_000_000]) {
  const r = n === referenceRequests ? ref : run(reference, n);
  console.log(
    `  ${fmt(n).padStart(9)} requests: ${r.wallS.toFixed(2)} s, ${fmt((r.wallS / n) * 1e6, 2)} µs per request`,
  );
}

console.log("\nscaling with the output length (100,000 requests, same arrival rate):");
for (const output of [64, 256, 1024, 4096]) {
  const r = run(referenceScenario(rate, output), 100_000);
  console.log(
    `  ${String(output).padStart(5)} output tokens: ${r.wallS.toFixed(2)} s, ${fmt(r.result.summary.engine.events)} events, ${fmt(r.result.summary.engine.decodeSteps)} decode steps`,
  );
}
