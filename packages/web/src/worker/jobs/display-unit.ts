import type { QuantityUnit } from "@supernode/core";

export interface DisplayUnit {
  readonly label: string;
  /** SI value ÷ scale = displayed value. */
  readonly scale: number;
}

const LADDERS: Readonly<Record<QuantityUnit, readonly DisplayUnit[]>> = {
  count: [{ label: "", scale: 1 }],
  "FLOP/s": [
    { label: "EFLOPS", scale: 1e18 },
    { label: "PFLOPS", scale: 1e15 },
    { label: "TFLOPS", scale: 1e12 },
  ],
  bytes: [
    { label: "PB", scale: 1e15 },
    { label: "TB", scale: 1e12 },
    { label: "GB", scale: 1e9 },
  ],
  "bytes/s": [
    { label: "TB/s", scale: 1e12 },
    { label: "GB/s", scale: 1e9 },
  ],
  s: [
    { label: "s", scale: 1 },
    { label: "ms", scale: 1e-3 },
    { label: "µs", scale: 1e-6 },
    { label: "ns", scale: 1e-9 },
  ],
  W: [
    { label: "MW", scale: 1e6 },
    { label: "kW", scale: 1e3 },
    { label: "W", scale: 1 },
  ],
  "FLOP/s/W": [
    { label: "TFLOPS/W", scale: 1e12 },
    { label: "GFLOPS/W", scale: 1e9 },
  ],
  "bytes/s/W": [
    { label: "GB/s/W", scale: 1e9 },
    { label: "MB/s/W", scale: 1e6 },
  ],
  "bytes/W": [
    { label: "GB/W", scale: 1e9 },
    { label: "MB/W", scale: 1e6 },
  ],
};

/**
 * One display unit for a whole row of values (so a row reads side by side): the largest unit in
 * which the largest value is at least 1, e.g. PFLOPS for rack-scale FLOP/s.
 * @example displayUnit("FLOP/s", [2.9952e17, 1.8e17]) // { label: "PFLOPS", scale: 1e15 }
 */
export function displayUnit(unit: QuantityUnit, values: readonly number[]): DisplayUnit {
  const ladder = LADDERS[unit];
  const max = Math.max(0, ...values.map(Math.abs));
  return ladder.find((u) => max >= u.scale) ?? ladder[ladder.length - 1] ?? { label: unit, scale: 1 };
}

/** Three significant digits, at most 2 decimals, grouped thousands. @example formatValue(1228.8) // "1,229" */
export function formatValue(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 || Number.isInteger(value) ? 0 : abs >= 10 ? 1 : 2;
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
