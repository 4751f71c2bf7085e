/**
 * A memo keyed by a sequence of numbers, exactly: a key is written number by number into a
 * `WordKey` (strings as their number in an intern table), hashed, and compared bit for bit with
 * the stored keys of its hash — so no key is ever printed. Writing a few hundred numbers costs
 * about a microsecond, where printing them (`JSON.stringify`) costs tens; a caller that times
 * something costlier than that from inputs it can list (perf/layer-memo.ts) memoises it here.
 */

/** Interned strings (operator names, enum values): their number in this table. */
const interned = new Map<string, number>();

/** A key being written: numbers, appended in order. */
export class WordKey {
  private values = new Float64Array(512);
  /** The values' bits, two 32-bit words per value (what is hashed and compared). */
  words = new Int32Array(this.values.buffer);
  length = 0;

  /** Starts a new key. */
  reset(): this {
    this.length = 0;
    return this;
  }

  /** Appends a number (compared by its bits: -0 and 0 differ). */
  number(x: number): this {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
      this.words = new Int32Array(grown.buffer);
    }
    this.values[this.length++] = x;
    return this;
  }

  /** Appends a string (its number in the intern table). */
  string(s: string): this {
    let id = interned.get(s);
    if (id === undefined) {
      id = interned.size;
      interned.set(s, id);
    }
    return this.number(id);
  }

  /** Appends an optional number: 0 when absent, else 1 and the number. */
  optional(x: number | undefined): this {
    return x === undefined ? this.number(0) : this.number(1).number(x);
  }
}

interface Entry<V> {
  /** The key's words: `length` of them from `start` in `chunk` (one of the memo's key chunks). */
  readonly chunk: Int32Array;
  readonly start: number;
  readonly length: number;
  /** Absent (`stored` false) for a key kept without its value (`keysFirst`). */
  value: V | undefined;
  stored: boolean;
}

/** Words of a memo's first key chunk, and the most a later chunk grows to (a longer key gets its own). */
const FIRST_CHUNK_WORDS = 1024;
const MAX_CHUNK_WORDS = 1 << 14;

export interface WordMemoOptions {
  /**
   * Until at least 1 in 100 of (at least PROOF_LOOKUPS) lookups since the memo last started again
   * were hits, keep each key without its value and store the value when the key is asked for a
   * second time (computing it again then). For values that are large against their keys (a layer's
   * timing: its items, streams and groups), where holding values nobody asks for again costs more
   * than the second computation of those that are.
   */
  readonly keysFirst?: boolean;
}

/** Lookups a `keysFirst` memo counts before its hits can show that it pays. */
export const PROOF_LOOKUPS = 100;

/** Entries a memo keeps before its lookups have shown that it pays (see `WordMemo`). */
export const PROBATION_ENTRIES = 1024;

/**
 * Values by `WordKey`, at most `maxEntries` of them (the memo starts again when full). A memo
 * whose lookups rarely hit keeps fewer: it holds at most PROBATION_ENTRIES until, on filling, at
 * least 1 in 100 of its lookups since it last started again were hits; then its room doubles (up
 * to `maxEntries`) without forgetting anything. Entries that are never asked for again are
 * garbage the collector has to copy and mark while they are held: a sweep over 10,000 distinct
 * operating points misses every one of its 41,280 layer lookups, and holding 20,000 of those
 * timings cost it about 7 % of its CPU. A memo that hits (a deployment search: about 46 %)
 * grows to `maxEntries` exactly as before. Even 1,024 held values cost a sweep more than they
 * save when they are large (a layer's timing): with `keysFirst` the memo holds only keys until its
 * hits show that it pays (see `WordMemoOptions`).
 * @example memo.get(key.reset().number(w).number(h), () => w * h)
 */
export class WordMemo<V> {
  private readonly buckets = new Map<number, Entry<V>[]>();
  private size = 0;
  private room: number;
  private lookups = 0;
  private hits = 0;
  /** Whether a missed key's value is stored (always, unless `keysFirst` and the memo has not paid yet). */
  private storesValues: boolean;
  private readonly keysFirst: boolean;
  /** The value the last `lookup` found. */
  found: V | undefined;
  /**
   * The last `lookup`'s entry that holds its key without a value; else its hash and where its key
   * words were copied (a new entry).
   */
  private pending: Entry<V> | undefined;
  private pendingHash = 0;
  private pendingChunk = new Int32Array(0);
  private pendingStart = 0;
  private pendingLength = 0;
  /**
   * Stored keys are copied one after another into chunks (a key is never changed once copied), not
   * each into an array of its own: a lookup that misses allocates nothing. A memo that starts
   * again takes a new chunk; the old ones go with the entries that point into them.
   */
  private chunk = new Int32Array(0);
  private chunkUsed = 0;

