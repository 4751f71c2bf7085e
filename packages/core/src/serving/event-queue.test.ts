import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EventQueue } from "./event-queue.ts";

describe("EventQueue", () => {
  it("pops in time order and breaks ties by push order", () => {
    const q = new EventQueue();
    q.push(2, 0, 1, 0);
    q.push(1, 0, 2, 0);
    q.push(2, 0, 3, 0);
    q.push(1, 0, 4, 0);
    const order: number[] = [];
    while (q.pop()) order.push(q.arg);
    expect(order).toEqual([2, 4, 1, 3]);
  });

  it("delivers events pushed at the current instant after the earlier ones", () => {
    const q = new EventQueue();
    q.push(1, 0, 1, 0);
    q.push(1, 0, 2, 0);
    const order: number[] = [];
    while (q.pop()) {
      order.push(q.arg);
      if (q.arg === 1) q.push(1, 0, 3, 0);
    }
    expect(order).toEqual([1, 2, 3]);
  });

  it("matches a stable sort of (time, sequence) for any pushes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 3000 }), (times) => {
        const q = new EventQueue();
        times.forEach((t, i) => {
          q.push(t, 0, i, 0);
        });
        const popped: number[] = [];
        while (q.pop()) popped.push(q.arg);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i);
        expect(popped).toEqual(expected.map((e) => e.i));
      }),
      { numRuns: 50 },
    );
  });
});
