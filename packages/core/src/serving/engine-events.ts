/** The kinds of event on the serving engine's queue (numbers, for the queue's typed arrays). */
export const ENGINE_EVENT = {
  /** The next open-loop request arrives. */
  arrival: 0,
  /** A closed-loop user (the event's argument) sends its next request. */
  user: 1,
  /** An instance's iteration (or decode window) ends; stale unless its stamp equals the version. */
  step: 2,
  /** A request's KV cache has reached its decode instance. */
  transfer: 3,
  /** Time to record a time-series sample. */
  sample: 5,
} as const;
