import { describe, expect, test } from "vitest";
import { expectedArrivals } from "../../simulator/arrival-rates.ts";
import { type CaseColumns, runReplication } from "../../simulator/engine.ts";
import { queueMetrics as erlang } from "../../simulator/erlang.ts";
import { createRng } from "../../simulator/rng.ts";
import { type MetricEstimate, runScenario } from "../../simulator/run-scenario.ts";
import { loadScenario, type ScenarioInput, ScenarioSpec } from "../../simulator/scenario.ts";
import { compileScenario } from "../../simulator/scenario-plan.ts";

const HOUR = 3600;

/** The value at index i; fails the test when there is none (where a non-null assertion would hide it). */
function at<T>(values: ArrayLike<T> | undefined, i: number): T {
  const value = values?.[i];
  if (value === undefined) throw new Error(`no value at index ${i}`);
  return value;
}

/** A one-queue, one-team scenario around the clock: the Erlang model written as a scenario. */
function erlangScenario(options: {
  arrivals_per_hour: number;
  aht_s: number;
  agents: number | "unlimited";
  threshold_s: number;
  patience_s?: number;
  horizon_h: number;
  warmup_h: number;
}): ScenarioSpec {
  const input: ScenarioInput = {
    name: "erlang",
    start: "2026-01-05T00:00",
    horizon: `${options.horizon_h}h`,
    interval: "1h",
    warmup: `${options.warmup_h}h`,
    queues: [
      {
        name: "payment_hold",
        arrivals: { daily_volume: options.arrivals_per_hour * 24 },
        handle_time: { kind: "exponential", mean: options.aht_s },
        ...(options.patience_s ? { patience: { kind: "exponential", mean: options.patience_s } } : {}),
        sla: { target: options.threshold_s, measure: "response", attainment_target: 0.5 },
      },
    ],
    staff: [{ group: "team", skills: ["payment_hold"], agents: options.agents }],
  };
  return ScenarioSpec.parse(input);
}

function expectInside(metric: string, theory: number, simulated: MetricEstimate): void {
  const message = `${metric}: theory ${theory}, simulated ${simulated.mean} ± ${simulated.half_width}`;
  expect(theory, message).toBeGreaterThanOrEqual(simulated.low as number);
  expect(theory, message).toBeLessThanOrEqual(simulated.high as number);
}

/**
 * The scenario engine (not the mmc.ts kernel) against theory: the closed-form value must lie inside the
 * simulation's own 95% confidence interval over independent replications. As in mmc.test.ts, each
 * comparison of a correct model misses 5% of the time, so under these fixed seeds a failure after a
 * change is a prompt to look, and to rerun with more replications, rather than proof by itself.
 */
describe("the scenario engine matches Erlang C and Erlang A within its 95% confidence interval", () => {
  test.for([
    {
      case: "Erlang C, c = 1, 80% busy",
      seed: 11,
      inputs: {
        arrivals_per_hour: 9.6,
        aht_s: 300,
        agents: 1,
        threshold_s: 300,
        horizon_h: 2000,
        warmup_h: 50,
      },
    },
    {
      case: "Erlang C, c = 20, 90% busy",
      seed: 12,
      inputs: {
        arrivals_per_hour: 270,
        aht_s: 240,
        agents: 20,
        threshold_s: 20,
        horizon_h: 200,
        warmup_h: 5,
      },
    },
    {
      case: "Erlang C, c = 100, 95% busy",
      seed: 13,
      inputs: {
        arrivals_per_hour: 1140,
        aht_s: 300,
        agents: 100,
        threshold_s: 20,
        horizon_h: 60,
        warmup_h: 5,
      },
    },
    {
      case: "Erlang A, c = 5, patience 200 s",
      seed: 14,
      inputs: {
        arrivals_per_hour: 50,
        aht_s: 300,
        agents: 5,
        threshold_s: 30,
        patience_s: 200,
        horizon_h: 400,
        warmup_h: 10,
      },
    },
    {
      case: "Erlang A, c = 40, 120% load, patience 60 s",
      seed: 15,
      inputs: {
        arrivals_per_hour: 720,
        aht_s: 240,
        agents: 40,
        threshold_s: 15,
        patience_s: 60,
        horizon_h: 60,
        warmup_h: 2,
      },
    },
  ])("$case", async ({ inputs, seed }) => {
    const plan = compileScenario(erlangScenario(inputs));
    const summary = await runScenario(plan, { replications: 20, seed, caseRecords: "none" });
    const queue = at(summary.queues, 0);
    const theory = erlang({ ...inputs, agents: inputs.agents });
    expectInside(
      "service level (SLA attainment, response within the threshold)",
      theory.service_level,
      queue.metrics.sla_attainment,
    );
    expectInside("p_wait", theory.p_wait, queue.metrics.p_wait);
    expectInside("asa_s", theory.asa_s, queue.metrics.asa_s);
    expectInside("occupancy", theory.occupancy, queue.metrics.occupancy);
    if (inputs.patience_s) {
      expectInside("p_abandon", theory.p_abandon as number, queue.metrics.p_abandon);
      expectInside("mean_wait_s", theory.mean_wait_s, queue.metrics.mean_wait_s);
    } else {
      expect(queue.metrics.abandoned.mean).toBe(0);
    }
  });
});

