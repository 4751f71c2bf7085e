import { describe, expect, it } from "vitest";
import { runCli } from "../test-support/run-cli.ts";

describe("supernode collective", () => {
  it("prints time, algorithm, bus bandwidth and the most loaded links", () => {
    const { status, stdout } = runCli([
      "collective",
      "hgx-h100",
      "all-reduce",
      "--size",
      "1GiB",
      "--algorithm",
      "ring",
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/all-reduce on hgx-h100: 8 ranks, .*ring \/ NCCL SIMPLE protocol/);
    expect(stdout).toMatch(/bus bandwidth\s+36\d\.\d GB\/s/);
    expect(stdout).toMatch(/Most loaded links/);
  });

  it("--json with the flow engine, and a cluster when the ranks exceed one system", () => {
    const { status, stdout } = runCli([
      "collective",
      "hgx-h800",
      "all-to-all",
      "--size",
      "256MB",
      "--ranks",
      "16",
      "--engine",
      "flow",
      "--json",
    ]);
    expect(status).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.systems).toBe(2);
    expect(r.engine).toBe("flow");
    expect(r.bottleneck).toBe("scale-out-access");
    expect(r.loadedLinks[0].label).toMatch(/leaf|gpu/);
  });

  it("costs MoE dispatch", () => {
    const { status, stdout } = runCli([
      "collective",
      "cloudmatrix384",
      "moe-dispatch",
      "--ranks",
      "256",
      "--bytes-per-token",
      "7680",
      "--json",
    ]);
    expect(status).toBe(0);
    const r = JSON.parse(stdout);
    expect(r.timeS).toBeGreaterThan(50e-6);
    expect(r.library).toBe("cann-ep");
  });

  it("rejects bad input in one paragraph", () => {
    const bad = runCli(["collective", "hgx-h100", "all-gahter"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/unknown collective "all-gahter". Did you mean all-gather/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    const alg = runCli([
      "collective",
      "cloudmatrix384",
      "all-reduce",
      "--ranks",
      "16",
      "--algorithm",
      "in-switch",
    ]);
    expect(alg.status).toBe(1);
    expect(alg.stderr).toMatch(/in-switch reduction needs/);
  });

  it("times DeepEP normal kernels with node deduplication (--kernels normal --routing)", () => {
    const args = ["collective", "hgx-h800", "moe-dispatch", "--ranks", "32", "--tokens", "4096"];
    const normal = runCli([...args, "--kernels", "normal", "--routing", "256/8/4", "--json"]);
    expect(normal.status).toBe(0);
    const n = JSON.parse(normal.stdout);
    expect(n.deduplication.unit).toBe("node");
    expect(n.deduplication.destinations.remoteServersPerToken).toBeGreaterThan(2.1);
    expect(n.deduplication.destinations.remoteServersPerToken).toBeLessThan(2.3);
    const ll = JSON.parse(runCli([...args, "--json"]).stdout);
    expect(ll.deduplication).toBeUndefined();
    expect(n.timeS).toBeLessThan(ll.timeS);
    const bad = runCli([...args, "--routing", "256/3/4"]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/--routing expects experts/);
  });
});
