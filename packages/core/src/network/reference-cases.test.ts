import { describe, expect, it } from "vitest";
import { valuesSetFrom } from "../catalog/calibration-ledger.ts";
import { fabricReferenceCases } from "./reference-cases.ts";

describe("fabricReferenceCases", () => {
  const cases = fabricReferenceCases();

  it("covers the UB microbenchmarks, Table 7, the DeepEP-Ascend, DeepEP and NCCL records", () => {
    const ids = new Set(cases.map((c) => c.id.split(":")[0]));
    for (let i = 1; i <= 64; i++) expect(ids.has(`cm384-${String(i).padStart(3, "0")}`)).toBe(true);
    for (let i = 155; i <= 176; i++) expect(ids.has(`cm384-${i}`)).toBe(true);
    for (const id of [
      "deepep-normal-intranode",
      "deepep-normal-internode",
      "deepep-ll-v1-feb",
      "deepep-ll-v1-latest",
    ])
      expect(ids.has(id)).toBe(true);
    for (const id of ["nccl-h100-nvls-ar", "nccl-h100-ring-scaling", "nccl-h100-small-lat"])
      expect(ids.has(id)).toBe(true);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });

  it("every case predicts a positive finite value with a source", () => {
    for (const c of cases) {
      expect(Number.isFinite(c.predicted) && c.predicted > 0).toBe(true);
      expect(c.source.length).toBeGreaterThan(10);
    }
  });

  /** Records a fabric value was solved from alone (a ledger entry naming at most three cases). */
  const solvedFrom = [
    "cm384-002",
    "cm384-003",
    "cm384-004",
    "cm384-007",
    "cm384-008",
    "cm384-017",
    "deepep-normal-intranode:dispatch",
    "deepep-ll-v1-feb:EP8:dispatch",
    "nccl-h100-nvls-ar:busbw",
    "nccl-h100-nvls-ar:algbw",
    "nccl-h100-nvls-ar:ring",
    "nccl-h100-small-lat",
    "nccl-ib-a2a",
  ];

  it("records a value was solved from reproduce by construction (within 6 %)", () => {
    for (const id of solvedFrom) {
      const c = cases.find((x) => x.id === id);
      expect(c, id).toBeDefined();
      expect(Math.abs(c?.relativeError ?? Number.NaN), id).toBeLessThan(0.06);
    }
  });

  it("guards today's accuracy: UB bandwidth within 10 %, CM384 combine at EP ≥ 64 within 15 %, NCCL ring within 2 %", () => {
    const get = (id: string) => cases.find((c) => c.id === id)?.relativeError ?? Number.NaN;
    for (const id of ["cm384-001", "cm384-005", "cm384-009", "cm384-011", "cm384-013", "cm384-015"])
      expect(Math.abs(get(id))).toBeLessThan(0.1);
    for (const id of ["cm384-053", "cm384-057", "cm384-061"]) expect(Math.abs(get(id))).toBeLessThan(0.15);
    expect(Math.abs(get("nccl-h100-ring-scaling:ring-8"))).toBeLessThan(0.02);
    // NVLS: the efficiency comes from 8 GPUs; the S(1 + 1/n) traffic predicts 5-7 GPUs
    for (const n of [5, 6, 7]) expect(Math.abs(get(`nccl-h100-ring-scaling:nvls-${n}`))).toBeLessThan(0.03);
    // NCCL's protocol latencies at mid sizes on 4x H100 (held out): within 12 % (were 8-46 % fast)
    for (const size of ["4m", "16m", "64m", "256m"])
      expect(Math.abs(get(`nccl-h100-4gpu-ar:${size}`)), size).toBeLessThan(0.12);
    // DeepEP low-latency NIC rate calibrated on EP8 dispatch (Feb 2025) predicts the other EPs within 5 %
    for (const ep of [16, 32, 64, 128, 256])
      for (const dir of ["dispatch", "combine"])
        expect(Math.abs(get(`deepep-ll-v1-feb:EP${ep}:${dir}`)), `EP${ep} ${dir}`).toBeLessThan(0.05);
    // DeepEP normal kernels with node deduplication: internode within 15 %
    for (const ep of [16, 32, 64])
      expect(Math.abs(get(`deepep-normal-internode:EP${ep}:dispatch`)), `EP${ep}`).toBeLessThan(0.15);
    // TensorRT-LLM NVLinkOneSided on GB200: fixed costs set at EP8, one token; small calls at other
    // EPs stay at tens of µs (not fractions of a µs), large ones follow the NVLink rate
    for (const ep of [16, 32])
      for (const dir of ["dispatch", "combine"]) {
        expect(Math.abs(get(`trtllm-a2a-ep${ep}-b1:${dir}`)), `EP${ep} ${dir}`).toBeLessThan(0.06);
        expect(Math.abs(get(`trtllm-a2a-ep${ep}-b1024:${dir}`)), `EP${ep} ${dir} 1024`).toBeLessThan(0.15);
      }
    // DeepEP low-latency over NVLink: the per-call cost set on EP8 dispatch predicts EP8 combine
    // (held out) within 2 %; at EP16 / EP32 the RDMA half still sets the time (unchanged misses)
    expect(Math.abs(get("deepep-ll-v1-latest:EP8:combine"))).toBeLessThan(0.02);
    expect(get("deepep-ll-v1-latest:EP16:dispatch")).toBeLessThan(-0.15);
  });

  it("names in calibratedOn every record that set a parameter, and the CANN EP rows of Table 7 the in-flight count was chosen on", () => {
    for (const id of solvedFrom) expect(valuesSetFrom(id).length, id).toBeGreaterThan(0);
    const cann = cases.filter((c) => c.description.includes("CANN EP"));
    expect(cann).toHaveLength(24);
    for (const c of cann)
      expect(
        valuesSetFrom(c.id).map((v) => v.path),
        c.id,
      ).toContain("libraries.cann-ep.outstandingTransfers");
    // The H800 rows of the same table are DeepEP's README figures: grouped with those, not calibrated on.
    const h800 = cases.filter(
      (c) => c.id.startsWith("cm384-0") && c.description.includes("H800 DeepEP (IB)"),
    );
    expect(h800).toHaveLength(24);
    for (const c of h800) expect(c.duplicateOf, c.id).toMatch(/^deepep-ll-v1-feb:EP\d+:(dispatch|combine)$/);
  });

  it("adds the receiver's weighted sum to DeepEP-style low-latency combines and DeepEP-Ascend's normal combine", () => {
    const reads: number[] = [];
    const withSum = fabricReferenceCases({
      combineReduction: (_chip, readBytes, writeBytes) => {
        reads.push(readBytes / writeBytes);
        return 10e-6;
      },
    });
    const byId = new Map(cases.map((c) => [c.id, c.predicted]));
    const moved = withSum.filter((c) => c.predicted !== byId.get(c.id)).map((c) => c.id);
    // a rank reads its tokens' top-8 rows and writes one row per token
    expect(new Set(reads)).toEqual(new Set([8]));
    expect(moved).toContain("nccl-ep-ll-h100:EP8:combine");
    expect(moved).toContain("deepep-ll-v1-feb:EP8:combine");
    // DeepEP-Ascend's normal combines (cm384-156 … 164, even ids) sum in a second phase; their
    // dispatches (odd ids), CANN's low-latency operators (cm384-167: a combine) and TensorRT-LLM's one-sided kernels do not
    for (const id of ["cm384-156", "cm384-158", "cm384-160", "cm384-162", "cm384-164"])
      expect(moved).toContain(id);
    for (const id of moved)
      expect(id.includes("combine") || /^cm384-(0[4-6]\d|1[56]\d)$/.test(id)).toBe(true);
    for (const id of [
      "nccl-ep-ll-h100:EP8:dispatch",
      "trtllm-a2a-ep8-b64:combine",
      "cm384-041",
      "cm384-155",
      "cm384-163",
      "cm384-167",
    ])
      expect(moved).not.toContain(id);
    // a latency grows by the reduction's 10 us
    const latency = withSum.find((c) => c.id === "deepep-ll-v1-feb:EP8:combine");
    expect((latency?.predicted ?? 0) - (byId.get("deepep-ll-v1-feb:EP8:combine") ?? 0)).toBeCloseTo(10, 6);
  });

  it("runs NVLink partitions of a rack as their own domains over the network (nccl #1801)", () => {
    const p = (id: string) => cases.find((c) => c.id === `nccl-gb200-3part-ar:${id}`)?.predicted ?? 0;
    // plain Tree over three partitions: the tree halves what each NIC carries, and twice the GPUs
    // (and NICs) per partition about doubles it
    expect(p("nvl8-tree") / p("nvl4-tree")).toBeGreaterThan(1.9);
    // NCCL's ring crosses through one NIC per channel of its search (min(GPUs of the partition,
    // 15 at 48 GB/s)), so it is NIC-bound at 4 and 8 NICs x 48.5 GB/s: twice as fast on NVL8
    expect(p("nvl8-ring") / p("nvl4-ring")).toBeGreaterThan(1.99);
    expect(p("nvl4-ring")).toBeLessThan(4 * 48.5);
    expect(p("nvl8-ring")).toBeLessThan(8 * 48.5);
  });

  it("predicts nccl-tests alltoall_perf over NVLink 5 at NCCL's planning rate, which the OCI runs stay 5-18 % under", () => {
    const a2a = cases.filter((c) => /^nccl-(gb200|gb300|b300)-.*a2a:/.test(c.id));
    expect(a2a.length).toBe(8);
    for (const c of a2a) {
      // 18 NVLink 5 links x 40.1 GB/s (NCCL topo.h SM100_NVLINK_BW) less the fixed cost at 8-16 GiB
      expect(c.predicted).toBeGreaterThan(715);
      expect(c.predicted).toBeLessThan(722);
      // the model is optimistic on every run, most with 4 ranks (3 peers) per tray
      expect(c.published).toBeLessThan(c.predicted);
      expect(c.predicted / c.published - 1).toBeLessThan(0.2);
    }
  });
});
