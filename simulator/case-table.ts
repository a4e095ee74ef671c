/**
 * The open cycles of one replication, as parallel typed arrays indexed by slot, plus the lines cases
 * wait in. Why slots and typed arrays: a year-long run opens millions of cycles; a slot is reused as
 * soon as its case leaves (a free list), so memory follows the open backlog, not the run's volume,
 * and nothing is allocated per case.
 *
 * Lines never remove an entry in the middle (an abandoning case): they keep a stamp per entry and
 * skip entries whose case has since left or re-entered (`isCurrent`), so every operation stays O(1)
 * (FIFO) or O(log n) (due-ordered).
 */

export const STATE_FREE = 0;
export const STATE_WAITING = 1;
export const STATE_IN_SERVICE = 2;
export const STATE_DEPENDENCY = 3;
export const STATE_REOPEN_PENDING = 4;

export const FLAG_COUNTED = 1; // arrived after the warm-up: in the statistics
export const FLAG_DEPENDENCY_DONE = 2; // has already waited on its dependency this cycle
export const FLAG_FOLLOWUP = 4; // the next handling is the follow-up after a dependency
export const FLAG_DECIDED = 8; // SLA outcome already counted
export const FLAG_RECORDED = 16; // this replication writes case records

export class CaseTable {
  capacity = 0;
  caseId = new Float64Array(0);
  queue = new Int32Array(0);
  cycle = new Int32Array(0);
  state = new Uint8Array(0);
  flags = new Uint8Array(0);
  /** Bumped whenever the slot's cycle ends, so open-cycle entries of an earlier cycle are dead. */
  generation = new Uint32Array(0);
  /** Bumped whenever the case enters a line, so line entries from an earlier wait are dead. */
  lineStamp = new Uint32Array(0);
  group = new Int32Array(0);
  reworks = new Int32Array(0);
  cycleStart = new Float64Array(0);
  due = new Float64Array(0);
  /** When the case entered its current line, or started its dependency wait. */
  entered = new Float64Array(0);
  firstStart = new Float64Array(0);
  handled = new Float64Array(0);
  dependencyWait = new Float64Array(0);
  /** When patience runs out (NaN once the case has been touched: patience applies to the first wait). */
  deadline = new Float64Array(0);
  private free: number[] = [];
  private used = 0;

  constructor(initialCapacity = 1024) {
    this.grow(initialCapacity);
  }

  allocate(): number {
    const slot = this.free.length > 0 ? (this.free.pop() as number) : this.used++;
    if (slot >= this.capacity) this.grow(this.capacity * 2);
    return slot;
  }

  release(slot: number): void {
    this.state[slot] = STATE_FREE;
    this.generation[slot] = (this.generation[slot] as number) + 1;
    this.free.push(slot);
  }

  /** Slots ever used (for the end-of-run sweep of open cases). */
  get highWater(): number {
    return this.used;
  }

  private grow(capacity: number): void {
    const copy = <T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(
      from: T,
      make: (n: number) => T,
    ): T => {
      const to = make(capacity);
      to.set(from);
      return to;
    };
    this.caseId = copy(this.caseId, (n) => new Float64Array(n));
    this.queue = copy(this.queue, (n) => new Int32Array(n));
    this.cycle = copy(this.cycle, (n) => new Int32Array(n));
    this.state = copy(this.state, (n) => new Uint8Array(n));
    this.flags = copy(this.flags, (n) => new Uint8Array(n));
    this.generation = copy(this.generation, (n) => new Uint32Array(n));
    this.lineStamp = copy(this.lineStamp, (n) => new Uint32Array(n));
    this.group = copy(this.group, (n) => new Int32Array(n));
    this.reworks = copy(this.reworks, (n) => new Int32Array(n));
    this.cycleStart = copy(this.cycleStart, (n) => new Float64Array(n));
    this.due = copy(this.due, (n) => new Float64Array(n));
    this.entered = copy(this.entered, (n) => new Float64Array(n));
    this.firstStart = copy(this.firstStart, (n) => new Float64Array(n));
    this.handled = copy(this.handled, (n) => new Float64Array(n));
    this.dependencyWait = copy(this.dependencyWait, (n) => new Float64Array(n));
    this.deadline = copy(this.deadline, (n) => new Float64Array(n));
    this.capacity = capacity;
  }
}

/** Cases waiting in one queue, in some order; `front` is the next one to serve. */
export interface CaseLine {
  push(slot: number): void;
  /** The slot at the front, or -1 when nobody waits. */
  front(): number;
  /** Removes the front (call front() first). */
  pop(): void;
}

/** A growable ring of (slot, stamp) entries; the base of the FIFO line and the open-cycle list. */
class SlotRing {
  protected slots = new Int32Array(1024);
  protected stamps = new Uint32Array(1024);
  protected mask = 1023;
  protected head = 0;
  protected tail = 0;