describe("invariants", () => {
  test("Little's law: mean open cases = arrival rate × mean time in system (within 2%), with dependency waits and reworks too", async () => {
    const base = erlangScenario({
      arrivals_per_hour: 270,
      aht_s: 240,
      agents: 20,
      threshold_s: 20,
      horizon_h: 1000,
      warmup_h: 10,
    });
    const rich = ScenarioSpec.parse({
      ...base,
      queues: [
        {
          ...base.queues[0],
          rework_probability: 0.1,
          dependency: { probability: 0.3, party: "customer", wait: { kind: "gamma", shape: 2, scale: 900 } },
        },
      ],
      staff: [{ group: "team", skills: ["payment_hold"], agents: 26 }],
    });
    for (const spec of [base, rich]) {
      const summary = await runScenario(compileScenario(spec), {
        replications: 2,
        seed: 21,
        caseRecords: "none",
      });
      const metrics = at(summary.queues, 0).metrics;
      const littlesL =
        (metrics.arrival_rate_per_s.mean as number) * (metrics.mean_time_in_system_s.mean as number);
      expect(Math.abs((metrics.mean_open.mean as number) / littlesL - 1)).toBeLessThan(0.02);
    }
  });

  test("unlimited staff: nobody waits, every SLA is met, and the number open averages the offered load", async () => {
    const spec = erlangScenario({
      arrivals_per_hour: 600,
      aht_s: 300,
      agents: "unlimited",
      threshold_s: 1,
      patience_s: 10,
      horizon_h: 100,
      warmup_h: 5,
    });
    // Seed 23: under seed 22 this interval missed 50 (50.22 ± 0.19) once exponential draws moved to the
    // ziggurat; 300 replications over seeds 1–30 gave 49.985 ± 0.019 and covered 50 in 29 of 30 seeds.
    const summary = await runScenario(compileScenario(spec), {
      replications: 10,
      seed: 23,
      caseRecords: "none",
    });
    const metrics = at(summary.queues, 0).metrics;
    expect(metrics.p_wait.mean).toBe(0);
    expect(metrics.asa_s.mean).toBe(0);
    expect(metrics.abandoned.mean).toBe(0);
    expect(metrics.sla_attainment.mean).toBe(1);
    expect(at(summary.groups, 0).metrics.occupancy.mean).toBeNull(); // no availability to divide by
    expectInside("mean open (offered load, 50 erlangs)", 50, metrics.mean_open);
  });

  test.for(["black-friday.yaml", "carrier-outage.yaml"])(
    "%s: every case is accounted for, per queue and per interval",
    (file) => {
      const plan = compileScenario(
        loadScenario(new URL(`../../simulator/scenarios/${file}`, import.meta.url).pathname),
      );
      const output = runReplication(plan, createRng(5), { recordCases: true });
      const n = plan.intervals - plan.warmupIntervals;
      const qi = output.queueIntervals;
      plan.queues.forEach((queue, q) => {
        const totals = at(output.queues, q);
        // Cycles counted (initial backlog, new cases, reopens) = resolved + abandoned + still open.
        expect(totals.arrivals).toBe(totals.resolved + totals.abandoned + totals.open_at_end);
        let arrivals = 0;
        for (let k = 0; k < n; k++) {
          const r = q * n + k;
          expect(at(qi.open_start, r) + at(qi.arrivals, r) - at(qi.resolved, r) - at(qi.abandoned, r)).toBe(
            qi.open_end[r],
          );
          if (k + 1 < n) expect(qi.open_start[r + 1]).toBe(qi.open_end[r]);
          arrivals += at(qi.arrivals, r);
        }
        expect(qi.open_start[q * n]).toBe(queue.backlog.cases);
        expect(arrivals + queue.backlog.cases).toBe(totals.arrivals);
        expect(qi.open_end[q * n + n - 1]).toBe(totals.open_at_end);
      });
      // One record per counted cycle, each with its outcome.
      const cases = output.cases as CaseColumns;
      const outcomes = [0, 0, 0];
      for (let i = 0; i < cases.count; i++) {
        const outcome = at(cases.outcome, i);
        outcomes[outcome] = at(outcomes, outcome) + 1;
      }
      const sum = (key: "resolved" | "abandoned" | "open_at_end") =>
        output.queues.reduce((s, t) => s + t[key], 0);
      expect(outcomes).toEqual([sum("resolved"), sum("abandoned"), sum("open_at_end")]);
    },
  );

  test("a peak raises the backlog, which recovers within a day after it", async () => {
    const spec = ScenarioSpec.parse({
      name: "peak",
      start: "2026-01-05T00:00",
      horizon: "3d",
      interval: "1h",
      queues: [
        {
          name: "payment_hold",
          arrivals: { daily_volume: 2400 }, // 100 an hour
          handle_time: { kind: "exponential", mean: 360 },
          sla: { target: "4h", attainment_target: 0.9 },
        },
      ],
      events: [{ kind: "peak", start: "2026-01-06T08:00", end: "2026-01-06T14:00", multiplier: 2.5 }],
      staff: [{ group: "team", skills: ["payment_hold"], agents: 14 }], // 10 erlangs: 71% busy, 179% in the peak
    });
    const plan = compileScenario(spec);
    const openEnd = new Float64Array(plan.intervals);
    await runScenario(plan, {
      replications: 5,
      seed: 23,
      caseRecords: "none",
      onReplication: (_, output) => {
        for (let k = 0; k < plan.intervals; k++)
          openEnd[k] = at(openEnd, k) + at(output.queueIntervals.open_end, k) / 5;
      },
    });
    const hourOf = (iso: string) => (Date.parse(`${iso}Z`) - plan.epochMs) / 3_600_000 - 1; // interval ending then
    const before = at(openEnd, hourOf("2026-01-06T08:00"));
    const peakEnd = at(openEnd, hourOf("2026-01-06T14:00"));
    const dayAfter = at(openEnd, hourOf("2026-01-07T14:00"));
    expect(before).toBeLessThan(15);
    expect(peakEnd).toBeGreaterThan(300); // 6 h × (250 − 167) an hour ≈ 500 more than can be done
    expect(dayAfter).toBeLessThan(15);
  });

  test("a platform outage stops intake and releases the same expected volume after it", () => {
    const input = erlangScenario({
      arrivals_per_hour: 100,
      aht_s: 300,
      agents: 20,
      threshold_s: 60,
      horizon_h: 24,
      warmup_h: 0,
    });
    const withOutage = ScenarioSpec.parse({
      ...input,
      events: [
        { kind: "platform_outage", start: "2026-01-05T09:00", end: "2026-01-05T11:00", release: "30m" },
      ],
    });
    const plain = at(compileScenario(input).queues, 0).rates;
    const outage = at(compileScenario(withOutage).queues, 0).rates;
    expect(expectedArrivals(outage, 9 * HOUR, 11 * HOUR)).toBe(0);
    expect(expectedArrivals(outage, 11 * HOUR, 11.5 * HOUR)).toBeCloseTo(50 + 200, 9);
    expect(expectedArrivals(outage, 0, 24 * HOUR)).toBeCloseTo(expectedArrivals(plain, 0, 24 * HOUR), 9);
  });
});

