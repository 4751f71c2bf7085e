import { describe, expect, it } from "vitest";
import { SupernodeError } from "../spec/errors.ts";
import {
  expandSweep,
  parseShard,
  parseSweepPlan,
  pointOverrides,
  shardPoints,
  sweepHash,
} from "./sweep-points.ts";

const plan = `scenario: s.yaml
set: { deployment.decode.kvLength: 2048 }
grid:
  deployment.decode.batchPerChip: [8, 16, 32]
  precision.kvCache: [bf16, int8]
`;

describe("sweep plans", () => {
  it("expands a grid as a cross product, last key fastest, with padded sortable ids", () => {
    const points = expandSweep(parseSweepPlan(plan, "plan.yaml"));
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({
      index: 0,
      id: "p000000",
      set: {
        "deployment.decode.kvLength": 2048,
        "deployment.decode.batchPerChip": 8,
        "precision.kvCache": "bf16",
      },
    });
    expect(points[1]?.set["precision.kvCache"]).toBe("int8");
    expect(points[5]?.set["deployment.decode.batchPerChip"]).toBe(32);
    expect(points.map((p) => p.id)).toEqual([...points.map((p) => p.id)].sort());
  });

  it("crosses a list with the grid and seeds (simulate)", () => {
    const p = parseSweepPlan(
      "scenario: s.yaml\ncommand: simulate\nseeds: [1, 2]\nlist:\n  - { workload.arrival.ratePerS: 10 }\n  - { workload.arrival.ratePerS: 20 }\ngrid: { deployment.decode.batchPerChip: [8, 16] }\n",
      "p.yaml",
    );
    const points = expandSweep(p);
    expect(points).toHaveLength(8);
    expect(points.map((x) => x.seed)).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(points[7]?.set).toEqual({ "workload.arrival.ratePerS": 20, "deployment.decode.batchPerChip": 16 });
  });

  it("is deterministic and shards cover every point exactly once", () => {
    const points = expandSweep(parseSweepPlan(plan, "plan.yaml"));
    expect(expandSweep(parseSweepPlan(plan, "plan.yaml"))).toEqual(points);
    const shards = [1, 2, 3, 4].map((i) => shardPoints(points, parseShard(`${i}/4`)));
    expect(
      shards
        .flat()
        .map((p) => p.index)
        .sort((a, b) => a - b),
    ).toEqual(points.map((p) => p.index));
    expect(shards[1]?.map((p) => p.index)).toEqual([1, 5]);
  });

  it("accepts train and search plans (search with its SLOs and lists)", () => {
    expect(parseSweepPlan("scenario: t.yaml\ncommand: train\n", "t.yaml").command).toBe("train");
    const search = parseSweepPlan(
      "scenario: s.yaml\ncommand: search\nsearch: { batches: [32, 96] }\n",
      "s.yaml",
    );
    expect(search.search).toEqual({ tpotMs: 50, batches: [32, 96] });
  });

  it("rejects bad plans with the file, line and field", () => {
    const bad = "scenario: s.yaml\ncommand: estimate\nseeds: [1]\n";
    expect(() => parseSweepPlan(bad, "bad.yaml")).toThrow(
      /bad\.yaml:3.*seeds apply only to command: simulate/s,
    );
    expect(() => parseSweepPlan("scenario: s.yaml\ngrid:\n  a.b: 3\n", "g.yaml")).toThrow(/g\.yaml:3/);
    expect(() => parseSweepPlan("scenario: s.yaml\ncommand: replay\n", "c.yaml")).toThrow(SupernodeError);
    expect(() => parseSweepPlan("scenario: s.yaml\nsearch: { tpotMs: 40 }\n", "e.yaml")).toThrow(
      /e\.yaml:2.*search applies only to command: search/s,
    );
    expect(() => parseShard("5/4")).toThrow(/--shard expects i\/N/);
  });

  it("turns a point's set into --set overrides and hashes text stably", () => {
    expect(pointOverrides({ "a.b": 3 })).toEqual([{ path: ["a", "b"], value: 3, text: "a.b=3" }]);
    expect(sweepHash("x")).toBe(sweepHash("x"));
    expect(sweepHash("x")).not.toBe(sweepHash("y"));
    expect(sweepHash("x")).toMatch(/^[0-9a-f]{16}$/);
  });
});
