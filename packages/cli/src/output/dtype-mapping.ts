/**
 * `--dtype` / `--map-dtype FROM=TO` parsing shared by `roofline`, `estimate` and `simulate`: run one
 * numeric format as another (FP8 or FP4 checkpoints as INT8 on the Ascend 910C).
 */
import { DTYPES, type Dtype, SupernodeError } from "@supernode/core";

/** @example parseDtype("FP8", "--dtype") // "fp8" */
export function parseDtype(text: string, flag: string): Dtype {
  const dtype = DTYPES.find((d) => d === text.toLowerCase());
  if (dtype === undefined)
    throw new SupernodeError(
      "usage",
      `${flag}: unknown format "${text}"; expected one of ${DTYPES.join(", ")}`,
    );
  return dtype;
}

/** @example parseDtypeMapping(["fp8=int8", "fp4=int8"]) // { fp8: "int8", fp4: "int8" } */
export function parseDtypeMapping(entries: readonly string[]): Partial<Record<Dtype, Dtype>> {
  const mapping: Partial<Record<Dtype, Dtype>> = {};
  for (const entry of entries) {
    const [from, to, extra] = entry.split("=");
    if (from === undefined || to === undefined || extra !== undefined)
      throw new SupernodeError("usage", `--map-dtype expects FROM=TO (e.g. fp8=int8), got "${entry}"`);
    mapping[parseDtype(from, "--map-dtype")] = parseDtype(to, "--map-dtype");
  }
  return mapping;
}
