import { describe, expect, test } from "vitest";
import { createRng } from "../../simulator/rng.ts";

describe("seeded generator", () => {
  test("the same seed gives the same stream; another seed another", () => {
    const a = createRng(123);
    const b = createRng(123);
    const c = createRng(124);
    const draws = (r: ReturnType<typeof createRng>) => Array.from({ length: 5 }, () => r.next());
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
  });

  test("pinned values: the stream never changes across versions", () => {
    const r = createRng(1);
    expect(r.next()).toBe(0.5686059948349658);
    expect(createRng(2).next()).toBe(0.4885120539412596);
  });

  test("uniform on [0, 1): mean 1/2 and variance 1/12 within 4 standard errors over 200,000 draws", () => {
    const r = createRng(99);
    const n = 200_000;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
      sumSq += u * u;
    }
    const mean = sum / n;
    const variance = sumSq / n - mean * mean;
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  test("forks are independent of each other and of the parent's position", () => {
    const parent = createRng(5);
    const forkBefore = parent.fork("orders").next();
    parent.next();
    expect(parent.fork("orders").next()).toBe(forkBefore);
    expect(parent.fork("cases").next()).not.toBe(forkBefore);
  });

  test("nextUint32 is one step of the generator: two of them give next()'s 53 bits", () => {
    const words = createRng(77);
    const doubles = createRng(77);
    for (let i = 0; i < 1000; i++) {
      const hi = words.nextUint32();
      const lo = words.nextUint32();
      expect(Number.isInteger(hi) && hi >= 0 && hi < 2 ** 32).toBe(true);
      expect(doubles.next()).toBe(((hi >>> 5) * 2 ** 26 + (lo >>> 6)) / 2 ** 53);
    }
  });

  test("nextInt covers [0, n) and rejects a bad n", () => {
    const r = createRng(3);
    const seen = new Set(Array.from({ length: 1000 }, () => r.nextInt(6)));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => r.nextInt(0)).toThrow(RangeError);
    expect(() => createRng(1.5)).toThrow(/seed must be an integer/);
  });
});
