import { builtinCatalog } from "../../../packages/core/src/catalog/index.ts";
import type { Operator } from "../../../packages/core/src/model/index.ts";
import { computeDevice } from "../../../packages/core/src/perf/device.ts";
import { efficiencyProfileForChip } from "../../../packages/core/src/perf/efficiency-profile.ts";
import { withEngineOverlays } from "../../../packages/core/src/perf/engine-overlay.ts";
import { gemmEfficiency, groupRowTiles } from "../../../packages/core/src/perf/gemm-efficiency.ts";
import {
  balancedExpertTokens,
  type MoeOpSpec,
  moeOpOperators,
} from "../../../packages/core/src/perf/moe-op-case.ts";
import { operatorTime } from "../../../packages/core/src/perf/operator-time.ts";
import { powerLawCounts, rng } from "./powerlaw.ts";

const DRAWS = Number(process.env.DRAWS ?? 40);
type Variant = "v0" | "v1" | "v2";
function opTime(
  spec: MoeOpSpec,
  engine: { name: string; version: string },
  chipId: string,
  list: readonly number[],
  v: Variant,
): number {
  const chip = builtinCatalog().chip(chipId);
  const device = computeDevice(chip);
  const profile = withEngineOverlays(efficiencyProfileForChip(chip), {
    engine: engine.name,
    version: engine.version,
    moeBackend: spec.backend,
  });
  let ops = moeOpOperators(spec, engine, chip, list);
  ops = ops.map((op): Operator => {
    if (op.class !== "grouped-gemm" || op.shape === undefined) return op;
    if (v === "v0") {
      const { groupRows: _g, ...shape } = op.shape;
      return { ...op, shape };
    }
    if (v === "v2" && op.shape.groupRows !== undefined) {
      const cls = profile.classes["grouped-gemm"];
      const ceil = cls.computeEfficiency[op.dtype]?.value ?? 0.7;
      const f = gemmEfficiency(op.shape, ceil, cls, op.dtype, op.weightScheme);
      const bm = f.tile?.m;
      if (bm === undefined) return op;
      const groups = op.shape.groups ?? 1;
      const scale = groupRowTiles(op.shape, bm, groups) / groups;
      return { ...op, bytesRead: { ...op.bytesRead, weights: op.bytesRead.weights * scale } };
    }
    return op;
  });
  return ops.reduce((s, op) => s + operatorTime(op, device, profile).timeS, 0) * 1e6;
}
const shapes: Record<
  string,
  { model: string; hidden: number; expertIntermediate: number; experts: number; topK: number }
> = {
  ds: { model: "deepseek-v3", hidden: 7168, expertIntermediate: 2048, experts: 256, topK: 8 },
  q3: { model: "qwen3-235b-a22b", hidden: 4096, expertIntermediate: 1536, experts: 128, topK: 8 },
  kimi: { model: "kimi-k2", hidden: 7168, expertIntermediate: 2048, experts: 384, topK: 8 },
};
const cases = [
  { chip: "h200-sxm", weights: "fp8", version: "1.3.0rc20", shapes: ["ds", "q3"] },
  { chip: "b200", weights: "fp4", version: "1.3.0rc20", shapes: ["ds", "q3", "kimi"] },
];
const tokens = [64, 128, 256, 512, 1024, 2048, 3072, 4096, 8192];
const out: string[] = [
  "chip\trelease\tshape\ttokens\talpha\trankLoad\thotExpert\ttouched\tbal_v0\tbal_v1\tbal_v2\tpl_v0\tpl_v1\tpl_v2\tratio_v0\tratio_v1\tratio_v2",
];
for (const c of cases)
  for (const sh of c.shapes)
    for (const T of tokens)
      for (const alpha of [1.01, 1.2]) {
        const s = shapes[sh]!;
        const spec = {
          kind: "moe-op",
          ...s,
          tokens: T,
          ep: 8,
          tp: 1,
          weights: c.weights,
          backend: "CUTLASS",
          routing: "balanced",
        } as MoeOpSpec;
        const engine = { name: "trtllm", version: c.version };
        const bal = balancedExpertTokens(spec);
        const b = (["v0", "v1", "v2"] as Variant[]).map((v) => opTime(spec, engine, c.chip, bal, v));
        const u = rng(1000 + T * 7 + Math.round(alpha * 100));
        const p = [0, 0, 0];
        let load = 0,
          hot = 0,
          touched = 0;
        for (let d = 0; d < DRAWS; d++) {
          const list = powerLawCounts(T, s.experts, s.topK, 8, alpha, u);
          load += list.reduce((a, q) => a + q, 0) / ((T * s.topK) / 8) / DRAWS;
          hot += Math.max(...list) / DRAWS;
          touched += list.filter((n) => n > 0).length / DRAWS;
          (["v0", "v1", "v2"] as Variant[]).forEach((v, i) => {
            p[i]! += opTime(spec, engine, c.chip, list, v) / DRAWS;
          });
        }
        out.push(
          [
            c.chip,
            c.version,
            sh,
            T,
            alpha,
            load.toFixed(3),
            hot.toFixed(1),
            touched.toFixed(1),
            ...b.map((x) => x.toFixed(1)),
            ...p.map((x) => x.toFixed(1)),
            ...p.map((x, i) => (x / b[i]!).toFixed(3)),
          ].join("\t"),
        );
      }
console.log(out.join("\n"));
