/**
 * Benchmarks of the fabric model (prints figures; not a test):
 *   node --import tsx bench/fabric.bench.ts
 * - flow-level all-to-all among all 768 CloudMatrix384 dies (589,056 flows): target < 2 s on one core;
 * - analytical evaluation of one collective / one MoE dispatch: target < 10 µs.
 * CPU time (user + system) is printed beside wall time: on a shared machine it is the fairer figure.
 */
import { builtinCatalog, collectiveTime, fabricModel, moeDispatchTime } from "@supernode/core";

const catalog = builtinCatalog();
const cm384 = catalog.system("cloudmatrix384");
const nvl72 = catalog.system("gb200-nvl72");
const h100 = catalog.system("hgx-h100");

function timed<T>(run: () => T): { value: T; wallMs: number; cpuMs: number } {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const value = run();
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { value, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

const lines: string[] = [];
const print = (s: string) => {
  lines.push(s);
  process.stdout.write(`${s}\n`);
};

const build = timed(() => {
  const m = fabricModel(cm384);
  m.router();
  return m.topology();
});
print(
  `topology cloudmatrix384: ${build.value.nodeCount} nodes, ${build.value.linkCount} directed links; build + router ${build.wallMs.toFixed(0)} ms wall`,
);

for (let i = 0; i < 3; i++) {
  const a2a = timed(() =>
    collectiveTime(cm384, { op: "all-to-all", bytes: 768e6, ranks: 768, engine: "flow" }),
  );
  print(
    `flow all-to-all, 768 CM384 dies (${768 * 767} flows), run ${i + 1}: ${a2a.wallMs.toFixed(0)} ms wall, ${a2a.cpuMs.toFixed(0)} ms CPU; simulated ${(a2a.value.timeS * 1e3).toFixed(3)} ms`,
  );
}

fabricModel(nvl72).router();
const nvl = timed(() => collectiveTime(nvl72, { op: "all-to-all", bytes: 72e6, ranks: 72, engine: "flow" }));
print(`flow all-to-all, 72 NVL72 GPUs: ${nvl.wallMs.toFixed(1)} ms wall`);
const cluster = catalog.cluster({ system: "hgx-h100", count: 32 });
fabricModel(cluster).router();
const fat = timed(() =>
  collectiveTime(cluster, { op: "all-to-all", bytes: 256e6, ranks: 256, engine: "flow" }),
);
print(`flow all-to-all, 32 × HGX H100 on a fat tree (256 GPUs): ${fat.wallMs.toFixed(0)} ms wall`);
const ring = timed(() =>
  collectiveTime(cm384, { op: "all-reduce", bytes: 2 ** 30, ranks: 768, algorithm: "ring", engine: "flow" }),
);
print(`flow ring all-reduce, 768 CM384 dies: ${ring.wallMs.toFixed(0)} ms wall`);

const N = 200_000;
for (const [name, run] of [
  [
    "analytic all-reduce (hgx-h100, 8 ranks)",
    (i: number) => collectiveTime(h100, { op: "all-reduce", bytes: 1e9 + i, ranks: 8 }),
  ],
  [
    "analytic all-to-all (cloudmatrix384, 256 ranks)",
    (i: number) => collectiveTime(cm384, { op: "all-to-all", bytes: 1e6 + i, ranks: 256 }),
  ],
  [
    "moeDispatchTime (cloudmatrix384, EP256)",
    (i: number) =>
      moeDispatchTime({
        system: cm384,
        ranks: 256,
        tokensPerRank: 128,
        topK: 8,
        bytesPerToken: 7680 + (i & 1),
      }),
  ],
] as const) {
  for (let i = 0; i < 1000; i++) run(i);
  const t = timed(() => {
    for (let i = 0; i < N; i++) run(i);
  });
  print(`${name}: ${((t.wallMs * 1000) / N).toFixed(2)} µs per call (${N} calls)`);
}
