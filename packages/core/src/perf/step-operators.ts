/**
 * The step model's view of operators: which group each operator of a layer belongs to (attention,
 * norms, MoE gate, experts, …), and its time on a rank that runs with a share of the device
 * (microbatch streams split a die's cores: CloudMatrix-Infer gives the attention stream 16 of 24
 * AIC). A share scales the tensor and vector peaks and the core count of the wave model; it does
 * not split the memory bandwidth, which concurrent streams share by demand (`stream-contention.ts`).
 */

import type { OperatorGroup } from "../deploy/index.ts";
import type { Operator } from "../model/index.ts";
import type { Device } from "./device.ts";
import type { ClassProfile, EfficiencyProfile } from "./efficiency-profile.ts";
import { type OperatorTimeOptions, operatorBytes, timeInPlace } from "./operator-time.ts";

/** One timed entry of a layer breakdown (an operator or a collective), per microbatch. */
export interface StepItem {
  readonly name: string;
  readonly group: OperatorGroup;
  readonly timeS: number;
  readonly bound: "compute" | "memory" | "overhead" | "fabric";
  readonly flops: number;
  readonly bytes: number;
  /** Kernel launch overhead included in timeS. */
  readonly overheadS: number;
  /** Compute time on the item's share of the cores (fabric items: their transfer time). */
  readonly computeS: number;
  /** Memory-traffic time at the device's whole bandwidth (0 for fabric items). */
  readonly memoryS: number;
  /** The cores' busy time at their peak: flops / peak, before the efficiency derate (absent: computeS). */
  readonly tensorS?: number;
  /** Profile parameters that fell back to documented defaults. */
  readonly defaulted: readonly string[];
}

/**
 * The group of an operator, from its name and class (names from `model/layer-operators.ts`).
 * @example operatorGroup({ name: "moe.experts", class: "grouped-gemm", ... }) === "experts"
 */
export function operatorGroup(op: Pick<Operator, "name" | "class">): OperatorGroup {
  // Memoised by name and class: the step model asks for every operator of every layer it times.
  let byClass = groupMemo.get(op.name);
  if (byClass === undefined) {
    byClass = new Map();
    groupMemo.set(op.name, byClass);
  }
  let group = byClass.get(op.class);
  if (group === undefined) {
    group = groupOf(op);
    byClass.set(op.class, group);
  }
  return group;
}

const groupMemo = new Map<string, Map<Operator["class"], OperatorGroup>>();

function groupOf(op: Pick<Operator, "name" | "class">): OperatorGroup {
  const name = op.name.replace(/^mtp\d+\./, "");
  // Hyper-connections (DeepSeek-V4) replace the residual add around each norm: they count with the norms.
  if (name.includes("norm") || name.includes("hc.") || name.includes("hc_")) return "norms";
  if (name.startsWith("moe.shared")) return "shared-experts";
  if (op.class === "grouped-gemm" || name.startsWith("moe.experts") || name.startsWith("moe.expert"))
    return "experts";
  // The weighted sum of expert outputs is computation: it counts with the experts (the "combine"
  // group is the transfer back to the tokens' ranks).
  if (name === "moe.combine") return "experts";
  if (name.startsWith("moe.")) return "moe-gate";
  if (name.startsWith("ffn.") || name.startsWith("mlp.")) return "dense-ffn";
  return "attention";
}

/** A device and profile running with `share` of the device's resources (1 = whole device). */
export interface SharedDevice {
  readonly device: Device;
  readonly profile: EfficiencyProfile;
  readonly share: number;
}

/**
 * Scales a device's cores (tensor and vector peaks, wave-model core count) to a share of the
 * device (0 < share ≤ 1). Memory bandwidth is not split: streams contend for it
 * (`runConcurrentStreams`), and a stream alone may use all of it.
 * @example shareOf(device, profile, 2 / 3).device.peakFlopsPerS.int8?.value // 2/3 of the die's
 */
export function shareOf(device: Device, profile: EfficiencyProfile, share: number): SharedDevice {
  if (share >= 1) return { device, profile, share: 1 };
  const s = Math.max(share, 1e-6);
  const peaks: Device["peakFlopsPerS"] = Object.fromEntries(
    Object.entries(device.peakFlopsPerS).map(([k, v]) => [k, { ...v, value: v.value * s }]),
  );
  const scaledDevice: Device = { ...device, peakFlopsPerS: peaks };
  const classes = Object.fromEntries(
    Object.entries(profile.classes).map(([name, cls]) => {
      const c = cls as ClassProfile;
      const scaled: ClassProfile = {
        ...c,
        ...(c.vectorPeakFlopsPerS !== undefined
          ? { vectorPeakFlopsPerS: { ...c.vectorPeakFlopsPerS, value: c.vectorPeakFlopsPerS.value * s } }
          : {}),
        ...(c.cores !== undefined
          ? { cores: { ...c.cores, value: Math.max(1, Math.round(c.cores.value * s)) } }
          : {}),
      };
      return [name, scaled];
    }),
  ) as unknown as EfficiencyProfile["classes"];
  return { device: scaledDevice, profile: { ...profile, classes }, share: s };
}

/** Times an operator on a (shared) device as a step item. */
export function timeOperator(op: Operator, on: SharedDevice, options: OperatorTimeOptions = {}): StepItem {
  const t = timeInPlace(op, on.device, on.profile, options);
  return {
    name: op.name,
    group: operatorGroup(op),
    timeS: t.timeS,
    bound: t.bound,
    flops: op.flops,
    bytes: operatorBytes(op),
    overheadS: t.overheadS,
    computeS: t.computeS,
    memoryS: t.memoryS,
    tensorS: t.computeS * t.computeEfficiency,
    defaulted: t.defaultedParameters,
  };
}
