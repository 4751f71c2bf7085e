/**
 * A chip's efficiency profile as `show` rows: per operator class, the compute efficiency of each
 * format the chip has, the memory efficiency and the launch overhead, each with its sources and
 * evidence tag; values that fell back to the default profile say so in their note, and
 * `efficiency.defaulted` lists them.
 */
import type { Dtype, FieldRow } from "../hardware/index.ts";
import { OPERATOR_CLASSES } from "../model/index.ts";
import type { EfficiencyProfile, ProfileValue } from "./efficiency-profile.ts";

const DEFAULTED_NOTE = "DEFAULT PROFILE (no published microbenchmark for this chip)";

function row(path: string, v: ProfileValue, unit: FieldRow["unit"]): FieldRow {
  const note = v.defaulted ? `${DEFAULTED_NOTE}${v.note ? `: ${v.note}` : ""}` : v.note;
  return {
    path,
    unit,
    value: {
      value: v.value,
      sources: v.sources,
      tag: v.tag,
      ...(note !== undefined && { note }),
      ...(v.calibratedOn !== undefined && { calibratedOn: v.calibratedOn }),
    },
  };
}

/**
 * @example describeEfficiency(efficiencyProfile("b200"), ["bf16", "fp8", "fp4"]).find((r) => r.path === "efficiency.basis")?.value // "measured"
 */
export function describeEfficiency(profile: EfficiencyProfile, dtypes: readonly Dtype[]): FieldRow[] {
  const rows: FieldRow[] = [
    { path: "efficiency.basis", unit: "text", value: profile.basis },
    { path: "efficiency.files", unit: "text", value: profile.files.join(", ") },
  ];
  const defaulted: string[] = [];
  for (const cls of OPERATOR_CLASSES) {
    const c = profile.classes[cls];
    for (const dtype of dtypes) {
      const v = c.computeEfficiency[dtype];
      if (v === undefined) continue;
      rows.push(row(`efficiency.${cls}.computeEfficiency.${dtype}`, v, "count"));
      if (v.defaulted) defaulted.push(v.parameter);
    }
    rows.push(row(`efficiency.${cls}.memoryEfficiency`, c.memoryEfficiency, "count"));
    rows.push(row(`efficiency.${cls}.launchOverhead`, c.launchOverheadS, "s"));
    for (const v of [c.memoryEfficiency, c.launchOverheadS]) if (v.defaulted) defaulted.push(v.parameter);
  }
  rows.push({
    path: "efficiency.defaulted",
    unit: "text",
    value: defaulted.length > 0 ? defaulted.join(", ") : "none",
  });
  return rows;
}
