/**
 * The requests in flight as a structure of typed arrays (one slot per request, indexed by slot id),
 * so the simulator allocates nothing per token. A request's slot is released when it finishes or
 * is dropped (after the recorder has taken what it keeps) and reused by a later arrival, so memory
 * follows the number of requests in flight, not the length of the run; `serial` is the request's
 * number in arrival order (its id in results).
 */

/** Request life cycle. */
export const REQUEST_STATE = {
  waiting: 0,
  prefilling: 1,
  transferring: 2,
  decodeWaiting: 3,
  decoding: 4,
  swapped: 5,
  done: 7,
  dropped: 8,
} as const;

/** Why a request was dropped. */
export type DropReason = "queue-full" | "queue-timeout" | "exceeds-kv-capacity";
export const DROP_REASONS: readonly DropReason[] = ["queue-full", "queue-timeout", "exceeds-kv-capacity"];

export class RequestPool {
  /** Slots ever used (the high-water mark); loops over slots run to this. */
  count = 0;
  capacity: number;
  /** Requests added so far (the next serial number). */
  arrived = 0;
  /** Slots in use. */
  live = 0;
  /** Released slots, reused before new ones. */
  private free = new Int32Array(64);
  private freeCount = 0;
  /** Arrival-order number of the request in each slot. */
  serial: Int32Array;
  arrivalS: Float64Array;
  firstTokenS: Float64Array;
  finishS: Float64Array;
  promptTokens: Int32Array;
  outputTokens: Int32Array;
  prefixGroup: Int32Array;
  prefixTokens: Int32Array;
  priority: Int32Array;
  /** Closed-loop user that sent it (-1: open loop). */
  user: Int32Array;
  state: Uint8Array;
  /** Index in DROP_REASONS + 1 (0: not dropped). */
  dropReason: Uint8Array;
  /** Tokens whose KV must be (re)computed by prefill: the prompt, plus output generated before a recompute preemption. */
  prefillTarget: Int32Array;
  /** Of those, tokens already prefilled (or found in a prefix cache). */
  prefillDone: Int32Array;
  /** Prompt tokens served from a cache (HBM or pool), summed over (re)prefills. */
  cachedTokens: Int32Array;
  /** Prefix tokens whose KV must still be fetched from the pooled tier (when the request joins a batch). */
  fetchTokens: Int32Array;
  /** Tokens emitted so far (the first comes from prefill). */
  generated: Int32Array;
  /** Decode: step index at which the sequence joined and at which it finishes, and its tokens per step. */
  joinStep: Float64Array;
  finishStep: Float64Array;
  tokensPerStep: Float64Array;
  /** Context tokens (prompt + generated) when it joined the decode batch. */
  joinContext: Float64Array;
  preemptions: Int32Array;
  prefillInstance: Int32Array;
  decodeInstance: Int32Array;
  /** Time prefill first started (NaN before). */
  startS: Float64Array;
  /** Tokens reserved in the KV cache of the prefill-stage instance. */
  reservedTokens: Int32Array;
  /** Doubly linked list of an instance's decoding sequences, in joining order (-1: none). */
  prev: Int32Array;
  next: Int32Array;

  constructor(initialCapacity: number) {
    this.capacity = Math.max(16, initialCapacity);
    const n = this.capacity;
    this.serial = new Int32Array(n);
    this.arrivalS = new Float64Array(n);
    this.firstTokenS = new Float64Array(n);
    this.finishS = new Float64Array(n);
    this.promptTokens = new Int32Array(n);
    this.outputTokens = new Int32Array(n);
    this.prefixGroup = new Int32Array(n);
    this.prefixTokens = new Int32Array(n);
    this.priority = new Int32Array(n);
    this.user = new Int32Array(n);
    this.state = new Uint8Array(n);
    this.dropReason = new Uint8Array(n);
    this.prefillTarget = new Int32Array(n);
    this.prefillDone = new Int32Array(n);
    this.cachedTokens = new Int32Array(n);
    this.fetchTokens = new Int32Array(n);
    this.generated = new Int32Array(n);
    this.joinStep = new Float64Array(n);
    this.finishStep = new Float64Array(n);
    this.tokensPerStep = new Float64Array(n);
    this.joinContext = new Float64Array(n);
    this.preemptions = new Int32Array(n);
    this.prefillInstance = new Int32Array(n);
    this.decodeInstance = new Int32Array(n);
    this.startS = new Float64Array(n);
    this.reservedTokens = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
  }