  constructor(
    private readonly maxEntries: number,
    options: WordMemoOptions = {},
  ) {
    this.room = Math.min(maxEntries, PROBATION_ENTRIES);
    this.keysFirst = options.keysFirst === true;
    this.storesValues = !this.keysFirst;
  }

  /** The value stored under `key`, else `compute()` stored under it (the key is copied first). */
  get(key: WordKey, compute: () => V): V {
    if (this.lookup(key)) return this.found as V;
    // `compute` may look up this memo itself: keep this lookup's pending entry across it.
    const { pending, pendingHash, pendingChunk, pendingStart, pendingLength } = this;
    const value = compute();
    this.pending = pending;
    this.pendingHash = pendingHash;
    this.pendingChunk = pendingChunk;
    this.pendingStart = pendingStart;
    this.pendingLength = pendingLength;
    return this.store(value);
  }

  /**
   * `get` in two halves, with the computation between them at the caller: true when a value is
   * stored under `key` (it is then in `found`), else false, and the caller passes the value it
   * computes to `store` before the next lookup. Optimised code of a `get` holds the inlined
   * computation, so each deopt of the memo's bookkeeping (a memo filling up for the first time)
   * recompiled it too.
   */
  lookup(key: WordKey): boolean {
    const n = key.length * 2;
    const w = key.words;
    let hash = 0x811c9dc5;
    for (let i = 0; i < n; i++) hash = Math.imul(hash ^ (w[i] as number), 16777619);
    this.lookups++;
    const bucket = this.buckets.get(hash);
    if (bucket !== undefined)
      for (const entry of bucket)
        if (same(entry, w, n)) {
          this.hits++;
          if (!this.storesValues && this.lookups >= PROOF_LOOKUPS && this.pays()) this.storesValues = true;
          if (entry.stored) {
            this.found = entry.value;
            return true;
          }
          this.pending = entry;
          return false;
        }
    this.pending = undefined;
    this.pendingHash = hash;
    this.copyPending(w, n);
    return false;
  }

  /** Copies a missed key's words to the end of the current chunk (a new chunk when it is full). */
  private copyPending(w: Int32Array, n: number): void {
    if (this.chunkUsed + n > this.chunk.length) this.newChunk(n);
    const chunk = this.chunk;
    const start = this.chunkUsed;
    for (let i = 0; i < n; i++) chunk[start + i] = w[i] as number;
    this.chunkUsed = start + n;
    this.pendingChunk = chunk;
    this.pendingStart = start;
    this.pendingLength = n;
  }

  /** A new, empty chunk with room for at least `n` words. */
  private newChunk(n: number): void {
    const grown = Math.min(MAX_CHUNK_WORDS, Math.max(FIRST_CHUNK_WORDS, this.chunk.length * 2));
    this.chunk = new Int32Array(Math.max(n, grown));
    this.chunkUsed = 0;
  }

  /** Stores `value` under the key of the last `lookup` (which found none); returns `value`. */
  store(value: V): V {
    const known = this.pending;
    if (known !== undefined) {
      this.pending = undefined;
      known.value = value;
      known.stored = true;
      return value;
    }
    const hash = this.pendingHash;
    if (this.size >= this.room && !this.makeRoom()) {
      // Started again: the key moves to the new chunk, so that the old one can go.
      const n = this.pendingLength;
      this.copyPending(this.pendingChunk.subarray(this.pendingStart, this.pendingStart + n), n);
    }
    const current = this.buckets.get(hash);
    const stored = this.storesValues;
    const entry: Entry<V> = {
      chunk: this.pendingChunk,
      start: this.pendingStart,
      length: this.pendingLength,
      value: stored ? value : undefined,
      stored,
    };
    if (current === undefined) this.buckets.set(hash, [entry]);
    else current.push(entry);
    this.size++;
    return value;
  }

  /** On filling: more room if the memo pays (true), else it starts again (false). */
  private makeRoom(): boolean {
    if (this.room < this.maxEntries && this.pays()) {
      this.room = Math.min(this.maxEntries, this.room * 2);
      return true;
    }
    this.buckets.clear();
    this.size = 0;
    this.lookups = 0;
    this.hits = 0;
    this.room = Math.min(this.maxEntries, PROBATION_ENTRIES);
    this.storesValues = !this.keysFirst;
    this.chunk = new Int32Array(0);
    this.chunkUsed = 0;
    return false;
  }

  /** Whether at least 1 in 100 of the lookups since the memo last started again were hits. */
  private pays(): boolean {
    return this.hits * 100 >= this.lookups;
  }
}

function same(entry: Entry<unknown>, w: Int32Array, n: number): boolean {
  if (entry.length !== n) return false;
  const chunk = entry.chunk;
  const start = entry.start;
  for (let i = 0; i < n; i++) if (chunk[start + i] !== w[i]) return false;
  return true;
}
