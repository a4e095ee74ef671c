import { describe, expect, test } from "vitest";
import { EventHeap, EventQueue } from "../../simulator/event-queue.ts";
import { createRng } from "../../simulator/rng.ts";

interface Scheduled {
  time: number;
  priority: number;
  label: string;
}

function drain<T>(queue: EventQueue<T>): T[] {
  const out: T[] = [];
  while (queue.size > 0) out.push(queue.pop());
  return out;
}

describe("EventQueue ordering", () => {
  test.for<{ case: string; events: Scheduled[]; expected: string[] }>([
    {
      case: "earlier time first, whatever the priority",
      events: [
        { time: 2, priority: 0, label: "late" },
        { time: 1, priority: 9, label: "early" },
      ],
      expected: ["early", "late"],
    },
    {
      case: "same time: lower priority first",
      events: [
        { time: 5, priority: 2, label: "arrival" },
        { time: 5, priority: 0, label: "departure" },
        { time: 5, priority: 1, label: "abandon" },
      ],
      expected: ["departure", "abandon", "arrival"],
    },
    {
      case: "same time and priority: insertion order",
      events: [
        { time: 3, priority: 1, label: "a" },
        { time: 3, priority: 1, label: "b" },
        { time: 3, priority: 1, label: "c" },
        { time: 3, priority: 1, label: "d" },
      ],
      expected: ["a", "b", "c", "d"],
    },
    {
      case: "negative priorities and times are ordinary numbers",
      events: [
        { time: 0, priority: 0, label: "zero" },
        { time: -1, priority: 0, label: "before zero" },
        { time: 0, priority: -5, label: "urgent zero" },
      ],
      expected: ["before zero", "urgent zero", "zero"],
    },
  ])("$case", ({ events, expected }) => {
    const queue = new EventQueue<string>(1);
    for (const event of events) queue.push(event.time, event.priority, event.label);
    expect(drain(queue)).toEqual(expected);
  });

  test("many random events leave in (time, priority, sequence) order, across growth", () => {
    const rng = createRng(20);
    const queue = new EventQueue<number>(2);
    const scheduled: { time: number; priority: number; sequence: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      // Coarse times and few priorities so that ties on both keys are common.
      const time = rng.nextInt(50);
      const priority = rng.nextInt(3);
      const sequence = queue.push(time, priority, i);
      scheduled.push({ time, priority, sequence });
    }
    const expected = [...scheduled]
      .sort((a, b) => a.time - b.time || a.priority - b.priority || a.sequence - b.sequence)
      .map((event) => event.sequence);
    expect(drain(queue)).toEqual(expected);
  });

  test("interleaved pushes and pops match a sorted reference", () => {
    const rng = createRng(21);
    const queue = new EventQueue<number>(4);
    const reference: { time: number; priority: number; id: number }[] = [];
    let now = 0;
    let id = 0;
    for (let step = 0; step < 20_000; step++) {
      if (reference.length === 0 || rng.next() < 0.55) {
        const time = now + rng.nextInt(10); // never in the past, often a tie with `now`
        const priority = rng.nextInt(2);
        queue.push(time, priority, id);
        // Keep the reference sorted by (time, priority, id): insert after every key that is not greater.
        let at = reference.length;
        while (at > 0) {
          const before = reference[at - 1] as (typeof reference)[number];
          if (before.time < time || (before.time === time && before.priority <= priority)) break;
          at--;
        }
        reference.splice(at, 0, { time, priority, id });
        id++;
      } else {
        const expected = reference.shift();
        expect(queue.peekTime()).toBe(expected?.time);
        now = queue.peekTime();
        expect(queue.pop()).toBe(expected?.id);
      }
      expect(queue.size).toBe(reference.length);
    }
  });
});

describe("EventQueue edges", () => {
  test("empty: size 0, peekTime Infinity, pop throws", () => {
    const queue = new EventQueue<string>();
    expect(queue.size).toBe(0);
    expect(queue.peekTime()).toBe(Number.POSITIVE_INFINITY);
    expect(() => queue.pop()).toThrow(RangeError);
  });

  test("sequence numbers count pushes; clear empties and restarts them", () => {
    const queue = new EventQueue<string>();
    expect(queue.push(1, 0, "a")).toBe(0);
    expect(queue.push(1, 0, "b")).toBe(1);
    queue.clear();
    expect(queue.size).toBe(0);
    expect(queue.push(7, 0, "c")).toBe(0);
    expect(queue.peekTime()).toBe(7);
    expect(drain(queue)).toEqual(["c"]);
  });

  test.for([
    ["time", Number.NaN, 0],
    ["priority", 0, Number.NaN],
  ] as const)("rejects a NaN %s", ([name, time, priority]) => {
    const queue = new EventQueue<string>();
    expect(() => queue.push(time, priority, "x")).toThrow(new RegExp(`^${name} `));
    expect(queue.size).toBe(0);
  });

  test("same pushes, same pops: the order does not depend on anything but the keys", () => {
    const run = () => {
      const rng = createRng(22);
      const queue = new EventQueue<number>();
      for (let i = 0; i < 1000; i++) queue.push(rng.nextInt(20), rng.nextInt(2), i);
      return drain(queue);
    };
    expect(run()).toEqual(run());
  });
});

describe("EventHeap (the scenario engine's queue)", () => {
  test("pops in the order EventQueue does: time, then priority, then scheduling order", () => {
    const rng = createRng(22);
    const heap = new EventHeap(2); // grows
    const queue = new EventQueue<number>(2);
    let now = 0;
    let code = 0;
    for (let step = 0; step < 50_000; step++) {
      if (queue.size === 0 || rng.next() < 0.55) {
        const time = now + rng.nextInt(10) * 0.5; // ties with `now` and with each other, often
        const priority = rng.nextInt(6);
        heap.push(time, priority, code);
        queue.push(time, priority, code);
        code++;
      } else {
        now = queue.peekTime();
        expect(heap.peekTime()).toBe(now);
        expect(heap.pop()).toBe(queue.pop());
      }
      expect(heap.size).toBe(queue.size);
    }
  });

  test("a lazy pop stays exact: pops in a row, pushes into the vacated top, pops down to empty", () => {
    const rng = createRng(23);
    const heap = new EventHeap(1);
    const queue = new EventQueue<number>(1);
    const popped: number[] = [];
    const expected: number[] = [];
    let code = 0;
    for (let round = 0; round < 2_000; round++) {
      const pushes = rng.nextInt(6);
      for (let i = 0; i < pushes; i++) {
        const time = round + rng.nextInt(8);
        const priority = rng.nextInt(3);
        heap.push(time, priority, code);
        queue.push(time, priority, code);
        code++;
      }
      // Several pops without a peek between them: each must settle the one before.
      const pops = Math.min(queue.size, rng.nextInt(5));
      for (let i = 0; i < pops; i++) {
        popped.push(heap.pop()); // pop returns the code it removes
        expected.push(queue.pop());
      }
      expect(heap.size).toBe(queue.size);
    }
    while (queue.size > 0) {
      popped.push(heap.pop());
      expected.push(queue.pop());
    }
    expect(popped).toEqual(expected);
    expect(heap.size).toBe(0);
    expect(heap.peekTime()).toBe(Number.POSITIVE_INFINITY);
  });

  test("rejects a NaN time and a pop when empty", () => {
    const heap = new EventHeap();
    expect(() => heap.push(Number.NaN, 0, 1)).toThrow(RangeError);
    expect(() => heap.pop()).toThrow(RangeError);
  });
});
