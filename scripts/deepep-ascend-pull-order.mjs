#!/usr/bin/env node
// Analysis, not part of the model (docs/fabric-model.md §5, "DeepEP-Ascend normal kernels").
// A fluid simulation of the copy-out loop of DeepEP-Ascend's normal kernels on CloudMatrix384
// (sgl-kernel-npu csrc/deepep/ops/op_kernel/cam_moe_dispatch_normal.h ShareToOutput and
// cam_moe_combine_normal.h CopyBufferToShareAndSetStatus, commit b2e93094, the one whose README
// reports cm384-155..164): every die's AIV cores split the (local expert, source rank) entries,
// expert-major, into equal contiguous ranges and move one row at a time, so at a given moment
// core c of every die works on the same source (dispatch reads) or destination (combine writes).
// Each core keeps one row in flight (rate = row / (round trip + row / coreRate)); the cores share
// each die's UB egress and ingress max-min fairly. It prints the copy-out pass's duration per EP, from the
// first rank's start and per rank from its own start (startSkewUs: ranks start uniformly over that span;
// a combine rank ends when its own pushes are done and every row pushed to it has landed).
// Usage: node scripts/deepep-ascend-pull-order.mjs [dispatch|combine] [startSkewUs | chain [K=5]]
// Inputs (docs/fabric-model.md §2): 167 GB/s per die each way (P2 Table 1's NPU-to-NPU read),
// one-way-and-back latencies 1.2 / 1.9 us (read) and 1.3 / 2.0 us (write) inside / across the
// 16-die nodes, 48 AIV cores per die (the op's tiling takes GetCoreNumAiv; the kernel's comments
// size buffers by 48), a 50 GB/s per-core copy rate (assumed; 25 GB/s or unbounded changes the
// result by under 3 %), DeepSeek-V3 routing as the test draws it (4,096 tokens, 8 distinct of 256
// experts, uniform), rows of 7,212 B (INT8 + scale + triple) or 14,336 B (BF16).

const direction = process.argv[2] ?? "dispatch";
const skewS = process.argv[3] === "chain" ? 0 : Number(process.argv[3] ?? 0) * 1e-6;
const row = direction === "combine" ? 14336 : 7212;
const [latIn, latX] = direction === "combine" ? [1.3e-6, 2.0e-6] : [1.2e-6, 1.9e-6];
const cap = 167e9;
const coreRate = 50e9;
const cores = 48;
const experts = 256;
const tokens = 4096;
const topK = 8;
const diesPerNode = 16;
const dt = 4e-6;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** counts[src * experts + e]: tokens of rank src routed to expert e (top-k distinct, uniform). */
function routing(n, rand) {
  const counts = new Int32Array(n * experts);
  const picked = new Int32Array(topK);
  for (let s = 0; s < n; s++)
    for (let t = 0; t < tokens; t++)
      for (let k = 0; k < topK; k++) {
        let e;
        do e = Math.floor(rand() * experts);
        while (picked.subarray(0, k).includes(e));
        picked[k] = e;
        counts[s * experts + e]++;
      }
  return counts;
}

function simulate(n, given) {
  const rand = mulberry32(1204 + n);
  const counts = routing(n, rand);
  const perRank = experts / n;
  const base = Math.floor(experts / cores);
  const rem = experts % cores;
  const flows = [];
  for (let r = 0; r < n; r++) {
    const start = given ? given[r] : skewS * rand();
    let i0 = 0;
    for (let c = 0; c < cores; c++) {
      const len = base + (c < rem ? 1 : 0);
      const seq = [];
      for (let i = i0; i < i0 + len; i++) {
        const peer = i % n;
        const localExpert = Math.floor(i / n);
        seq.push([peer, counts[peer * experts + r * perRank + localExpert] * row]);
      }
      i0 += len;
      flows.push({ rank: r, start, seq, pos: 0, left: seq[0][1] });
    }
  }
  const used = new Float64Array(2 * n);
  // a rank's own call ends when its own copies are done and (combine) every row pushed to it has landed
  const done = new Float64Array(n);
  const starts = new Float64Array(n);
  for (const f of flows) starts[f.rank] = f.start;
  let t = 0;
  for (;;) {
    const active = [];
    for (const f of flows) {
      while (f.pos < f.seq.length && f.left <= 0) {
        const peer = f.seq[f.pos][0];
        done[f.rank] = Math.max(done[f.rank], t);
        if (direction === "combine") done[peer] = Math.max(done[peer], t);
        f.pos++;
        if (f.pos < f.seq.length) f.left = f.seq[f.pos][1];
      }
      if (f.pos < f.seq.length && f.start <= t) active.push(f);
    }
    if (flows.every((f) => f.pos >= f.seq.length)) {
      let sum = 0;
      for (let r = 0; r < n; r++) sum += done[r] - starts[r];
      return { span: t, perRank: sum / n, rank0: done[0] - starts[0], done };
    }
    waterFill(active, n, used);
    for (const f of active) f.left -= f.rate * dt;
    t += dt;
  }
}

/** Max-min fair rates: each flow under its own one-in-flight rate, each die's egress and ingress under cap. */
function waterFill(active, n, used) {
  used.fill(0);
  const open = [];
  for (const f of active) {
    const peer = f.seq[f.pos][0];
    const lat =
      peer === f.rank
        ? 0.3e-6
        : Math.floor(peer / diesPerNode) === Math.floor(f.rank / diesPerNode)
          ? latIn
          : latX;
    f.demand = row / (lat + row / coreRate);
    f.rate = 0;
    // the die that sends the bytes (egress) and the die that takes them (ingress); local copies use neither
    f.out = direction === "combine" ? f.rank : peer;
    f.in = direction === "combine" ? peer : f.rank;
    if (peer === f.rank) f.rate = f.demand;
    else open.push(f);
  }
  const count = new Int32Array(2 * n);
  while (open.length > 0) {
    count.fill(0);
    for (const f of open) {
      count[f.out]++;
      count[n + f.in]++;
    }
    let step = Number.POSITIVE_INFINITY;
    for (const f of open)
      step = Math.min(
        step,
        f.demand - f.rate,
        (cap - used[f.out]) / count[f.out],
        (cap - used[n + f.in]) / count[n + f.in],
      );
    for (const f of open) {
      f.rate += step;
      used[f.out] += step;
      used[n + f.in] += step;
    }
    for (let k = open.length - 1; k >= 0; k--) {
      const f = open[k];
      if (
        f.rate >= f.demand * (1 - 1e-9) ||
        used[f.out] >= cap * (1 - 1e-9) ||
        used[n + f.in] >= cap * (1 - 1e-9)
      )
        open.splice(k, 1);
    }
  }
}

// Back-to-back calls (the benchmark syncs each rank's host, not the ranks, between calls): with
// `chain K` in place of a skew, call k+1 of rank r starts when its call k ended (the same host gap on
// every rank cancels), K calls in a row; the last call's times are printed.
const chain = process.argv[3] === "chain" ? Number(process.argv[4] ?? 5) : 0;
for (const n of [8, 16, 32, 64, 128]) {
  let result = simulate(n);
  for (let k = 1; k < chain; k++) {
    const first = Math.min(...result.done);
    result = simulate(
      n,
      Array.from(result.done, (d) => d - first),
    );
  }
  const { span, perRank, rank0 } = result;
  console.log(
    `${direction} EP${n}: copy-out pass ${(span * 1e3).toFixed(2)} ms from the first start, ` +
      `${(perRank * 1e3).toFixed(2)} ms per rank from its own start (mean; rank 0 ${(rank0 * 1e3).toFixed(2)})`,
  );
}
