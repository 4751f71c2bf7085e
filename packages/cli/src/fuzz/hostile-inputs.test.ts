/**
 * The hostile inputs of issue 18, one line each: every one ends in the project's own error at a
 * location — never a TypeError/RangeError, a stack overflow, NaN/∞ in a result, or a run without end.
 */
import { readFileSync } from "node:fs";
import { parseScenario, SupernodeError, simulate } from "@supernode/core";
import { describe, expect, it } from "vitest";
import { type FuzzCase, fuzzOne } from "./fuzz-target.ts";

const example = (name: string) =>
  readFileSync(new URL(`../../../../examples/${name}`, import.meta.url), "utf8");
const host = example("cloudmatrix384-deepseek-r1-serving.yaml");
const llama = readFileSync(new URL("../../../core/data/models/llama-3.1-8b.json", import.meta.url), "utf8");

const override = (text: string): FuzzCase => ({
  kind: "override",
  fileName: "--set",
  text,
  hostScenario: host,
});

let bomb = 'a0: &a0 ["x","x","x","x","x","x","x","x","x"]\n';
for (let i = 1; i < 12; i++) bomb += `a${i}: &a${i} [*a${i - 1},*a${i - 1},*a${i - 1},*a${i - 1}]\n`;

const cases: Array<[string, FuzzCase, RegExp]> = [
  ["a YAML alias bomb", { kind: "scenario", fileName: "s.yaml", text: `${bomb}${host}` }, /alias bomb/],
  [
    "an undefined alias",
    { kind: "scenario", fileName: "s.yaml", text: `system: *nope\n` },
    /s\.yaml:1:9.*\*nope/,
  ],
  [
    "a 500-level nesting",
    { kind: "scenario", fileName: "s.yaml", text: `a: ${"[".repeat(500)}${"]".repeat(500)}` },
    /nests deeper than 64/,
  ],
  [
    'model_type "constructor"',
    {
      kind: "hf-config",
      fileName: "c.json",
      text: llama.replace('"llama"', '"constructor"'),
      hostScenario: host,
    },
    /unknown model_type "constructor"/,
  ],
  [
    "2^32 layers",
    {
      kind: "hf-config",
      fileName: "c.json",
      text: llama.replace(/"num_hidden_layers": \d+/, '"num_hidden_layers": 4294967296'),
      hostScenario: host,
    },
    /num_hidden_layers.*at most|from 1 to 10,000/,
  ],
  ["10^9 prefill instances", override("deployment.prefill.instances=1e9"), /at most 10,000 instances/],
  ["2^31-token prompts", override("workload.promptTokens={kind: fixed, tokens: 2147483648}"), /tokens/],
  ["an imbalance factor of 1e300", override("deployment.decode.expertImbalance=1e300"), /factor from 1 to/],
  ["10^9 MTP draft tokens", override("deployment.decode.mtp.draftTokens=1e9"), /draft tokens/],
  ["10^9 requests", override("workload.requests=1e9"), /requests/],
  [
    "a 2^31-token histogram bin",
    {
      kind: "trace",
      fileName: "t.jsonl",
      text: '{"arrivalS": 0, "promptTokens": 2147483648, "outputTokens": 10}',
      hostScenario: host,
    },
    /promptTokens.*16,777,216/,
  ],
  [
    "a 1e308 GB/s link",
    {
      kind: "hardware",
      fileName: "h.yaml",
      text: example("hardware/cloudmatrix384-half-ub.yaml").replace(/linkGBps: [^\n]*/, "linkGBps: 1e308"),
    },
    /at most|from 1e-9/,
  ],
];

describe("hostile inputs end in a located error", () => {
  for (const [what, input, message] of cases)
    it(what, () => {
      const { outcome, detail } = fuzzOne(input);
      expect({ outcome, detail }).toMatchObject({ outcome: "error" });
      expect(detail).toMatch(message);
    });
});

describe("run sizes", () => {
  it("refuses a duration whose arrivals would exceed 10^8 requests, before running", () => {
    const scenario = parseScenario(host, "host.yaml");
    expect(() => simulate(scenario, { durationS: 3e7 })).toThrow(SupernodeError);
    expect(() => simulate(scenario, { durationS: 3e7 })).toThrow(/about 3,600,000,000 requests/);
  });
});
