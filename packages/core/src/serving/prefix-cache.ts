/**
 * A least-recently-used cache of shared prefixes (by prefix group), sized in tokens: the HBM
 * prefix cache of one instance, or the pooled DRAM tier (EMS) shared by all instances.
 *
 * @example
 * const cache = new PrefixCache(10_000);
 * cache.insert(3, 2048); cache.lookup(3) // true
 */
export class PrefixCache {
  private readonly entries = new Map<number, number>();
  private usedTokens = 0;

  constructor(readonly capacityTokens: number) {}

  get used(): number {
    return this.usedTokens;
  }

  /** Whether `group` is cached; a hit makes it the most recently used. */
  lookup(group: number): boolean {
    const tokens = this.entries.get(group);
    if (tokens === undefined) return false;
    this.entries.delete(group);
    this.entries.set(group, tokens);
    return true;
  }

  /** Whether `group` is cached, without touching its recency (for routing decisions). */
  has(group: number): boolean {
    return this.entries.has(group);
  }

  /** Caches `group` (its `tokens`), evicting the least recently used until it fits. */
  insert(group: number, tokens: number): void {
    if (tokens > this.capacityTokens) return;
    const existing = this.entries.get(group);
    if (existing !== undefined) {
      this.entries.delete(group);
      this.entries.set(group, existing);
      return;
    }
    while (this.usedTokens + tokens > this.capacityTokens) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.usedTokens -= this.entries.get(oldest.value) ?? 0;
      this.entries.delete(oldest.value);
    }
    this.entries.set(group, tokens);
    this.usedTokens += tokens;
  }
}
