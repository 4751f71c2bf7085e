import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

describe("supernode show", () => {
  it("shows a zoo model (gpt-oss-120b: sliding window, MXFP4 checkpoint) and the Atlas 800I A3", () => {
    const model = runCli(["show", "gpt-oss-120b"]);
    expect(model.status).toBe(0);
    expect(model.stdout).toContain("18 of 36 layers use a 128-token sliding window");
    expect(model.stdout).toContain("routed-experts fp4 (mxfp4-g32)");
    expect(model.stdout).toMatch(/116\.83 B/);
    const node = runCli(["show", "atlas-800i-a3"]);
    expect(node.status).toBe(0);
    expect(node.stdout).toMatch(/origin\.extends\s+atlas-800t-a3/);
    expect(node.stdout).toContain("hiascend.com");
  });

  it("prints every field of the 910C with sources, alternatives and per-die figures", () => {
    const { status, stdout } = runCli(["show", "ascend-910c"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/peakFlopsPerS\.bf16\s+780 TFLOPS\s+\(estimate\) \[\d+(,\d+)*\]/);
    expect(stdout).toContain("alternative: 707.8 TFLOPS");
    expect(stdout).toMatch(/perDie\.peakFlopsPerS\.bf16\s+390 TFLOPS/);
    expect(stdout).toMatch(/perDie\.memory\.bandwidthBytesPerS\s+1\.6 TB\/s/);
    expect(stdout).toContain("https://arxiv.org/abs/2506.12708v2");
  });

  it("--json lists fields in SI units; systems include derived totals with the nameplate bound", () => {
    const { status, stdout } = runCli(["show", "cloudmatrix384", "--json"]);
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as {
      kind: string;
      fields: Array<{
        path: string;
        unit: string;
        value: unknown;
        tag?: string;
        alternatives?: Array<{ value: number }>;
      }>;
    };
    expect(json.kind).toBe("system");
    const field = (path: string) => json.fields.find((f) => f.path === path);
    expect(field("totals.hbmCapacityBytes")).toMatchObject({
      unit: "bytes",
      value: 49.152e12,
      tag: "derived",
    });
    expect(field("power.usedW")).toMatchObject({ unit: "W", value: 559e3, tag: "estimate" });
    expect(field("power.nameplateMaxW")?.value).toBe(719.2e3);
    expect(field("power.nameplateMaxW")?.alternatives?.[0]?.value).toBe(706e3);
    expect(field("node.accelerator.chip")).toMatchObject({ unit: "text", value: "ascend-910c" });
  });

  it("--csv and cluster fabrics", () => {
    const { status, stdout } = runCli(["show", "fabric:ib-ndr-fat-tree", "--csv"]);
    expect(status).toBe(0);
    expect(stdout.split("\n")[0]).toBe("path,value,unit,tag,sources,note");
    expect(stdout).toMatch(/^switchRadix,64,count,spec,https:\/\/docs\.nvidia\.com/m);
  });

  it("cluster:<system>x<N>[@fabric] shows the fabric and N × the system totals", () => {
    const { status, stdout } = runCli(["show", "cluster:hgx-h100x4@roce-400g-fat-tree", "--json"]);
    expect(status).toBe(0);
    const json = JSON.parse(stdout) as {
      kind: string;
      id: string;
      fields: Array<{ path: string; value: unknown }>;
    };
    expect(json).toMatchObject({ kind: "cluster", id: "hgx-h100x4" });
    expect(json.fields.find((f) => f.path === "fabric.id")?.value).toBe("roce-400g-fat-tree");
    expect(json.fields.find((f) => f.path === "totals.chips")?.value).toBe(32);
    expect(json.fields.find((f) => f.path === "totals.hbmCapacityBytes")?.value).toBe(2560e9);
  });

  it("unknown id: one paragraph with the nearest names, exit 1", () => {
    const { status, stderr } = runCli(["show", "h100"]);
    expect(status).toBe(1);
    expect(stderr).toMatch(/^supernode: unknown id "h100"\. Did you mean h100-sxm/);
    expect(stderr.trim().split("\n")).toHaveLength(1);
  });
});
