import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

describe("supernode catalog", () => {
  it("lists chips, systems and fabrics", () => {
    const { status, stdout } = runCli(["catalog"]);
    expect(status).toBe(0);
    for (const id of [
      "ascend-910c-800",
      "kunpeng-920",
      "gb300",
      "cloudmatrix384",
      "hgx-h800",
      "roce-400g-fat-tree",
    ])
      expect(stdout).toContain(id);
    expect(stdout).toMatch(/cloudmatrix384.*384 × ascend-910c.*299\.5.*49\.15.*559 \(estimate\)/);
  });

  it("--json for one kind, in SI units", () => {
    const { status, stdout } = runCli(["catalog", "chips", "--json"]);
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as {
      chips: Array<{ id: string; bf16FlopsPerS: number | null; memoryBytes: number }>;
    };
    expect(Object.keys(json)).toEqual(["chips"]);
    expect(json.chips.find((c) => c.id === "gb200")).toMatchObject({
      bf16FlopsPerS: 2.5e15,
      memoryBytes: 186e9,
    });
  });

  it("rejects an unknown kind and --csv without a kind", () => {
    const bad = runCli(["catalog", "nodes"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe(
      'supernode: unknown catalog kind "nodes": expected one of chips, systems, fabrics\n',
    );
    expect(runCli(["catalog", "--csv"]).status).toBe(1);
    const csv = runCli(["catalog", "systems", "--csv"]);
    expect(csv.stdout.split("\n")[0]).toBe(
      "id,name,vendor,chip,chips,bf16FlopsPerS,hbmBytes,hbmBytesPerS,powerW,powerBasis,origin",
    );
  });
});
