import { describe, expect, test } from "vitest";
import { z } from "zod";
import {
  type Distribution,
  DistributionParameterError,
  DistributionSpec,
  deterministic,
  empirical,
  exponential,
  gamma,
  lognormal,
  parseDistribution,
} from "../../simulator/distributions.ts";
import { standardExponential } from "../../simulator/exponential-ziggurat.ts";
import { createRng } from "../../simulator/rng.ts";

const SAMPLES = 200_000;

function sampleMoments(distribution: Distribution, seed: number): { mean: number; sd: number } {
  const rng = createRng(seed);
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const value = distribution.sample(rng);
    sum += value;
    squares += value * value;
  }
  const mean = sum / SAMPLES;
  return { mean, sd: Math.sqrt((squares - SAMPLES * mean * mean) / (SAMPLES - 1)) };
}

describe("sample moments match the theory", () => {
  // Tolerance: the sample mean within 4 standard errors (sd/√n) of the theoretical mean, which a
  // correct sampler misses about once in 16 000 seeds; the sample sd within 3% of the theoretical sd
  // (a wrong parameterisation, e.g. lognormal taking sd as sigma, is off by far more).
  test.for<{ distribution: Distribution; sd: number; seed: number }>([
    { distribution: exponential(300), sd: 300, seed: 1 },
    { distribution: exponential(0.5), sd: 0.5, seed: 2 },
    { distribution: lognormal(300, 120), sd: 120, seed: 3 },
    { distribution: lognormal(10, 8), sd: 8, seed: 4 },
    { distribution: gamma(2.5, 40), sd: Math.sqrt(2.5) * 40, seed: 5 },
    { distribution: gamma(1, 7), sd: 7, seed: 6 },
    { distribution: gamma(0.4, 10), sd: Math.sqrt(0.4) * 10, seed: 7 },
    {
      distribution: empirical([60, 120, 600]),
      sd: Math.sqrt(((-200) ** 2 + (-140) ** 2 + 340 ** 2) / 3),
      seed: 8,
    },
    {
      distribution: empirical([1, 2, 3], [1, 0, 3]),
      sd: Math.sqrt((1 * 1.5 ** 2 + 3 * 0.5 ** 2) / 4),
      seed: 9,
    },
  ])("$distribution.name", ({ distribution, sd, seed }) => {
    const observed = sampleMoments(distribution, seed);
    expect(Math.abs(observed.mean - distribution.mean)).toBeLessThan((4 * sd) / Math.sqrt(SAMPLES));
    expect(Math.abs(observed.sd / sd - 1)).toBeLessThan(0.03);
  });

  test("a heavy-tailed lognormal has the right log-moments (its sample sd converges too slowly to test)", () => {
    const rng = createRng(15);
    const distribution = lognormal(10, 25);
    const sigma2 = Math.log(1 + (25 / 10) ** 2);
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < SAMPLES; i++) {
      const logValue = Math.log(distribution.sample(rng));
      sum += logValue;
      squares += logValue * logValue;
    }
    const logMean = sum / SAMPLES;
    const logSd = Math.sqrt(squares / SAMPLES - logMean * logMean);
    expect(Math.abs(logMean - (Math.log(10) - sigma2 / 2))).toBeLessThan(
      (4 * Math.sqrt(sigma2)) / Math.sqrt(SAMPLES),
    );
    expect(Math.abs(logSd / Math.sqrt(sigma2) - 1)).toBeLessThan(0.01);
  });

  test("the stated means", () => {
    expect(exponential(300).mean).toBe(300);
    expect(lognormal(300, 120).mean).toBe(300);
    expect(gamma(2.5, 40).mean).toBe(100);
    expect(empirical([1, 2, 3], [1, 0, 3]).mean).toBe(2.5);
    expect(deterministic(42).mean).toBe(42);
  });

  test("gamma(shape < 1) stays positive and finite", () => {
    const rng = createRng(10);
    const distribution = gamma(0.1, 1);
    for (let i = 0; i < 10_000; i++) {
      const value = distribution.sample(rng);
      expect(Number.isFinite(value) && value >= 0).toBe(true);
    }
  });
});