  protected append(slot: number, stamp: number): void {
    if (this.tail - this.head > this.mask) this.grow();
    this.slots[this.tail & this.mask] = slot;
    this.stamps[this.tail & this.mask] = stamp;
    this.tail++;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const slots = new Int32Array(capacity);
    const stamps = new Uint32Array(capacity);
    for (let i = this.head; i < this.tail; i++) {
      slots[i & (capacity - 1)] = this.slots[i & this.mask] as number;
      stamps[i & (capacity - 1)] = this.stamps[i & this.mask] as number;
    }
    this.slots = slots;
    this.stamps = stamps;
    this.mask = capacity - 1;
  }
}

/** First in, first out: the order cases entered the line. */
export class FifoLine extends SlotRing implements CaseLine {
  constructor(private readonly table: CaseTable) {
    super();
  }

  push(slot: number): void {
    this.append(slot, this.table.lineStamp[slot] as number);
  }

  front(): number {
    const { state, lineStamp } = this.table;
    while (this.head < this.tail) {
      const slot = this.slots[this.head & this.mask] as number;
      if (state[slot] === STATE_WAITING && lineStamp[slot] === this.stamps[this.head & this.mask])
        return slot;
      this.head++;
    }
    return -1;
  }

  pop(): void {
    this.head++;
  }
}

/** Earliest SLA due time first; equal due times in the order they entered. A binary heap. */
export class DueLine implements CaseLine {
  private keys = new Float64Array(1024);
  private order = new Float64Array(1024);
  private slots = new Int32Array(1024);
  private stamps = new Uint32Array(1024);
  private count = 0;
  private sequence = 0;

  constructor(private readonly table: CaseTable) {}

  push(slot: number): void {
    if (this.count === this.keys.length) this.grow();
    const key = this.table.due[slot] as number;
    const order = this.sequence++;
    const stamp = this.table.lineStamp[slot] as number;
    let hole = this.count++;
    while (hole > 0) {
      const parent = (hole - 1) >> 1;
      if (!this.after(parent, key, order)) break;
      this.move(parent, hole);
      hole = parent;
    }
    this.set(hole, key, order, slot, stamp);
  }

  front(): number {
    const { state, lineStamp } = this.table;
    while (this.count > 0) {
      const slot = this.slots[0] as number;
      if (state[slot] === STATE_WAITING && lineStamp[slot] === this.stamps[0]) return slot;
      this.pop();
    }
    return -1;
  }

  pop(): void {
    const last = --this.count;
    if (last === 0) return;
    const key = this.keys[last] as number;
    const order = this.order[last] as number;
    const slot = this.slots[last] as number;
    const stamp = this.stamps[last] as number;
    let hole = 0;
    for (;;) {
      let child = 2 * hole + 1;
      if (child >= last) break;
      if (
        child + 1 < last &&
        this.after(child, this.keys[child + 1] as number, this.order[child + 1] as number)
      ) {
        child++;
      }
      if (this.after(child, key, order)) break;
      this.move(child, hole);
      hole = child;
    }
    this.set(hole, key, order, slot, stamp);
  }

  /** Does entry i come after (key, order)? */
  private after(i: number, key: number, order: number): boolean {
    const k = this.keys[i] as number;
    return k > key || (k === key && (this.order[i] as number) > order);
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from] as number;
    this.order[to] = this.order[from] as number;
    this.slots[to] = this.slots[from] as number;
    this.stamps[to] = this.stamps[from] as number;
  }

  private set(i: number, key: number, order: number, slot: number, stamp: number): void {
    this.keys[i] = key;
    this.order[i] = order;
    this.slots[i] = slot;
    this.stamps[i] = stamp;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const order = new Float64Array(n);
    order.set(this.order);
    const slots = new Int32Array(n);
    slots.set(this.slots);
    const stamps = new Uint32Array(n);
    stamps.set(this.stamps);
    this.keys = keys;
    this.order = order;
    this.slots = slots;
    this.stamps = stamps;
  }
}

/**
 * A queue's open cycles in the order they opened, for the age of the oldest open case. Cycles open
 * in time order (the initial backlog is added oldest first before anything else), so the front of
 * the ring, after skipping cycles that have ended, is the oldest open one.
 */
export class OpenCycles extends SlotRing {
  constructor(private readonly table: CaseTable) {
    super();
  }

  add(slot: number): void {
    this.append(slot, this.table.generation[slot] as number);
  }

  /** The slot of the oldest open cycle, or -1. */
  oldest(): number {
    const { generation } = this.table;
    while (this.head < this.tail) {
      const slot = this.slots[this.head & this.mask] as number;
      if (generation[slot] === this.stamps[this.head & this.mask]) return slot;
      this.head++;
    }
    return -1;
  }
}
