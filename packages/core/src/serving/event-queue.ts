/**
 * The simulator's future-event list: a min-heap on time (flatqueue) whose ties are broken by the
 * order events were pushed (a sequence number), so runs are deterministic. Events are three
 * integers (kind, arg, stamp) stored in typed arrays; popping writes them into fields, so the hot
 * loop allocates nothing.
 *
 * @example
 * const q = new EventQueue();
 * q.push(1.5, KIND_ARRIVAL, 0, 0);
 * while (q.pop()) handle(q.timeS, q.kind, q.arg, q.stamp);
 */
import FlatQueue from "flatqueue";

export class EventQueue {
  /** Fields of the event last popped. */
  timeS = 0;
  kind = 0;
  arg = 0;
  stamp = 0;

  private readonly heap = new FlatQueue<number>();
  private kinds = new Int32Array(1024);
  private args = new Int32Array(1024);
  private stamps = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private times = new Float64Array(1024);
  private readonly free: number[] = [];
  private slotsUsed = 0;
  private nextSeq = 0;
  /** Slots popped from the heap at one instant, sorted by sequence number, delivered in order. */
  private tie = new Int32Array(64);
  private tieStart = 0;
  private tieEnd = 0;

  get size(): number {
    return this.heap.length + (this.tieEnd - this.tieStart);
  }

  push(timeS: number, kind: number, arg: number, stamp: number): void {
    const slot = this.allocate();
    this.kinds[slot] = kind;
    this.args[slot] = arg;
    this.stamps[slot] = stamp;
    this.seqs[slot] = this.nextSeq++;
    this.times[slot] = timeS;
    this.heap.push(slot, timeS);
  }

  /** Removes the earliest event (ties: first pushed first) into the fields; false when empty. */
  pop(): boolean {
    if (this.tieStart === this.tieEnd) {
      if (this.heap.length === 0) return false;
      this.collectTies();
    }
    const slot = this.tie[this.tieStart++] as number;
    this.timeS = this.times[slot] as number;
    this.kind = this.kinds[slot] as number;
    this.arg = this.args[slot] as number;
    this.stamp = this.stamps[slot] as number;
    this.free.push(slot);
    return true;
  }

  private collectTies(): void {
    const time = this.heap.peekValue() as number;
    this.tieStart = 0;
    this.tieEnd = 0;
    while (this.heap.length > 0 && this.heap.peekValue() === time) {
      if (this.tieEnd === this.tie.length) {
        const grown = new Int32Array(this.tie.length * 2);
        grown.set(this.tie);
        this.tie = grown;
      }
      this.tie[this.tieEnd++] = this.heap.pop() as number;
    }
    this.sortTies();
  }

  /**
   * Orders the tie group by sequence number: insertion sort for the usual handful, a comparison
   * sort for large groups (a closed loop of 10⁵ users starts with 10⁵ arrivals at t = 0, which
   * insertion would sort in quadratic time).
   */
  private sortTies(): void {
    const n = this.tieEnd;
    const seqs = this.seqs;
    if (n > 32) {
      this.tie.subarray(0, n).sort((a, b) => (seqs[a] as number) - (seqs[b] as number));
      return;
    }
    for (let i = 1; i < n; i++) {
      const slot = this.tie[i] as number;
      const seq = seqs[slot] as number;
      let j = i;
      while (j > 0 && (seqs[this.tie[j - 1] as number] as number) > seq) {
        this.tie[j] = this.tie[j - 1] as number;
        j--;
      }
      this.tie[j] = slot;
    }
  }

  private allocate(): number {
    const reused = this.free.pop();
    if (reused !== undefined) return reused;
    if (this.slotsUsed === this.kinds.length) this.grow();
    return this.slotsUsed++;
  }

  private grow(): void {
    const size = this.kinds.length * 2;
    const grow64 = (a: Float64Array) => {
      const b = new Float64Array(size);
      b.set(a);
      return b;
    };
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.kinds = grow32(this.kinds);
    this.args = grow32(this.args);
    this.stamps = grow64(this.stamps);
    this.seqs = grow64(this.seqs);
    this.times = grow64(this.times);
  }
}