describe("empirical", () => {
  test("draws only observed values, in proportion to their weights; zero weight never", () => {
    const rng = createRng(11);
    const distribution = empirical([5, 7, 9, 11], [2, 0, 1, 1]);
    const counts = new Map<number, number>();
    const draws = 100_000;
    for (let i = 0; i < draws; i++) {
      const value = distribution.sample(rng);
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([5, 9, 11]);
    // Each share within 4 binomial standard errors of weight / total.
    for (const [value, share] of [
      [5, 0.5],
      [9, 0.25],
      [11, 0.25],
    ] as const) {
      const se = Math.sqrt((share * (1 - share)) / draws);
      expect(Math.abs((counts.get(value) ?? 0) / draws - share)).toBeLessThan(4 * se);
    }
  });

  test("a single value is a constant", () => {
    const rng = createRng(12);
    expect(empirical([3]).sample(rng)).toBe(3);
  });
});

describe("determinism", () => {
  test("same seed, same samples, for every kind", () => {
    const kinds = [exponential(1), lognormal(2, 1), gamma(0.7, 3), gamma(3, 1), empirical([1, 2, 3])];
    const draw = () => {
      const rng = createRng(13);
      return kinds.flatMap((distribution) => Array.from({ length: 50 }, () => distribution.sample(rng)));
    };
    expect(draw()).toEqual(draw());
  });

  test("deterministic consumes no randomness", () => {
    const used = createRng(14);
    const untouched = createRng(14);
    expect(deterministic(9).sample(used)).toBe(9);
    expect(used.next()).toBe(untouched.next());
  });
});

describe("bad parameters are rejected with a RangeError naming the parameter", () => {
  test.for<[string, () => Distribution, string]>([
    ["exponential mean 0", () => exponential(0), "mean"],
    ["exponential mean negative", () => exponential(-1), "mean"],
    ["exponential mean NaN", () => exponential(Number.NaN), "mean"],
    ["exponential mean Infinity", () => exponential(Number.POSITIVE_INFINITY), "mean"],
    ["lognormal mean 0", () => lognormal(0, 1), "mean"],
    ["lognormal sd negative", () => lognormal(1, -1), "sd"],
    ["gamma shape 0", () => gamma(0, 1), "shape"],
    ["gamma scale negative", () => gamma(1, -2), "scale"],
    ["empirical no values", () => empirical([]), "values"],
    ["empirical negative value", () => empirical([1, -2]), "values[1]"],
    ["empirical NaN value", () => empirical([Number.NaN]), "values[0]"],
    ["empirical weights length", () => empirical([1, 2], [1]), "weights"],
    ["empirical negative weight", () => empirical([1, 2], [1, -1]), "weights[1]"],
    ["empirical all-zero weights", () => empirical([1, 2], [0, 0]), "weights"],
    ["deterministic negative", () => deterministic(-1), "value"],
    ["deterministic NaN", () => deterministic(Number.NaN), "value"],
  ])("%s", ([, make, parameter]) => {
    let thrown: unknown;
    try {
      make();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect((thrown as Error).message.startsWith(`${parameter} `)).toBe(true);
  });
});

describe("parseDistribution", () => {
  test.for<[unknown, string, number]>([
    [{ kind: "exponential", mean: 240 }, "exponential(mean=240)", 240],
    [{ kind: "lognormal", mean: 300, sd: 120 }, "lognormal(mean=300, sd=120)", 300],
    [{ kind: "gamma", shape: 2, scale: 3 }, "gamma(shape=2, scale=3)", 6],
    [{ kind: "empirical", values: [1, 3] }, "empirical(n=2)", 2],
    [{ kind: "empirical", values: [1, 3], weights: [3, 1] }, "empirical(n=2)", 1.5],
    [{ kind: "deterministic", value: 60 }, "deterministic(value=60)", 60],
  ])("%o", ([spec, name, mean]) => {
    const distribution = parseDistribution(spec);
    expect(distribution.name).toBe(name);
    expect(distribution.mean).toBe(mean);
  });

  test.for<[string, unknown, (string | number)[]]>([
    ["an unknown kind", { kind: "weibull", shape: 1 }, ["kind"]],
    ["a misspelt key", { kind: "lognormal", mean: 300, stdev: 120 }, ["sd"]],
    ["a string for a number", { kind: "exponential", mean: "300" }, ["mean"]],
    ["a parameter out of range", { kind: "gamma", shape: -1, scale: 2 }, ["shape"]],
    ["a bad empirical value", { kind: "empirical", values: [1, -1] }, ["values", 1]],
  ])("rejects %s, with the issue at the parameter's path", ([, spec, path]) => {
    const result = DistributionSpec.safeParse(spec);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path)).toContainEqual(path);
    expect(() => parseDistribution(spec)).toThrow(z.ZodError);
  });

  test("range issues carry the factory's message", () => {
    const result = DistributionSpec.safeParse({ kind: "exponential", mean: 0 });
    expect(result.error?.issues[0]?.message).toBe("mean must be a finite positive number, got 0");
  });

  test("the spec has a JSON Schema, for the published scenario schema", () => {
    const schema = z.toJSONSchema(DistributionSpec) as { oneOf: unknown[] };
    expect(schema.oneOf).toHaveLength(5);
  });

  test("DistributionParameterError is a RangeError with a path", () => {
    const error = new DistributionParameterError(["values", 2], "values[2] must be ...");
    expect(error).toBeInstanceOf(RangeError);
    expect(error.path).toEqual(["values", 2]);
  });
});

describe("standard exponential by the ziggurat", () => {
  // Kolmogorov–Smirnov against 1 − e^(−x): the 1% critical value of the statistic is 1.628/√n.
  test("its draws follow the exponential CDF (KS test, 400,000 draws)", () => {
    const rng = createRng(31);
    const n = 400_000;
    const draws = new Float64Array(n);
    for (let i = 0; i < n; i++) draws[i] = standardExponential(rng);
    draws.sort();
    let statistic = 0;
    for (let i = 0; i < n; i++) {
      const cdf = 1 - Math.exp(-(draws[i] as number));
      statistic = Math.max(statistic, Math.abs(cdf - i / n), Math.abs((i + 1) / n - cdf));
    }
    expect(draws[0]).toBeGreaterThanOrEqual(0);
    expect(statistic).toBeLessThan(1.628 / Math.sqrt(n));
  });

  // The tail beyond R = 7.697 comes from a separate branch, and each layer's ragged edge from the
  // rejection test: a mistake in either shows as a wrong share beyond these cut points (a share
  // within 4 standard errors of e^(−x), as a Poisson count).
  test.for([1, 3, 5, 7.5, 7.697117470131487, 9, 11])("the share of draws beyond %f is e^(-x)", (cut) => {
    const rng = createRng(Math.round(cut * 1000));
    const n = 2_000_000;
    let beyond = 0;
    for (let i = 0; i < n; i++) if (standardExponential(rng) > cut) beyond++;
    const expected = n * Math.exp(-cut);
    expect(Math.abs(beyond - expected)).toBeLessThan(4 * Math.sqrt(expected) + 1);
  });
});
