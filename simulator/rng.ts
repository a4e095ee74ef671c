/**
 * Seeded pseudo-random numbers for the simulator and the demo generator.
 *
 * Why our own generator: the simulator draws tens of millions of numbers per run, so the generator
 * must be a few integer operations with no allocation, and the same seed must give the same stream
 * on every machine and Node version forever (the built-in generator gives neither). xoshiro128** (Blackman &
 * Vigna) passes BigCrush, needs only 32-bit integer arithmetic, and is seeded through splitmix32 so
 * that nearby seeds give unrelated streams.
 */
export interface Rng {
  /** Uniform double in [0, 1) with 53 random bits. */
  next(): number;
  /** Uniform 32-bit unsigned integer: one step of the generator (half the cost of `next`). */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** An independent stream derived from this generator's seed and a label (does not advance this one). */
  fork(label: string): Rng;
  readonly seed: number;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** FNV-1a over the label mixed with the seed: a stable 32-bit seed for a named sub-stream. */
function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The state words are kept as int32 bit patterns (`| 0`, never `>>> 0`): the same bits as unsigned
 * words, but small integers to V8, so a draw neither converts doubles nor writes boxed numbers.
 */
class Xoshiro128 implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
    const sm = splitmix32(seed);
    this.a = sm() | 0;
    this.b = sm() | 0;
    this.c = sm() | 0;
    this.d = sm() | 0;
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** 53 bits from two steps: 27 from the first word, 26 from the second. */
  next(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** One step of xoshiro128**, written out on locals so the state is read and written once. */
  nextUint32(): number {
    const a = this.a;
    let b = this.b;
    let c = this.c;
    let d = this.d;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    this.a = a ^ d;
    this.b = b;
    this.c = c ^ t;
    this.d = rotl(d, 11);
    return result >>> 0;
  }

  nextInt(n: number): number {
    if (!(Number.isInteger(n) && n > 0)) throw new RangeError(`nextInt needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  fork(label: string): Rng {
    return new Xoshiro128(deriveSeed(this.seed, label));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

export function createRng(seed: number): Rng {
  return new Xoshiro128(seed);
}
