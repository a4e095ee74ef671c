import { describe, expect, test } from "vitest";
import { queueMetrics } from "../../simulator/erlang.ts";
import {
  type Estimate,
  estimate,
  type MmcConfig,
  type MmcStats,
  replicate,
  simulateMmc,
  studentT975,
} from "../../simulator/mmc.ts";
import { createRng } from "../../simulator/rng.ts";

const HOUR = 3600;

/** Counts of one 10-hour Erlang A run under seed 7 (see "exact counts under a fixed seed"). */
const GOLDEN_COUNTS = { arrivals: 6530, served: 5153, abandoned: 1333, in_system_at_end: 44, events: 18062 };

/** Every replication's flow balance: each counted arrival is served, abandoned or still in the system. */
function expectAccounted(replications: MmcStats[]): void {
  for (const stats of replications) {
    expect(stats.served + stats.abandoned + stats.in_system_at_end).toBe(stats.arrivals);
  }
}

function expectInsideInterval(metric: string, theory: number, simulated: Estimate): void {
  const message = `${metric}: theory ${theory}, simulated ${simulated.mean} ± ${simulated.half_width}`;
  expect(theory, message).toBeGreaterThanOrEqual(simulated.low);
  expect(theory, message).toBeLessThanOrEqual(simulated.high);
}

/**
 * Validation against theory. The check is the one a simulation can honestly make: the theoretical
 * value lies inside the simulation's own 95% confidence interval (Student t over independent
 * replications). Each comparison of a correct model misses with probability 5%, so under these fixed
 * seeds a failure after a change is a signal to rerun with more replications, not proof by itself.
 * Horizons are long (hundreds of mean waits) and warm-ups several relaxation times, so the bias from
 * starting empty and from cases censored at the horizon is far below the interval widths.
 */
describe("the simulation matches Erlang C (M/M/c) within its 95% confidence interval", () => {
  test.for<{ case: string; config: MmcConfig; replications: number; seed: number }>([
    {
      case: "c = 1, 80% busy",
      config: {
        arrivals_per_hour: 9.6,
        aht_s: 300,
        agents: 1,
        threshold_s: 300,
        horizon_s: 3000 * HOUR,
        warmup_s: 50 * HOUR,
      },
      replications: 20,
      seed: 101,
    },
    {
      case: "c = 5, 85% busy",
      config: {
        arrivals_per_hour: 51,
        aht_s: 300,
        agents: 5,
        threshold_s: 60,
        horizon_s: 600 * HOUR,
        warmup_s: 20 * HOUR,
      },
      replications: 20,
      seed: 102,
    },
    {
      case: "c = 20, 90% busy",
      config: {
        arrivals_per_hour: 270,
        aht_s: 240,
        agents: 20,
        threshold_s: 20,
        horizon_s: 200 * HOUR,
        warmup_s: 5 * HOUR,
      },
      replications: 20,
      seed: 103,
    },
    {
      case: "c = 100, 95% busy",
      config: {
        arrivals_per_hour: 1140,
        aht_s: 300,
        agents: 100,
        threshold_s: 20,
        horizon_s: 150 * HOUR,
        warmup_s: 5 * HOUR,
      },
      replications: 20,
      seed: 104,
    },
  ])("$case", ({ config, replications, seed }) => {
    const theory = queueMetrics(config);
    const { estimates, replications: runs } = replicate(replications, config, createRng(seed));
    for (const metric of ["p_wait", "service_level", "asa_s", "occupancy"] as const) {
      expectInsideInterval(metric, theory[metric] as number, estimates[metric]);
    }
    expect(estimates.p_abandon.mean).toBe(0);
    expectAccounted(runs);
  });
});

describe("the simulation matches Erlang A (M/M/c+M) within its 95% confidence interval", () => {
  test.for<{ case: string; config: MmcConfig; replications: number; seed: number }>([
    {
      case: "c = 5, patience 200 s",
      config: {
        arrivals_per_hour: 50,
        aht_s: 300,
        agents: 5,
        threshold_s: 30,
        patience_s: 200,
        horizon_s: 600 * HOUR,
        warmup_s: 10 * HOUR,
      },
      replications: 20,
      seed: 201,
    },
    {
      case: "c = 40, 120% load, patience 60 s",
      config: {
        arrivals_per_hour: 720,
        aht_s: 240,
        agents: 40,
        threshold_s: 15,
        patience_s: 60,
        horizon_s: 60 * HOUR,
        warmup_s: 2 * HOUR,
      },
      replications: 20,
      seed: 212,
    },
    {
      case: "c = 100, 105% load, patience 300 s",
      config: {
        arrivals_per_hour: 1260,
        aht_s: 300,
        agents: 100,
        threshold_s: 60,
        patience_s: 300,
        horizon_s: 40 * HOUR,
        warmup_s: 4 * HOUR,
      },
      replications: 20,
      seed: 203,
    },
  ])("$case", ({ config, replications, seed }) => {
    const theory = queueMetrics(config);
    const { estimates, replications: runs } = replicate(replications, config, createRng(seed));
    for (const metric of [
      "p_wait",
      "service_level",
      "asa_s",
      "mean_wait_s",
      "occupancy",
      "p_abandon",
    ] as const) {
      expectInsideInterval(metric, theory[metric] as number, estimates[metric]);
    }
    expectAccounted(runs);
  });
});

