import { describe, expect, it } from "vitest";
import { offlineSearch } from "../perf/offline-point.ts";
import { SupernodeError } from "../spec/index.ts";
import {
  fixedOfflineLengths,
  kvPerSequence,
  lengthMoments,
  longestLength,
  offlineLengths,
  reservedToMaxTokens,
} from "./offline-lengths.ts";
import { parseScenario } from "./scenario.ts";

const scenario = (offline: string) =>
  parseScenario(
    `system: hgx-h200
model: llama-3.1-70b
precision: { weights: fp8, activations: fp8, kvCache: fp8 }
deployment:
  colocated: { chipsPerInstance: 8, attention: { tp: 8 }, denseFfn: { tp: 8 } }
offline: ${offline}`,
    "lengths.yaml",
  );

const error = (f: () => unknown): SupernodeError => {
  try {
    f();
  } catch (e) {
    if (e instanceof SupernodeError) return e;
    throw e;
  }
  throw new Error("expected a SupernodeError");
};

describe("offline length distributions", () => {
  it("a fixed length gives the fixed-length expressions exactly", () => {
    expect(offlineLengths(804, 3886)).toEqual({
      prompt: 804,
      output: 3886,
      decodeContext: 804 + 3886 / 2,
      reservation: 804 + 3886,
      promptPairsPerToken: 805 / 2,
      lengthsVary: false,
      outputsVary: false,
    });
    expect(offlineLengths({ kind: "fixed", tokens: 804 }, { kind: "fixed", tokens: 3886 })).toEqual(
      fixedOfflineLengths(804, 3886),
    );
  });

  it("weighs the decode context and the reservation by each answer's length", () => {
    // Answers of 1,000 or 3,000 tokens, equally likely: E[O] 2,000, E[O²] 5e6.
    const l = offlineLengths(500, {
      kind: "histogram",
      bins: [
        { tokens: 1000, weight: 1 },
        { tokens: 3000, weight: 1 },
      ],
    });
    expect(l.output).toBe(2000);
    expect(l.decodeContext).toBe(500 + 5e6 / 4000); // 1,750, not 500 + 2,000 / 2
    expect(l.reservation).toBe(500 + 5e6 / 2000); // 3,000, not 2,500
    expect(l.lengthsVary).toBe(true);
    expect(l.outputsVary).toBe(true);
    // A distribution without a spread (one bin) is a fixed length.
    const oneBin = offlineLengths({ kind: "histogram", bins: [{ tokens: 804, weight: 2 }] }, 3886);
    expect(oneBin.lengthsVary).toBe(false);
    // Prompts that vary under a fixed answer: sequences admitted together still finish together.
    const prompts = offlineLengths({ kind: "uniform", minTokens: 1, maxTokens: 1024 }, 1024);
    expect(prompts.lengthsVary).toBe(true);
    expect(prompts.outputsVary).toBe(false);
  });

  it("draws the moments as the samplers do (uniform integers, clamped normal and log-normal)", () => {
    expect(lengthMoments({ kind: "uniform", minTokens: 1, maxTokens: 3 }, "outputTokens")).toEqual({
      mean: 2,
      meanSquare: 14 / 3,
    });
    const normal = lengthMoments(
      { kind: "normal", meanTokens: 1000, stddevTokens: 100, minTokens: 1 },
      "promptTokens",
    );
    expect(normal.mean).toBeCloseTo(1000, 1);
    expect(normal.meanSquare - normal.mean ** 2).toBeCloseTo(100 ** 2 + 1 / 12, -1);
    const logn = lengthMoments(
      { kind: "lognormal", meanTokens: 2000, sigma: 0.5, minTokens: 1 },
      "outputTokens",
    );
    expect(logn.mean / 2000).toBeCloseTo(1, 3);
    expect(logn.meanSquare / 2000 ** 2).toBeCloseTo(Math.exp(0.25), 3);
    const capped = lengthMoments(
      { kind: "lognormal", meanTokens: 2000, sigma: 1, minTokens: 1, maxTokens: 4000 },
      "outputTokens",
    );
    expect(capped.mean).toBeLessThan(2000);
  });

  it("a distribution sizes the offline search; a fixed one at its mean keeps more sequences", () => {
    const fixed = offlineSearch(scenario("{ promptTokens: 1024, outputTokens: 1024 }"));
    const spread = offlineSearch(
      scenario(
        "{ promptTokens: 1024, outputTokens: { kind: histogram, bins: [{ tokens: 512, weight: 1 }, { tokens: 1536, weight: 1 }] } }",
      ),
    );
    expect(spread.outputTokens).toBe(1024);
    expect(spread.lengths?.decodeContext).toBe(1024 + (512 ** 2 + 1536 ** 2) / 2 / 2048);
    expect(spread.best.sequencesPerInstance).toBeLessThanOrEqual(fixed.best.sequencesPerInstance);
    expect(spread.best.outputTokensPerSPerChip).toBeLessThan(fixed.best.outputTokensPerSPerChip);
    expect(fixed.lengths).toBeUndefined();
  });

  it("refuses bad lengths, naming the field and what it expects", () => {
    expect(() => scenario("{ promptTokens: -5, outputTokens: 100 }")).toThrow(/promptTokens/);
    expect(() => scenario("{ promptTokens: 100, outputTokens: { kind: histogram, bins: [] } }")).toThrow(
      /outputTokens/,
    );
    const zero = error(() =>
      scenario("{ promptTokens: 100, outputTokens: { kind: histogram, bins: [{ tokens: 5, weight: 0 }] } }"),
    );
    expect(zero.message).toMatch(/offline\.outputTokens: .*expected a positive, finite sum/);
    const file = error(() =>
      scenario("{ promptTokens: 100, outputTokens: { kind: histogram, file: lengths.csv } }"),
    );
    expect(file.message).toMatch(/expected inline bins/);
    // Llama 3.1 70B: 131,072 positions.
    const long = error(() =>
      scenario(
        "{ promptTokens: { kind: fixed, tokens: 100000 }, outputTokens: { kind: uniform, minTokens: 40000, maxTokens: 60000 } }",
      ),
    );
    expect(long.message).toMatch(/above the model's context of 131,072 .*expected at most 131,072/);
  });
});

describe("the requests' max_tokens (offline.maxTokens)", () => {
  it("reserves the prompt plus the cap per sequence, and nothing else changes", () => {
    const fixed = fixedOfflineLengths(804, 3886);
    expect(reservedToMaxTokens(fixed, 20000)).toEqual({ ...fixed, reservation: 804 + 20000 });
    expect(reservedToMaxTokens(fixed, undefined)).toBe(fixed);
  });

  it("reserves at most the window in sliding-window layers (TensorRT-LLM's min with the attention window)", () => {
    // One full and one 128-token windowed layer of equal size; the cache counts tokens at 1,536.
    const bytesPerTokenAt = (c: number) => 1 + Math.min(1, 128 / c);
    const lengths = fixedOfflineLengths(1024, 1024);
    const held = 1024 + 32768;
    const windowed = reservedToMaxTokens(lengths, 32768, { context: 1536, bytesPerTokenAt });
    // the sequence's bytes, held + 128, in tokens of 1 + 128/1536 bytes
    expect(windowed.reservation).toBeCloseTo((held + 128) / (1 + 128 / 1536), 9);
    expect(windowed.reservation).toBeLessThan(held);
    // no windowed layers (or windowed layers keeping the whole context): the cap itself
    expect(reservedToMaxTokens(lengths, 32768, { context: 1536, bytesPerTokenAt: () => 2 }).reservation).toBe(
      held,
    );
  });

  it("gives gpt-oss's windowed layers their window under TensorRT-LLM only where the scenario says window", () => {
    const oss = (extra: string) =>
      offlineSearch(
        parseScenario(
          `system: hgx-h200
model: gpt-oss-20b
precision: { weights: bf16, kvCache: fp8 }
engine: { name: trtllm }
deployment:
  colocated: { chipsPerInstance: 1 }
offline: { promptTokens: 1024, outputTokens: 1024, maxTokens: 32768 }
${extra}`,
          "oss.yaml",
        ),
      );
    const held = 1024 + 32768;
    // TensorRT-LLM's default: one window (max_seq_len) for every layer, so the whole cap is held
    const single = oss("");
    expect(single.lengths?.reservation).toBe(held);
    // per-layer windows: 12 of 24 layers hold 128 tokens, the cache counts tokens at 1,536
    const window = oss("serving: { kvCache: { slidingWindowLayers: window } }");
    expect(window.lengths?.reservation).toBeCloseTo((held + 128) / (1 + 128 / 1536), 6);
    expect(window.best.sequencesPerInstance).toBe(
      Math.floor(window.kvCacheCapacityTokens / ((window.lengths?.reservation ?? 0) + 32)),
    );
  });

  it("bounds the answers from the length as written", () => {
    expect(longestLength(3886)).toBe(3886);
    expect(longestLength({ kind: "fixed", tokens: 700 })).toBe(700);
    expect(longestLength({ kind: "uniform", minTokens: 1, maxTokens: 3 })).toBe(3);
    const bins = [
      { tokens: 512, weight: 1 },
      { tokens: 1536, weight: 1 },
    ];
    expect(longestLength({ kind: "histogram", bins })).toBe(1536);
    // A bin of weight 0 is never drawn: it bounds no answer.
    expect(longestLength({ kind: "histogram", bins: [...bins, { tokens: 4096, weight: 0 }] })).toBe(1536);
    expect(
      longestLength({ kind: "lognormal", meanTokens: 2000, sigma: 1, minTokens: 1, maxTokens: 20000 }),
    ).toBe(20000);
    expect(longestLength({ kind: "lognormal", meanTokens: 2000, sigma: 1, minTokens: 1 })).toBeUndefined();
  });

  it("a cap far above the answers makes the KV cache bind the batch at capacity ÷ (prompt + cap)", () => {
    const own = offlineSearch(scenario("{ promptTokens: 1024, outputTokens: 1024 }"));
    const capped = offlineSearch(scenario("{ promptTokens: 1024, outputTokens: 1024, maxTokens: 32768 }"));
    expect(own.limit).toBe("throughput");
    expect(capped.limit).toBe("kv-cache");
    expect(capped.lengths?.reservation).toBe(1024 + 32768);
    expect(capped.lengths?.decodeContext).toBe(1024 + 512); // what a step attends does not change
    // The KV-bound batch: capacity ÷ (reservation + a 128-token block), one attention-DP group.
    expect(capped.best.sequencesPerInstance).toBe(
      Math.floor(capped.kvCacheCapacityTokens / (1024 + 32768 + 128)),
    );
    expect(capped.best.sequencesPerInstance).toBeLessThan(own.best.sequencesPerInstance);
    expect(capped.best.outputTokensPerSPerChip).toBeLessThan(own.best.outputTokensPerSPerChip);
  });

  it("refuses a cap below the longest answer, at offline.maxTokens", () => {
    const fixed = error(() => scenario("{ promptTokens: 1024, outputTokens: 1024, maxTokens: 512 }"));
    expect(fixed.message).toMatch(
      /offline\.maxTokens 512 is below the longest answer .*expected at least 1,024/,
    );
    expect(fixed.location.fieldPath).toEqual(["offline", "maxTokens"]);
    const histogram = error(() =>
      scenario(
        "{ promptTokens: 1024, outputTokens: { kind: histogram, bins: [{ tokens: 512, weight: 1 }, { tokens: 1536, weight: 1 }] }, maxTokens: 1024 }",
      ),
    );
    expect(histogram.message).toMatch(/longest answer of outputTokens \(1,536 tokens\)/);
    const uncapped = error(() =>
      scenario(
        "{ promptTokens: 1024, outputTokens: { kind: lognormal, meanTokens: 2000, sigma: 1, minTokens: 1 }, maxTokens: 1000 }",
      ),
    );
    expect(uncapped.message).toMatch(/below the mean answer of outputTokens \(2,00\d tokens\)/);
    expect(() => scenario("{ promptTokens: 1024, outputTokens: 1024, maxTokens: 0 }")).toThrow(/maxTokens/);
  });
});

describe("kvPerSequence", () => {
  it("is the reservation under GUARANTEED_NO_EVICT (the default) and the held decode context under MAX_UTILIZATION", () => {
    const fixed = fixedOfflineLengths(222, 294);
    expect(kvPerSequence(fixed, undefined)).toBe(516);
    expect(kvPerSequence(fixed, "guaranteed-no-evict")).toBe(516);
    expect(kvPerSequence(fixed, "max-utilization")).toBe(369);
    // Answers of 1 or 3 tokens (equally likely): held E[I] + E[O²]/(2·E[O]) = 100 + 5/4, reserved 100 + 5/2.
    const varied = offlineLengths(100, {
      kind: "histogram",
      bins: [
        { tokens: 1, weight: 1 },
        { tokens: 3, weight: 1 },
      ],
    });
    expect(kvPerSequence(varied, "max-utilization")).toBeCloseTo(101.25, 9);
    expect(kvPerSequence(varied, "guaranteed-no-evict")).toBeCloseTo(102.5, 9);
  });
});
