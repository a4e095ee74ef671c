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

/** Apart from the sequence, the order key holds the priority: priority × 2^44 + sequence. */
const PRIORITY_SPAN = 2 ** 44;

/**
 * The scenario engine's future-event list: the same (time, priority, sequence) order as EventQueue,
 * specialised for integer event codes and small non-negative integer priorities.
 *
 * Why a second heap: the engine moves tens of millions of events a run, and folding priority and
 * sequence into one order key (exact in a double while the sequence stays below 2^44, some 1.7e13
 * events, and the priority below 2^8) makes each heap step compare and move one key fewer; the codes
 * live in an Int32Array, so nothing on the heap is a JavaScript value. Time and codes are read
 * straight from the public arrays (`times[0]`, `codes[0]`) before `pop()`.
 */
export class EventHeap {
  times: Float64Array;
  codes: Int32Array;
  private orders: Float64Array;
  count = 0;
  private nextSequence = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, Math.floor(initialCapacity));
    this.times = new Float64Array(capacity);
    this.orders = new Float64Array(capacity);
    this.codes = new Int32Array(capacity);
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  /** Schedules event `code` at `time`; `priority` is an integer from 0 to 255. */
  push(time: number, priority: number, code: number): void {
    if (Number.isNaN(time)) throw new RangeError("time must be a number, got NaN");
    if (this.count === this.times.length) this.grow();
    const order = priority * PRIORITY_SPAN + this.nextSequence++;
    const times = this.times;
    const orders = this.orders;
    const codes = this.codes;
    let hole = this.count++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      const parentTime = times[parent] as number;
      if (parentTime < time || (parentTime === time && (orders[parent] as number) < order)) break;
      times[hole] = parentTime;
      orders[hole] = orders[parent] as number;
      codes[hole] = codes[parent] as number;
      hole = parent;
    }
    times[hole] = time;
    orders[hole] = order;
    codes[hole] = code;
  }

  /** Removes the earliest event (read `times[0]` and `codes[0]` first); the heap must not be empty. */
  pop(): void {
    if (this.count === 0) throw new RangeError("pop from an empty event heap");
    const last = --this.count;
    if (last === 0) return;
    const times = this.times;
    const orders = this.orders;
    const codes = this.codes;
    const time = times[last] as number;
    const order = orders[last] as number;
    const code = codes[last] as number;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      let childTime = times[child] as number;
      let childOrder = orders[child] as number;
      const right = child + 1;
      if (right < last) {
        const rightTime = times[right] as number;
        const rightOrder = orders[right] as number;
        if (rightTime < childTime || (rightTime === childTime && rightOrder < childOrder)) {
          child = right;
          childTime = rightTime;
          childOrder = rightOrder;
        }
      }
      if (time < childTime || (time === childTime && order < childOrder)) break;
      times[hole] = childTime;
      orders[hole] = childOrder;
      codes[hole] = codes[child] as number;
      hole = child;
    }
    times[hole] = time;
    orders[hole] = order;
    codes[hole] = code;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    const orders = new Float64Array(capacity);
    orders.set(this.orders);
    const codes = new Int32Array(capacity);
    codes.set(this.codes);
    this.times = times;
    this.orders = orders;
    this.codes = codes;
  }
}