/**
 * Routing, on a hand-checkable case: one agent, no arrivals, a deterministic 10-minute handling and
 * an initial backlog of two cases in each of three queues. The agent's skills are alpha (priority 1),
 * then bravo and charlie (priority 2). Work-type priorities: bravo 1, charlie 2, alpha 3. Due times:
 * charlie's in under an hour, alpha's in 10 h, bravo's in 20 h. Charlie's cases are older than bravo's.
 */
describe("routing policies", () => {
  test.for([
    ["fifo", "alpha alpha charlie charlie bravo bravo"], // skill tier first, then longest waiting
    ["priority", "bravo bravo charlie charlie alpha alpha"], // most urgent work type first
    ["earliest_due", "charlie charlie alpha alpha bravo bravo"], // earliest SLA due time first
  ] as const)("%s serves %s", ([routing, order]) => {
    const queue = (name: string, priority: number, target: string, age_s: number) => ({
      name,
      priority,
      arrivals: { daily_volume: 0 },
      handle_time: { kind: "deterministic", value: 600 },
      sla: { target, attainment_target: 0.9 },
      initial_backlog: { cases: 2, age: { kind: "deterministic", value: age_s } },
    });
    const spec = ScenarioSpec.parse({
      name: "routing",
      start: "2026-01-05T00:00",
      horizon: "4h",
      routing,
      queues: [queue("alpha", 3, "10h", 0), queue("bravo", 1, "20h", 100), queue("charlie", 2, "1h", 200)],
      staff: [
        {
          group: "solo",
          skills: ["alpha", { queue: "bravo", priority: 2 }, { queue: "charlie", priority: 2 }],
          agents: 1,
        },
      ],
    });
    const plan = compileScenario(spec);
    const cases = runReplication(plan, createRng(1), { recordCases: true }).cases as CaseColumns;
    const starts = Array.from({ length: cases.count }, (_, i) => ({
      start: at(cases.first_start_s, i),
      queue: at(plan.queues, at(cases.queue, i)).name,
    }));
    starts.sort((a, b) => a.start - b.start);
    expect(starts.map((s) => s.start)).toEqual([0, 600, 1200, 1800, 2400, 3000]);
    expect(starts.map((s) => s.queue).join(" ")).toBe(order);
  });
});

