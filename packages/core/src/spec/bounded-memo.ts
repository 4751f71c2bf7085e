/**
 * Values by string key, at most `maxEntries` of them: a memo that would pass its bound forgets
 * everything and starts again. For results keyed by a batch or a request count, which a long sweep
 * or web session would otherwise accumulate without end; the keys that recur within one estimate
 * (the same few layouts and batches) refill it at once. A key whose value is `undefined` is not kept.
 * @example const area = new BoundedMemo<number>(1_000); area.get("3|4", () => 12) // 12
 */
export class BoundedMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1)
      throw new RangeError(`BoundedMemo needs a whole number of entries ≥ 1, got ${maxEntries}`);
  }

  /** The value stored under `key`, else `compute()` stored under it. */
  get(key: string, compute: () => V): V {
    const hit = this.entries.get(key);
    if (hit !== undefined) return hit;
    const value = compute();
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }

  /** How many values it holds now. */
  get size(): number {
    return this.entries.size;
  }
}
