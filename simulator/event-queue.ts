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
 * Why a second heap: the engine moves tens of millions of events a run, and three choices, each
 * measured on the M/M/c benchmark, make a heap step cheaper:
 * - priority and sequence are folded into one order key (exact in a double while the sequence stays
 *   below 2^44, some 1.7e13 events, and the priority below 2^8), so a step compares and moves one key
 *   fewer; the codes live in an Int32Array, so nothing on the heap is a JavaScript value;
 * - four children per node instead of two: half the levels, and the children side by side in memory;
 * - pop is lazy: it only marks the top as taken. Most events schedule another at once (a departure
 *   starts the next case's handling), and that push then drops straight into the vacated root and
 *   sifts down: one pass instead of a pop's sift-down plus a push's sift-up. The top is removed for
 *   real only when it is next read and nothing has replaced it.
 * Keys are unique (the sequence), so the order events leave in does not depend on the heap's shape.
 * Read the next event's time with peekTime(), then pop() removes it and returns its code.
 */
export class EventHeap {
  private times: Float64Array;
  private orders: Float64Array;
  private codes: Int32Array;
  /** Entries held, a taken top included. */
  private held = 0;
  private topTaken = false;
  private nextSequence = 0;

  constructor(initialCapacity = 1024) {
    const capacity = Math.max(1, Math.floor(initialCapacity));
    this.times = new Float64Array(capacity);
    this.orders = new Float64Array(capacity);
    this.codes = new Int32Array(capacity);
  }

  /** Events waiting. */
  get size(): number {
    return this.topTaken ? this.held - 1 : this.held;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    if (this.topTaken) this.removeTop();
    return this.held === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  /** Schedules event `code` at `time`; `priority` is an integer from 0 to 255. */
  push(time: number, priority: number, code: number): void {
    if (Number.isNaN(time)) throw new RangeError("time must be a number, got NaN");
    const order = priority * PRIORITY_SPAN + this.nextSequence++;
    if (this.topTaken) {
      this.topTaken = false;
      this.siftDown(time, order, code, this.held);
      return;
    }
    if (this.held === this.times.length) this.grow();
    const times = this.times;
    const orders = this.orders;
    const codes = this.codes;
    let hole = this.held++;
    while (hole > 0) {
      const parent = (hole - 1) >> 2;
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

  /**
   * Removes the earliest event and returns its code (read its time with peekTime() first); it must
   * exist. The entry stays in place until the next call, so a push that follows drops straight into
   * the root instead of the last entry sifting down first.
   */
  pop(): number {
    if (this.topTaken) this.removeTop();
    if (this.held === 0) throw new RangeError("pop from an empty event heap");
    this.topTaken = true;
    return this.codes[0] as number;
  }

  /** Drops the taken top: the last entry moves into the root and sifts down. */
  private removeTop(): void {
    this.topTaken = false;
    const last = --this.held;
    if (last === 0) return;
    this.siftDown(this.times[last] as number, this.orders[last] as number, this.codes[last] as number, last);
  }

  /** Places (time, order, code) at the root, over entries 0..held-1, and sifts it down. */
  private siftDown(time: number, order: number, code: number, held: number): void {
    const times = this.times;
    const orders = this.orders;
    const codes = this.codes;
    let hole = 0;
    for (;;) {
      const first = 4 * hole + 1;
      if (first >= held) break;
      let child = first;
      let childTime = times[first] as number;
      let childOrder = orders[first] as number;
      const end = Math.min(first + 4, held);
      for (let sibling = first + 1; sibling < end; sibling++) {
        const siblingTime = times[sibling] as number;
        if (
          siblingTime < childTime ||
          (siblingTime === childTime && (orders[sibling] as number) < childOrder)
        ) {
          child = sibling;
          childTime = siblingTime;
          childOrder = orders[sibling] as number;
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
