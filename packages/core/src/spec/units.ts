/**
 * Units. Everything inside `core` is SI: seconds, bytes, FLOP/s, bytes/s, watts. Data files use
 * the units their field names carry (`capacityGB`, `bandwidthGBps`, `bf16Tflops`), converted once
 * when parsed. Decimal prefixes (1 GB = 1e9 B) unless the name says binary (GiB).
 */
export const KILO = 1e3;
export const MEGA = 1e6;
export const GIGA = 1e9;
export const TERA = 1e12;
export const PETA = 1e15;
export const KIB = 1024;
export const MIB = 1024 ** 2;
export const GIB = 1024 ** 3;
export const TIB = 1024 ** 4;
export const MICROSECOND = 1e-6;
export const NANOSECOND = 1e-9;
export const MILLISECOND = 1e-3;

/** Gigabits per second to bytes per second. @example gbpsToBytesPerS(400) === 50e9 */
export function gbpsToBytesPerS(gbps: number): number {
  return (gbps * GIGA) / 8;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: KILO,
  mb: MEGA,
  gb: GIGA,
  tb: TERA,
  kib: KIB,
  mib: MIB,
  gib: GIB,
  tib: TIB,
};

/**
 * Parses a byte size such as `1GiB`, `512 MB`, `4096` (bytes). Returns undefined if malformed.
 * @example parseByteSize("1GiB") === 1073741824
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? "").toLowerCase();
  const factor = unit === "" ? 1 : SIZE_UNITS[unit];
  if (factor === undefined || !Number.isFinite(value)) return undefined;
  return value * factor;
}
