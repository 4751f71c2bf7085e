/**
 * The order of dotted release versions ("0.4.6" < "0.11.1", "2.26.2" < "2.27.3"), as the data files
 * key engine releases and NCCL constants by them. Each part compares as a whole number; a missing
 * or non-numeric part counts 0, and `-` separates parts like `.` ("1.0.0-rc1" orders as 1.0.0.0).
 */

/**
 * Negative when `a` is older than `b`, zero when equal, positive when newer.
 * @example compareVersions("2.26.2", "2.27.3") // < 0
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  const pb = b.split(/[.-]/).map((x) => Number.parseInt(x, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
