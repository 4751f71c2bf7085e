/**
 * The SI unit of a hardware quantity, inferred from its field name (`…FlopsPerS` → FLOP/s,
 * `…BytesPerS` → bytes/s, `…Bytes` → bytes, `…W` → W, `…S` → s). Used by `show` and `compare`
 * (JSON and CSV carry these units; the table converts to PFLOPS, TB, TB/s, kW, ...).
 */
export type QuantityUnit =
  | "count"
  | "FLOP/s"
  | "bytes"
  | "bytes/s"
  | "s"
  | "W"
  | "FLOP/s/W"
  | "bytes/s/W"
  | "bytes/W";

/**
 * @example unitOfPath("memory.bandwidthBytesPerS") === "bytes/s"
 * @example unitOfPath("peakFlopsPerS.bf16") === "FLOP/s"
 */
export function unitOfPath(path: string): QuantityUnit {
  const parts = path.split(".");
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] ?? "";
    if (/FlopsPerW$/.test(part)) return "FLOP/s/W";
    if (/BandwidthPerW$/.test(part)) return "bytes/s/W";
    if (/BytesPerW$/.test(part)) return "bytes/W";
    if (/FlopsPerS$/.test(part)) return "FLOP/s";
    if (/BytesPerS(PerDirection|PerChip|PerNode)?$/.test(part)) return "bytes/s";
    if (/Bytes$/.test(part)) return "bytes";
    if (/(^|[a-z])W$/.test(part)) return "W";
    if (/LatencyS$/.test(part)) return "s";
  }
  return "count";
}