  /** Adds a request (in a released slot when there is one) and returns its slot id. */
  add(
    arrivalS: number,
    promptTokens: number,
    outputTokens: number,
    prefixGroup: number,
    prefixTokens: number,
    priority: number,
    user: number,
  ): number {
    let id: number;
    if (this.freeCount > 0) id = this.free[--this.freeCount] as number;
    else {
      if (this.count === this.capacity) this.grow();
      id = this.count++;
    }
    this.live++;
    this.serial[id] = this.arrived++;
    this.arrivalS[id] = arrivalS;
    this.firstTokenS[id] = Number.NaN;
    this.finishS[id] = Number.NaN;
    this.promptTokens[id] = promptTokens;
    this.outputTokens[id] = outputTokens;
    this.prefixGroup[id] = prefixGroup;
    this.prefixTokens[id] = prefixTokens;
    this.priority[id] = priority;
    this.user[id] = user;
    this.state[id] = REQUEST_STATE.waiting;
    this.prefillTarget[id] = promptTokens;
    this.prefillInstance[id] = -1;
    this.decodeInstance[id] = -1;
    this.startS[id] = Number.NaN;
    this.prev[id] = -1;
    this.next[id] = -1;
    this.dropReason[id] = 0;
    this.prefillDone[id] = 0;
    this.cachedTokens[id] = 0;
    this.generated[id] = 0;
    this.joinStep[id] = 0;
    this.finishStep[id] = 0;
    this.tokensPerStep[id] = 0;
    this.joinContext[id] = 0;
    this.preemptions[id] = 0;
    this.reservedTokens[id] = 0;
    return id;
  }

  /** Frees a finished or dropped request's slot for reuse (its fields stay readable until then). */
  release(id: number): void {
    if (this.freeCount === this.free.length) {
      const bigger = new Int32Array(this.free.length * 2);
      bigger.set(this.free);
      this.free = bigger;
    }
    this.free[this.freeCount++] = id;
    this.live--;
  }

  private grow(): void {
    const n = this.capacity * 2;
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(n);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(n);
      b.set(a);
      return b;
    };
    this.serial = i32(this.serial);
    this.arrivalS = f64(this.arrivalS);
    this.firstTokenS = f64(this.firstTokenS);
    this.finishS = f64(this.finishS);
    this.promptTokens = i32(this.promptTokens);
    this.outputTokens = i32(this.outputTokens);
    this.prefixGroup = i32(this.prefixGroup);
    this.prefixTokens = i32(this.prefixTokens);
    this.priority = i32(this.priority);
    this.user = i32(this.user);
    this.state = u8(this.state);
    this.dropReason = u8(this.dropReason);
    this.prefillTarget = i32(this.prefillTarget);
    this.prefillDone = i32(this.prefillDone);
    this.cachedTokens = i32(this.cachedTokens);
    this.fetchTokens = i32(this.fetchTokens);
    this.generated = i32(this.generated);
    this.joinStep = f64(this.joinStep);
    this.finishStep = f64(this.finishStep);
    this.tokensPerStep = f64(this.tokensPerStep);
    this.joinContext = f64(this.joinContext);
    this.preemptions = i32(this.preemptions);
    this.prefillInstance = i32(this.prefillInstance);
    this.decodeInstance = i32(this.decodeInstance);
    this.startS = f64(this.startS);
    this.reservedTokens = i32(this.reservedTokens);
    this.prev = i32(this.prev);
    this.next = i32(this.next);
    this.capacity = n;
  }
}

/** A FIFO of request ids on a growable ring buffer (supports push to the front, for preempted work). */
export class RequestDeque {
  private buffer = new Int32Array(64);
  private head = 0;
  length = 0;

  pushBack(id: number): void {
    if (this.length === this.buffer.length) this.grow();
    this.buffer[(this.head + this.length) & (this.buffer.length - 1)] = id;
    this.length++;
  }

  pushFront(id: number): void {
    if (this.length === this.buffer.length) this.grow();
    this.head = (this.head - 1) & (this.buffer.length - 1);
    this.buffer[this.head] = id;
    this.length++;
  }

  /** The first id, or -1 when empty. */
  peek(): number {
    return this.length === 0 ? -1 : (this.buffer[this.head] as number);
  }

  popFront(): number {
    if (this.length === 0) return -1;
    const id = this.buffer[this.head] as number;
    this.head = (this.head + 1) & (this.buffer.length - 1);
    this.length--;
    return id;
  }

  private grow(): void {
    const bigger = new Int32Array(this.buffer.length * 2);
    for (let i = 0; i < this.length; i++)
      bigger[i] = this.buffer[(this.head + i) & (this.buffer.length - 1)] as number;
    this.buffer = bigger;
    this.head = 0;
  }
}
