import { describe, expect, it } from "vitest";
import { builtinCatalog } from "../catalog/index.ts";
import { MICROSECOND } from "../spec/index.ts";
import { engineOwnAllReduce } from "./engine-all-reduce.ts";
import { engineAllReducePrediction } from "./engine-all-reduce-case.ts";
import { fabricModel } from "./fabric-model.ts";
import {
  builtinVllmCustomAllReduce,
  oneStage,
  parseVllmCustomAllReduce,
  runsSymmetricMemory,
  vllmCustomAllReduceS,
  vllmCustomLoadedBytes,
} from "./vllm-custom-all-reduce.ts";

const model = (id: string) => fabricModel(builtinCatalog().system(id));
const caseUs = (engine: string, system: "dgx-b200" | "hgx-h100", ranks: number, bytes: number) =>
  engineAllReducePrediction({ kind: "engine-all-reduce", engine, system, ranks, bytes, metric: "time" });

describe("vLLM's custom TP all-reduce (vllm-custom-all-reduce.yaml)", () => {
  it("takes one-stage at 2 ranks and below 512 / 256 KiB at 4 / 8 ranks, two-stage above", () => {
    expect(oneStage(2, 4 << 20)).toBe(true);
    expect(oneStage(4, (512 << 10) - 2)).toBe(true);
    expect(oneStage(4, 512 << 10)).toBe(false);
    expect(oneStage(8, (256 << 10) - 2)).toBe(true);
    expect(oneStage(8, 256 << 10)).toBe(false);
  });

  it("loads (n − 1) × S one-stage and 2 × (n − 1) / n × S two-stage; other engines' own kernels (n − 1) × S", () => {
    expect(vllmCustomLoadedBytes(2, 4 << 20)).toBe(4 << 20);
    expect(vllmCustomLoadedBytes(8, 128 << 10)).toBe(7 * (128 << 10));
    expect(vllmCustomLoadedBytes(8, 4 << 20)).toBe((2 * 7 * (4 << 20)) / 8);
    // the kernel that runs decides: vLLM's custom two-stage at TP4 / 1 MiB, TensorRT-LLM's one-shot (2 rows, NCCL slower)
    const own = (engine: string) => engineOwnAllReduce(engine, "0.11.1", model("dgx-b200"), 4, 2, 1 << 20, 1);
    expect(own("vllm")?.loadedBytes).toBe((2 * 3 * (1 << 20)) / 4);
    expect(own("trtllm")?.loadedBytes).toBe(3 * (1 << 20));
  });

  it("costs fixed + per peer and the loaded bytes at the kernel's load rate, small and large", () => {
    const b200 = model("dgx-b200");
    // 256 B at 2 ranks: the fixed cost (the table's 6.598 us)
    expect((vllmCustomAllReduceS("vllm", "0.11.1", b200, 2, 256) ?? 0) / MICROSECOND).toBeCloseTo(
      6.449 + 0.1485 + 256 / 144.6e3,
      6,
    );
    // 2 MiB at 2 ranks (a 128-sequence Llama 70B decode step's TP2 all-reduce): one-stage, S loaded once
    expect((vllmCustomAllReduceS("vllm", "0.11.1", b200, 2, 2 ** 21) ?? 0) / MICROSECOND).toBeCloseTo(
      6.449 + 0.1485 + 2 ** 21 / 144.6e3,
      6,
    );
    // 4 MiB at 4 ranks on H100: two-stage, 2 x 3/4 x S loaded
    expect(
      (vllmCustomAllReduceS("vllm", "0.11.1", model("hgx-h100"), 4, 2 ** 22) ?? 0) / MICROSECOND,
    ).toBeCloseTo(4.208 + 3 * 0.0586 + (1.5 * 2 ** 22) / 264.0e3, 6);
  });

  it("falls back to NCCL at and above its max size, at other world sizes, engines and fabrics", () => {
    const b200 = model("dgx-b200");
    const max = builtinVllmCustomAllReduce().maxBytes;
    expect(max).toBe(8 * 2 ** 20);
    expect(vllmCustomAllReduceS("vllm", "0.11.1", b200, 2, max - 16)).toBeDefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.1", b200, 2, max)).toBeUndefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.1", b200, 3, 8192)).toBeUndefined();
    expect(vllmCustomAllReduceS("sglang", "0.11.1", b200, 2, 8192)).toBeUndefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.1", model("cloudmatrix384"), 2, 8192)).toBeUndefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.1", model("hgx-a100"), 2, 8192)).toBeUndefined(); // no NVLink 3 entry
    // vLLM disables the kernel for a group spanning hosts: an NVL72 rack's 4-GPU trays are hosts
    const gb200 = model("gb200-nvl72");
    expect(gb200.ranksPerServer).toBe(4);
    expect(vllmCustomAllReduceS("vllm", "0.11.1", gb200, 4, 8192)).toBeDefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.1", gb200, 8, 8192)).toBeUndefined();
    // the reference case charges the kernel below the limit, the NCCL stand-in (SGLang's) at it
    const below = (vllmCustomAllReduceS("vllm", "0.11.1", b200, 2, 2 ** 21) ?? 0) / MICROSECOND;
    expect(caseUs("vllm", "dgx-b200", 2, 2 ** 21)).toBeCloseTo(below, 9);
    expect(caseUs("vllm", "dgx-b200", 2, 2 ** 21)).not.toBeCloseTo(
      caseUs("sglang", "dgx-b200", 2, 2 ** 21),
      1,
    );
    expect(caseUs("vllm", "dgx-b200", 2, max)).toBeCloseTo(caseUs("sglang", "dgx-b200", 2, max), 9);
  });

  it("gives the larger messages to symmetric memory where the version runs it by default", () => {
    expect(runsSymmetricMemory("0.10.2")).toBe(false);
    expect(runsSymmetricMemory("0.11.0")).toBe(true);
    expect(runsSymmetricMemory("0.11.1")).toBe(false);
    expect(runsSymmetricMemory("0.19.0")).toBe(true);
    expect(runsSymmetricMemory(undefined)).toBe(false);
    const b200 = model("dgx-b200");
    const h100 = model("hgx-h100");
    // SM100 at 2 ranks: 2 MiB is the cap (exclusive); SM90 at 8 ranks: 256 KiB
    expect(vllmCustomAllReduceS("vllm", "0.19.0", b200, 2, 2 ** 21 - 16)).toBeDefined();
    expect(vllmCustomAllReduceS("vllm", "0.19.0", b200, 2, 2 ** 21)).toBeUndefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.1", b200, 2, 2 ** 21)).toBeDefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.0", h100, 8, 2 ** 18)).toBeUndefined();
    expect(vllmCustomAllReduceS("vllm", "0.11.0", h100, 4, 2 ** 22)).toBeDefined();
  });

  it("refuses a source key the file does not define, naming the field", () => {
    const text = `sources: {}
engine:
  name: vllm
  maxBytes: { value: 1, source: nowhere, tag: spec }
  symmetricMemoryIn: { value: [{ from: "1" }], source: nowhere, tag: spec }
  worldSizes: { value: [2], source: nowhere, tag: spec }
  oneStageBelowBytes: { fourRanks: { value: 1, source: nowhere, tag: spec }, eightRanks: { value: 1, source: nowhere, tag: spec } }
generations: []
`;
    expect(() => parseVllmCustomAllReduce(text, "x.yaml")).toThrow(/unknown source key "nowhere"/);
  });

  it("refuses a symmetric-memory bound compareVersions cannot order, naming the field", () => {
    const text = (below: string) => `sources: { s: { title: t, url: "https://example.com" } }
engine:
  name: vllm
  maxBytes: { value: 1, source: s, tag: spec }
  symmetricMemoryIn: { value: [{ from: "0.10.2rc1", below: "${below}" }], source: s, tag: spec }
  worldSizes: { value: [2], source: s, tag: spec }
  oneStageBelowBytes: { fourRanks: { value: 1, source: s, tag: spec }, eightRanks: { value: 1, source: s, tag: spec } }
generations: []
`;
    expect(parseVllmCustomAllReduce(text("0.11.0"), "x.yaml").symmetricMemoryIn).toEqual([
      { from: "0.10.2rc1", below: "0.11.0" },
    ]);
    expect(() => parseVllmCustomAllReduce(text("v0.11"), "x.yaml")).toThrow(
      /x\.yaml:5:\d+, field engine\.symmetricMemoryIn\.value\[0\]\.below: expected a release/,
    );
  });

  it("refuses an undefined source key on a generation's symmetric-memory caps", () => {
    const text = `sources: { s: { title: t, url: "https://example.com" } }
engine:
  name: vllm
  maxBytes: { value: 1, source: s, tag: spec }
  symmetricMemoryIn: { value: [{ from: "1" }], source: s, tag: spec }
  worldSizes: { value: [2], source: s, tag: spec }
  oneStageBelowBytes: { fourRanks: { value: 1, source: s, tag: spec }, eightRanks: { value: 1, source: s, tag: spec } }
generations:
  - match: x
    fixedUs: { value: 1, source: s, tag: derived }
    perPeerUs: { value: 1, source: s, tag: derived }
    capsWithSymmetricMemory: { value: { 2: 1 }, source: nowhere, tag: spec }
    peerLoadGBps: { value: 1, source: s, tag: derived }
`;
    let error: unknown;
    try {
      parseVllmCustomAllReduce(text, "x.yaml");
    } catch (e) {
      error = e;
    }
    expect(String(error)).toMatch(/unknown source key "nowhere"/);
    expect(JSON.stringify(error)).toContain("capsWithSymmetricMemory");
  });
});
