import { createHash } from "node:crypto";
import { afterAll, describe, expect, test } from "vitest";
import type { ReplicationOutput } from "../../simulator/engine.ts";
import { closeReplicationPool } from "../../simulator/replication-pool.ts";
import { type RunOptions, runScenario } from "../../simulator/run-scenario.ts";
import { loadScenario, ScenarioSpec } from "../../simulator/scenario.ts";
import { compileScenario, type ScenarioPlan } from "../../simulator/scenario-plan.ts";

afterAll(closeReplicationPool);

/** A digest of everything a replication outputs: every column's bytes, the cases, the totals. */
function digest(output: ReplicationOutput): string {
  const hash = createHash("sha256");
  const columns: [string, Float64Array][] = [
    ...Object.entries(output.queueIntervals),
    ...Object.entries(output.groupIntervals),
  ];
  if (output.cases) {
    const cases = output.cases;
    for (const [name, value] of Object.entries(cases)) {
      if (value instanceof Float64Array) columns.push([`case.${name}`, value.subarray(0, cases.count)]);
    }
  }
  for (const [name, column] of columns) {
    hash.update(name).update(new Uint8Array(column.buffer, column.byteOffset, column.byteLength));
  }
  hash.update(JSON.stringify({ queues: output.queues, groups: output.groups, events: output.events }));
  return hash.digest("hex");
}

/** The summary and, in the order the sink saw them, each replication's number and digest. */
async function run(plan: ScenarioPlan, options: Omit<RunOptions, "onReplication">) {
  const seen: string[] = [];
  const summary = await runScenario(plan, {
    ...options,
    onReplication: (replication, output) => {
      seen.push(`${replication}:${digest(output)}`);
    },
  });
  return { summary: JSON.stringify(summary), seen };
}

/**
 * A scenario that reaches into every corner a worker could get differently: business calendars with
 * a holiday, SLA clocks paused on a dependency, an initial backlog weeks old (its due times fall
 * before the calendar's first compiled week), reopens, rework, abandonment, overtime and rebalancing.
 */
const corners = ScenarioSpec.parse({
  name: "corners",
  start: "2026-03-02T00:00",
  zone: "Europe/London",
  horizon: "6d",
  interval: "30m",
  warmup: "12h",
  routing: "earliest_due",
  calendars: {
    uk: {
      zone: "Europe/London",
      hours: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "18:00" }],
      holidays: ["2026-03-04"],
    },
  },
  queues: [
    {
      name: "returns",
      arrivals: { daily_volume: 150 },
      handle_time: { kind: "lognormal", mean: 600, sd: 300 },
      sla: { target: "8h", calendar: "uk", attainment_target: 0.8 },
      dependency: {
        probability: 0.3,
        party: "customer",
        wait: { kind: "exponential", mean: 20_000 },
        pauses_sla: true,
      },
      reopen: { probability: 0.1, delay: { kind: "exponential", mean: 50_000 } },
      rework_probability: 0.05,
      initial_backlog: { cases: 60, age: { kind: "exponential", mean: 1_000_000 } },
    },
    {
      name: "payments",
      priority: 2,
      arrivals: { daily_volume: 100 },
      handle_time: { kind: "empirical", values: [120, 400, 900] },
      patience: { kind: "exponential", mean: 30_000 },
      sla: { target: "2h", measure: "response", attainment_target: 0.8 },
    },
  ],
  staff: [
    {
      group: "team",
      skills: ["returns", { queue: "payments", priority: 2 }],
      agents: 2,
      overtime: { backlog_at_least: 30, agents: 2, max_hours_per_day: 2 },
    },
    { group: "flex", skills: ["payments", "returns"], agents: 1 },
  ],
  rebalancing: { every: "1h", at_risk: 0.5, switch_cost: "5m" },
});

describe("replications on worker threads", () => {
  const carrierOutage = () =>
    loadScenario(new URL("../../simulator/scenarios/carrier-outage.yaml", import.meta.url).pathname);
  test.for([
    { name: "carrier-outage.yaml, every case recorded", spec: carrierOutage, workers: 2, caseRecords: "all" },
    {
      name: "calendars, an old backlog and every feature",
      spec: () => corners,
      workers: 3,
      caseRecords: "first",
    },
  ] as const)(
    "$name: the same summary and outputs as in one thread, in replication order",
    async ({ spec, workers, caseRecords }) => {
      const plan = compileScenario(spec());
      const options = { replications: 5, seed: 11, caseRecords };
      const sequential = await run(plan, { ...options, workers: 1 });
      const parallel = await run(plan, { ...options, workers });
      expect(sequential.seen.map((entry) => entry.split(":")[0])).toEqual(["0", "1", "2", "3", "4"]);
      expect(parallel.seen).toEqual(sequential.seen);
      expect(parallel.summary).toBe(sequential.summary);
    },
  );

  test("a replication's output does not depend on the replications run before it", async () => {
    const plan = compileScenario(corners);
    const all = await run(plan, { replications: 4, seed: 12, caseRecords: "all", workers: 1 });
    // Replication 3 alone, on a plan compiled afresh: what a worker that starts with it computes.
    const fresh = await run(compileScenario(corners), {
      replications: 4,
      seed: 12,
      caseRecords: "all",
      workers: 4,
    });
    expect(fresh.seen[3]).toBe(all.seen[3]);
  });

  test("an error in the sink stops the run and is reported", async () => {
    const plan = compileScenario(corners);
    await expect(
      runScenario(plan, {
        replications: 4,
        seed: 13,
        workers: 2,
        onReplication: (replication) => {
          if (replication === 1) throw new Error("sink failed at 1");
        },
      }),
    ).rejects.toThrow("sink failed at 1");
  });

  test("workers must be a positive integer", async () => {
    const plan = compileScenario(corners);
    await expect(runScenario(plan, { replications: 2, seed: 1, workers: 0 })).rejects.toThrow(RangeError);
  });
});
