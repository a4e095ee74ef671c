/**
 * The simulator's future-event list: a binary min-heap ordered by (time, priority, sequence).
 *
 * - time: simulation clock, seconds.
 * - priority: lower first among events at the same instant (e.g. free a server before the next
 *   arrival looks for one).
 * - sequence: an insertion counter, so events equal in time and priority leave in the order they
 *   were scheduled. This makes the run independent of heap internals: same seed, same output.
 *
 * Why parallel typed arrays instead of an array of event objects: a run processes tens of millions
 * of events, and comparing and moving numbers held in Float64Arrays allocates nothing per
 * comparison and keeps the keys contiguous in memory. Payloads ride along in a plain array; a number
 * payload (an event code) keeps even that allocation-free.
 */
export class EventQueue<T> {
  private times: Float64Array;
  private priorities: Float64Array;
  private sequences: Float64Array; // a double counts exactly to 2^53, far past any run
  private payloads: T[];
  private count = 0;
  private nextSequence = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, Math.floor(initialCapacity));
    this.times = new Float64Array(capacity);
    this.priorities = new Float64Array(capacity);
    this.sequences = new Float64Array(capacity);
    this.payloads = new Array<T>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event, or Infinity when empty (so `while (q.peekTime() <= end)` just works). */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  /** Schedules `payload` at `time`; returns the event's sequence number. */
  push(time: number, priority: number, payload: T): number {
    if (Number.isNaN(time)) throw new RangeError("time must be a number, got NaN");
    if (Number.isNaN(priority)) throw new RangeError("priority must be a number, got NaN");
    if (this.count === this.times.length) this.grow();
    const sequence = this.nextSequence++;
    const times = this.times;
    const priorities = this.priorities;
    const sequences = this.sequences;
    const payloads = this.payloads;
    // Sift up with a hole: move parents down until the new key's place is found, then write it once.
    let hole = this.count++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime < time || (parentTime === time && (priorities[parent] as number) <= priority)) break;
      times[hole] = parentTime;
      priorities[hole] = priorities[parent] as number;
      sequences[hole] = sequences[parent] as number;
      payloads[hole] = payloads[parent] as T;
      hole = parent;
    }
    times[hole] = time;
    priorities[hole] = priority;
    sequences[hole] = sequence;
    payloads[hole] = payload;
    return sequence;
  }

  /**
   * Removes and returns the earliest event's payload (read its time with `peekTime()` first).
   * Throws when empty: popping an empty future-event list is a simulator bug, not an end condition.
   */
  pop(): T {
    if (this.count === 0) throw new RangeError("pop from an empty event queue");
    const times = this.times;
    const priorities = this.priorities;
    const sequences = this.sequences;
    const payloads = this.payloads;
    const top = payloads[0] as T;
    const last = --this.count;
    if (last === 0) return top;
    // Sift the last element down from the root, again with a hole.
    const time = times[last] as number;
    const priority = priorities[last] as number;
    const sequence = sequences[last] as number;
    const payload = payloads[last] as T;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && this.before(right, child)) child = right;
      const childTime = times[child] as number;
      const childPriority = priorities[child] as number;
      if (
        time < childTime ||
        (time === childTime &&
          (priority < childPriority ||
            (priority === childPriority && sequence < (sequences[child] as number))))
      ) {
        break;
      }
      times[hole] = childTime;
      priorities[hole] = childPriority;
      sequences[hole] = sequences[child] as number;
      payloads[hole] = payloads[child] as T;
      hole = child;
    }
    times[hole] = time;
    priorities[hole] = priority;
    sequences[hole] = sequence;
    payloads[hole] = payload;
    return top;
  }

  /** Empties the queue and restarts the sequence counter (capacity is kept). */
  clear(): void {
    this.count = 0;
    this.nextSequence = 0;
    this.payloads = new Array<T>(this.times.length); // drop references held by popped slots
  }

  /** Does the event at heap index i come before the one at index j? */
  private before(i: number, j: number): boolean {
    const ti = this.times[i] as number;
    const tj = this.times[j] as number;
    if (ti !== tj) return ti < tj;
    const pi = this.priorities[i] as number;
    const pj = this.priorities[j] as number;
    if (pi !== pj) return pi < pj;
    return (this.sequences[i] as number) < (this.sequences[j] as number);
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const resize = (from: Float64Array): Float64Array => {
      const to = new Float64Array(capacity);
      to.set(from);
      return to;
    };
    this.times = resize(this.times);
    this.priorities = resize(this.priorities);
    this.sequences = resize(this.sequences);
    this.payloads.length = capacity;
  }
}
