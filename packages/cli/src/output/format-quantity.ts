/**
 * Human units for terminal tables: FLOP/s as PFLOPS/TFLOPS, bytes as TB/GB, bytes/s as TB/s/GB/s,
 * watts as kW, seconds as µs/ns. JSON and CSV keep SI values; only tables use these.
 */
import type { QuantityUnit } from "@supernode/core";
import { enUs } from "./locale-number.ts";

function fixed(value: number, digits = 4): string {
  if (value === 0) return "0";
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const decimals = Math.max(0, Math.min(3, digits - 1 - magnitude));
  return enUs(value, decimals); // minimumFractionDigits 0 is the en-US default
}

function scaled(value: number, steps: ReadonlyArray<readonly [number, string]>): string {
  for (const [factor, unit] of steps)
    if (Math.abs(value) >= factor) return `${fixed(value / factor)} ${unit}`;
  const last = steps[steps.length - 1];
  return last === undefined ? fixed(value) : `${fixed(value / last[0])} ${last[1]}`;
}

/**
 * @example formatQuantity(2.9952e17, "FLOP/s") === "299.5 PFLOPS"
 * @example formatQuantity(559000, "W") === "559 kW"
 */
export function formatQuantity(value: number, unit: QuantityUnit): string {
  switch (unit) {
    case "count":
      return fixed(value);
    case "FLOP/s":
      return scaled(value, [
        [1e18, "EFLOPS"],
        [1e15, "PFLOPS"],
        [1e12, "TFLOPS"],
        [1e9, "GFLOPS"],
      ]);
    case "bytes":
      return scaled(value, [
        [1e12, "TB"],
        [1e9, "GB"],
        [1e6, "MB"],
      ]);
    case "bytes/s":
      return scaled(value, [
        [1e12, "TB/s"],
        [1e9, "GB/s"],
        [1e6, "MB/s"],
      ]);
    case "s":
      return scaled(value, [
        [1, "s"],
        [1e-3, "ms"],
        [1e-6, "µs"],
        [1e-9, "ns"],
      ]);
    case "W":
      return scaled(value, [
        [1e6, "MW"],
        [1e3, "kW"],
        [1, "W"],
      ]);
    case "FLOP/s/W":
      return `${fixed(value / 1e9)} GFLOPS/W`;
    case "bytes/s/W":
      return `${fixed(value / 1e9)} GB/s per W`;
    case "bytes/W":
      return `${fixed(value / 1e6)} MB/W`;
    default: {
      const unreachable: never = unit;
      return String(unreachable);
    }
  }
}

/** A ratio for tables: `1.66×`; below 1 also says how many times lower. @example formatRatio(0.4316) === "0.43× (2.32× lower)" */
export function formatRatio(ratio: number | null): string {
  if (ratio === null || !Number.isFinite(ratio)) return "—";
  if (ratio >= 1) return `${ratio.toFixed(2)}×`;
  return `${ratio.toFixed(2)}× (${(1 / ratio).toFixed(2)}× lower)`;
}