describe("invariants", () => {
  test("Little's law: time-average number in system = arrival rate × mean time in system (within 1%)", () => {
    for (const config of [
      {
        arrivals_per_hour: 270,
        aht_s: 240,
        agents: 20,
        threshold_s: 20,
        horizon_s: 2000 * HOUR,
        warmup_s: 10 * HOUR,
      },
      {
        arrivals_per_hour: 720,
        aht_s: 240,
        agents: 40,
        threshold_s: 15,
        patience_s: 60,
        horizon_s: 500 * HOUR,
        warmup_s: 2 * HOUR,
      },
    ]) {
      const stats = simulateMmc(config, createRng(301));
      const littlesL = stats.arrival_rate_per_s * stats.mean_sojourn_s;
      expect(Math.abs(stats.mean_in_system / littlesL - 1)).toBeLessThan(0.01);
    }
  });

  test("unlimited agents: nobody waits, and the number in system averages the offered load", () => {
    const config = {
      arrivals_per_hour: 600,
      aht_s: 300, // 50 erlangs
      agents: Number.POSITIVE_INFINITY,
      threshold_s: 0,
      patience_s: 10, // impatient, but never kept waiting
      horizon_s: 100 * HOUR,
      warmup_s: 5 * HOUR,
    };
    const { estimates, replications } = replicate(10, config, createRng(302));
    for (const stats of replications) {
      expect(stats).toMatchObject({
        p_wait: 0,
        service_level: 1,
        asa_s: 0,
        mean_wait_s: 0,
        abandoned: 0,
        occupancy: 0,
      });
    }
    expectInsideInterval("mean_in_system", 50, estimates.mean_in_system);
    expectAccounted(replications);
  });

  test("every arrival is accounted for, even when the run ends mid-backlog", () => {
    // 2.5× overload with patient cases: a long queue is still there at the horizon.
    for (const patience_s of [undefined, 3600]) {
      const config = {
        arrivals_per_hour: 300,
        aht_s: 300,
        agents: 10,
        threshold_s: 60,
        patience_s,
        horizon_s: 8 * HOUR,
      };
      const { replications } = replicate(5, config, createRng(303));
      expectAccounted(replications);
      for (const stats of replications) expect(stats.in_system_at_end).toBeGreaterThan(100);
    }
  });

  test("warm-up: arrivals before it are not counted, and the counted rate is still λ", () => {
    const config = {
      arrivals_per_hour: 720,
      aht_s: 240,
      agents: 55,
      threshold_s: 15,
      horizon_s: 20 * HOUR,
      warmup_s: 10 * HOUR,
    };
    const { estimates, replications } = replicate(20, config, createRng(304));
    expectInsideInterval("arrival_rate_per_s", 720 / HOUR, estimates.arrival_rate_per_s);
    for (const stats of replications) expect(stats.arrivals).toBeLessThan(720 * 10 * 1.1);
  });
});

describe("determinism", () => {
  const config = {
    arrivals_per_hour: 720,
    aht_s: 240,
    agents: 40,
    threshold_s: 15,
    patience_s: 60,
    horizon_s: 10 * HOUR,
    warmup_s: HOUR,
  };

  test("same seed, same output, byte for byte", () => {
    const first = JSON.stringify(replicate(3, config, createRng(7)));
    const second = JSON.stringify(replicate(3, config, createRng(7)));
    expect(second).toBe(first);
    expect(JSON.stringify(replicate(3, config, createRng(8)))).not.toBe(first);
  });

  test("exact counts under a fixed seed (a change here changes every published result)", () => {
    const stats = simulateMmc(config, createRng(7));
    expect({
      arrivals: stats.arrivals,
      served: stats.served,
      abandoned: stats.abandoned,
      in_system_at_end: stats.in_system_at_end,
      events: stats.events,
    }).toEqual(GOLDEN_COUNTS);
  });

  test("adding replications leaves the earlier ones unchanged", () => {
    const three = replicate(3, config, createRng(9)).replications;
    const five = replicate(5, config, createRng(9)).replications;
    expect(five.slice(0, 3)).toEqual(three);
  });
});

describe("inputs and statistics helpers", () => {
  const good: MmcConfig = {
    arrivals_per_hour: 100,
    aht_s: 300,
    agents: 10,
    threshold_s: 20,
    horizon_s: HOUR,
  };
  test.for<[string, Partial<MmcConfig>]>([
    ["arrivals_per_hour", { arrivals_per_hour: 0 }],
    ["aht_s", { aht_s: -1 }],
    ["agents", { agents: 0 }],
    ["agents", { agents: 1.5 }],
    ["threshold_s", { threshold_s: -1 }],
    ["patience_s", { patience_s: 0 }],
    ["horizon_s", { horizon_s: Number.POSITIVE_INFINITY }],
    ["warmup_s", { warmup_s: HOUR }],
    ["warmup_s", { warmup_s: -1 }],
  ])("rejects a bad %s: %o", ([parameter, override]) => {
    expect(() => simulateMmc({ ...good, ...override }, createRng(1))).toThrow(new RegExp(`^${parameter} `));
  });

  test("replicate needs at least two replications for an interval", () => {
    expect(() => replicate(1, good, createRng(1))).toThrow(/^count /);
  });

  test.for([
    [1, 12.706205],
    [19, 2.093024],
    [30, 2.042272],
    [31, 2.039513],
    [60, 2.000298],
    [1000, 1.962339],
  ])("t(0.975, %i) = %f", ([degreesOfFreedom, quantile]) => {
    expect(studentT975(degreesOfFreedom as number)).toBeCloseTo(quantile as number, 5);
  });

  test("estimate: mean and t-interval of a small sample", () => {
    const result = estimate([1, 2, 3, 4]);
    // sd = √(5/3), standard error = sd / 2, t(0.975, 3) = 3.182446
    expect(result.mean).toBe(2.5);
    expect(result.half_width).toBeCloseTo((3.182446 * Math.sqrt(5 / 3)) / 2, 6);
    expect(result.low).toBeCloseTo(2.5 - result.half_width, 12);
  });
});