describe("staff behaviour", () => {
  const backlogged = (extra: Record<string, unknown>) =>
    ScenarioSpec.parse({
      name: "overtime",
      start: "2026-01-05T00:00",
      horizon: "2d",
      interval: "30m",
      queues: [
        {
          name: "allocation_failure",
          arrivals: { daily_volume: 480 },
          handle_time: { kind: "exponential", mean: 600 },
          sla: { target: "8h", attainment_target: 0.9 },
          initial_backlog: { cases: 200 },
        },
        {
          name: "shipment_exception",
          arrivals: { daily_volume: 240 },
          handle_time: { kind: "exponential", mean: 600 },
          sla: { target: "2h", attainment_target: 0.9 },
        },
      ],
      staff: [
        {
          group: "team",
          skills: ["allocation_failure", { queue: "shipment_exception", priority: 2 }],
          agents: 6,
          overtime: { backlog_at_least: 50, agents: 3, max_hours_per_day: 4, from: "08:00", to: "20:00" },
        },
      ],
      ...extra,
    });

  test("overtime: granted inside its window while the backlog trips it, up to the daily budget", () => {
    const plan = compileScenario(backlogged({}));
    const output = runReplication(plan, createRng(31), { recordCases: false });
    const overtime = output.groupIntervals.overtime_agent_s;
    for (let k = 0; k < plan.intervals; k++) {
      const minute = at(plan.intervalMinute, k);
      if (minute < 8 * 60 || minute >= 20 * 60) expect(overtime[k], `interval ${k}`).toBe(0);
    }
    // 200 waiting at the start: overtime from 08:00 on day one, 4 hours × 3 agents, never more.
    expect(overtime[16]).toBe(3 * 1800);
    expect(at(output.groups, 0).overtime_agent_s).toBeGreaterThan(0);
    expect(at(output.groups, 0).overtime_agent_s).toBeLessThanOrEqual(2 * 4 * 3600 * 3);
  });

  test("rebalancing: the group turns to the queue at risk, and each move costs every agent its switching time", () => {
    const without = runReplication(compileScenario(backlogged({})), createRng(32), { recordCases: false });
    const withRebalancing = runReplication(
      compileScenario(backlogged({ rebalancing: { every: "30m", at_risk: 0.5, switch_cost: "6m" } })),
      createRng(32),
      { recordCases: false },
    );
    expect(at(without.groups, 0).focus_changes).toBe(0);
    expect(at(without.groups, 0).switching_agent_s).toBe(0);
    const group = at(withRebalancing.groups, 0);
    expect(group.focus_changes).toBeGreaterThan(0);
    // Every move sends every agent present through a 6-minute switch (present: 6, plus any overtime).
    expect(group.switching_agent_s).toBeGreaterThanOrEqual(group.focus_changes * 6 * 360 - 1e-6);
    expect(group.switching_agent_s).toBeLessThanOrEqual(group.focus_changes * 9 * 360 + 1e-6);
  });
});

describe("determinism", () => {
  const spec = loadScenario(
    new URL("../../simulator/scenarios/carrier-outage.yaml", import.meta.url).pathname,
  );
  const plan = compileScenario(spec);

  test("same seed, same output, byte for byte; another seed, another output", async () => {
    const first = JSON.stringify(await runScenario(plan, { replications: 3, seed: 7 }));
    expect(JSON.stringify(await runScenario(plan, { replications: 3, seed: 7 }))).toBe(first);
    expect(JSON.stringify(await runScenario(plan, { replications: 3, seed: 8 }))).not.toBe(first);
  });

  test("adding replications leaves the earlier ones unchanged", async () => {
    const outputs: string[][] = [[], []];
    for (const [i, replications] of [3, 5].entries()) {
      await runScenario(plan, {
        replications,
        seed: 9,
        caseRecords: "all",
        onReplication: (_, output) => {
          at(outputs, i).push(
            JSON.stringify({
              q: output.queues,
              c: Array.from(
                (output.cases as CaseColumns).end_s.subarray(0, (output.cases as CaseColumns).count),
              ),
            }),
          );
        },
      });
    }
    expect(at(outputs, 1).slice(0, 3)).toEqual(outputs[0]);
  });
});
