import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { withWarehouse } from "../../ingest/warehouse.ts";
import { orderops } from "../helpers/cli.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("simulator-cli");
const scenarios = new URL("../../simulator/scenarios/", import.meta.url).pathname;

describe("orderops erlang", () => {
  test("--json: Call Centre Helper's worked example (200 an hour, 180 s, 20 s) at 11 agents, and 14 needed for 80%", async () => {
    const result = await orderops(
      [
        "erlang",
        "--arrivals-per-hour",
        "200",
        "--aht",
        "180",
        "--agents",
        "11",
        "--threshold",
        "20",
        "--target",
        "0.8",
        "--shrinkage",
        "0.3",
        "--json",
      ],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      "model",
      "arrivals_per_hour",
      "aht_s",
      "threshold_s",
      "agents",
      "offered_load",
      "p_wait",
      "service_level",
      "asa_s",
      "mean_wait_s",
      "occupancy",
      "target",
      "shrinkage",
      "required_agents",
      "scheduled_agents",
    ]);
    expect(json).toMatchObject({
      model: "erlang_c",
      agents: 11,
      offered_load: 10,
      required_agents: 14,
      scheduled_agents: 20,
    });
    expect(json.p_wait).toBeCloseTo(0.6821182046893324, 12);
    expect(json.service_level).toBeCloseTo(0.3896138117291534, 12);
    expect(json.asa_s).toBeCloseTo(122.78127684407983, 9);
    expect(json.occupancy).toBeCloseTo(10 / 11, 12);
  });

  test("--patience gives Erlang A with p_abandon; an unstable Erlang C has a null ASA", async () => {
    const a = await orderops(
      [
        "erlang",
        "--arrivals-per-hour",
        "720",
        "--aht",
        "240",
        "--agents",
        "40",
        "--threshold",
        "15",
        "--patience",
        "60",
        "--json",
      ],
      { cwd: dir },
    );
    expect(a.code, a.stderr).toBe(0);
    const json = JSON.parse(a.stdout);
    expect(json.model).toBe("erlang_a");
    expect(json.p_abandon).toBeCloseTo(0.19074714960699657, 9);
    expect(json.service_level).toBeCloseTo(0.5594785789060268, 9);
    const unstable = await orderops(
      [
        "erlang",
        "--arrivals-per-hour",
        "20",
        "--aht",
        "3600",
        "--agents",
        "12",
        "--threshold",
        "30",
        "--json",
      ],
      { cwd: dir },
    );
    expect(JSON.parse(unstable.stdout)).toMatchObject({ p_wait: 1, service_level: 0, asa_s: null });
  });

  test.for([
    [["--aht", "180", "--agents", "11", "--threshold", "20"], "--arrivals-per-hour"],
    [
      ["--arrivals-per-hour", "200", "--aht", "180", "--threshold", "20"],
      "give --agents N, --target P, or both",
    ],
    [
      [
        "--arrivals-per-hour",
        "200",
        "--aht",
        "180",
        "--agents",
        "11",
        "--threshold",
        "20",
        "--target",
        "1.2",
      ],
      "--target must be a fraction",
    ],
  ])("bad usage exits 2: %j", async ([args, message]) => {
    const result = await orderops(["erlang", ...(args as string[])], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message as string);
  });
});

describe("orderops simulate", () => {
  const db = join(dir, "sim.duckdb");
  const scenario = join(scenarios, "mmc-validation.yaml");

  test("writes sim_run, sim_interval, sim_staff_interval, sim_case and sim_summary; --json is the summary", async () => {
    const result = await orderops(["simulate", scenario, "--db", db, "--replications", "3", "--json"], {
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(Object.keys(summary)).toEqual([
      "run_id",
      "scenario",
      "seed",
      "replications",
      "start",
      "horizon_s",
      "interval_s",
      "warmup_s",
      "routing",
      "events",
      "meets_all_targets",
      "queues",
      "groups",
    ]);
    expect(summary).toMatchObject({
      scenario: "mmc-validation",
      seed: 103,
      replications: 3,
      horizon_s: 720_000,
      warmup_s: 18_000,
    });
    const queue = summary.queues[0];
    expect(Object.keys(queue.metrics.sla_attainment)).toEqual(["mean", "half_width", "low", "high"]);
    // 18 erlangs on 20 agents: Erlang C says 90% busy, 53% answered within 20 s.
    expect(queue.metrics.occupancy.mean).toBeGreaterThan(0.88);
    expect(queue.metrics.occupancy.mean).toBeLessThan(0.92);

    await withWarehouse(
      db,
      async (warehouse) => {
        const counts = await warehouse.one<Record<string, number>>(
          `select (select count(*) from sim_run) as runs, (select count(*) from sim_interval) as intervals,
             (select count(*) from sim_staff_interval) as staff, (select count(distinct replication) from sim_case) as case_replications,
             (select count(*) from sim_case) as cases, (select count(*) from sim_summary) as summary`,
        );
        // 200 h less 5 h warm-up in 1 h intervals, 3 replications, 1 queue and 1 group; 17 queue and 6 group metrics.
        expect(counts).toMatchObject({
          runs: 1,
          intervals: 3 * 195,
          staff: 3 * 195,
          case_replications: 1,
          summary: 17 + 6,
        });
        expect(counts?.cases).toBeGreaterThan(50_000);
        const flow = await warehouse.one<{ arrivals: number; records: number }>(
          `select sum(arrivals) as arrivals, (select count(*) from sim_case) as records from sim_interval where replication = 0`,
        );
        expect(flow?.records).toBe(flow?.arrivals); // every counted arrival has its case record
        const mean = await warehouse.one<{ mean: number }>(
          "select mean from sim_summary where scope = 'queue' and metric = 'sla_attainment'",
        );
        expect(mean?.mean).toBe(queue.metrics.sla_attainment.mean);
        const met = await warehouse.one<{ met: number; decided: number }>(
          "select count(*) filter (where met) as met, count(met) as decided from sim_case",
        );
        expect((met?.met ?? 0) / (met?.decided ?? 1)).toBeGreaterThan(0.45);
      },
      { readOnly: true },
    );
  });

  test("same seed, same output byte for byte; a rerun replaces its run instead of adding to it", async () => {
    const args = [
      "simulate",
      join(scenarios, "carrier-outage.yaml"),
      "--db",
      db,
      "--replications",
      "2",
      "--json",
    ];
    const first = await orderops(args, { cwd: dir });
    const second = await orderops(args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    await withWarehouse(
      db,
      async (warehouse) => {
        const runs = await warehouse.all<{ scenario: string; seed: number }>(
          "select scenario, seed from sim_run order by scenario, seed",
        );
        expect(runs).toEqual([
          { scenario: "carrier-outage", seed: 7 },
          { scenario: "mmc-validation", seed: 103 },
        ]);
      },
      { readOnly: true },
    );
  });

  test("a scenario named by a relative path is recorded by its absolute path, for the site's loaders", async () => {
    copyFileSync(join(scenarios, "mmc-validation.yaml"), join(dir, "relative.yaml"));
    const relativeDb = join(dir, "relative.duckdb");
    const result = await orderops(["simulate", "relative.yaml", "--db", relativeDb, "--replications", "2"], {
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    await withWarehouse(
      relativeDb,
      async (warehouse) => {
        const run = await warehouse.one<{ scenario_file: string }>("select scenario_file from sim_run");
        expect(run?.scenario_file).toBe(join(dir, "relative.yaml"));
      },
      { readOnly: true },
    );
  });

  test("--workers 1 (one replication after another) and --workers 2 (in parallel) write the same run", async () => {
    const dumps: string[] = [];
    for (const workers of ["1", "2"]) {
      const file = join(dir, `workers-${workers}.duckdb`);
      const result = await orderops(
        [
          "simulate",
          join(scenarios, "carrier-outage.yaml"),
          "--db",
          file,
          "--replications",
          "3",
          "--json",
          "--workers",
          workers,
        ],
        { cwd: dir },
      );
      expect(result.code, result.stderr).toBe(0);
      const tables = await withWarehouse(
        file,
        async (warehouse) =>
          JSON.stringify(
            await Promise.all(
              ["sim_interval", "sim_staff_interval", "sim_case", "sim_summary"].map((table) =>
                warehouse.all(`select * from ${table} order by all`),
              ),
            ),
            (_, value) => (typeof value === "bigint" ? value.toString() : value),
          ),
        { readOnly: true },
      );
      dumps.push(`${result.stdout}\n${tables}`);
    }
    expect(dumps[1]).toBe(dumps[0]);
  });

  test("a bad scenario exits 2 naming the file, line and field", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "name: bad\nstart: 2026-01-05T00:00\nhorizon: 1d\nqueues:\n  - name: payment_hold\n    arrivals: { daily_volume: 10 }\n    handle_time: { kind: lognormal, mean: 300, sd: -1 }\n    sla: { target: 1h, attainment_target: 0.9 }\nstaff:\n  - { group: team, skills: [payment_hold], agents: 1 }\n",
    );
    const result = await orderops(["simulate", bad, "--db", db], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${bad}:7: queues[0].handle_time.sd: must be a finite non-negative number, got -1`,
    );
  });
});

const STAFF_SCENARIO = `name: staff-small
start: 2026-01-05T00:00
horizon: 2d
interval: 30m
replications: 4
seed: 3
queues:
  - name: payment_hold
    arrivals: { daily_volume: 480, profile: { hour_of_day: [1, 1, 1, 1, 1, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 2, 2, 1, 1, 1] } }
    handle_time: { kind: exponential, mean: 360 }
    sla: { target: 30m, attainment_target: 0.9 }
staff:
  - group: payments
    skills: [payment_hold]
    shifts:
      - { name: day, start: "06:00", end: "18:00", agents: 2 }
      - { name: night, start: "18:00", end: "06:00", agents: 2 }
`;

describe("orderops staff", () => {
  test("finds a staffing that meets every target, and one agent fewer on a shift would not", async () => {
    const file = join(dir, "staff.yaml");
    writeFileSync(file, STAFF_SCENARIO);
    const result = await orderops(["staff", file, "--json"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(Object.keys(json)).toEqual([
      "scenario",
      "seed",
      "replications",
      "evaluations",
      "meets_all_targets",
      "groups",
      "queues",
    ]);
    expect(json.meets_all_targets).toBe(true);
    const group = json.groups[0];
    expect(group).toMatchObject({ group: "payments", shifts: ["day", "night"], scenario_agents: [2, 2] });
    expect(json.queues[0].meets_target).toBe(true);
    expect(json.queues[0].sla_attainment.mean).toBeGreaterThanOrEqual(0.9);

    // Confirm by simulating the staffing found, and one agent fewer on the day shift.
    const simulateWith = async (agents: number[]) => {
      const variant = join(dir, `staff-${agents.join("-")}.yaml`);
      const text = readFileSync(file, "utf8");
      writeFileSync(
        variant,
        text
          .replace('end: "18:00", agents: 2', `end: "18:00", agents: ${agents[0]}`)
          .replace('end: "06:00", agents: 2', `end: "06:00", agents: ${agents[1]}`),
      );
      const run = await orderops(["simulate", variant, "--db", join(dir, "staff.duckdb"), "--json"], {
        cwd: dir,
      });
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(run.stdout).meets_all_targets as boolean;
    };
    expect(await simulateWith(group.agents)).toBe(true);
    expect(await simulateWith([group.agents[0] - 1, group.agents[1]])).toBe(false);
  });

  test("--workers 2 finds the same staffing as --workers 1", async () => {
    const file = join(dir, "staff-workers.yaml");
    writeFileSync(file, STAFF_SCENARIO);
    const sequential = await orderops(["staff", file, "--json", "--workers", "1"], { cwd: dir });
    const parallel = await orderops(["staff", file, "--json", "--workers", "2"], { cwd: dir });
    expect(sequential.code, sequential.stderr).toBe(0);
    expect(parallel.stdout).toBe(sequential.stdout);
  });

  test("--target with an unknown queue is bad usage", async () => {
    const result = await orderops(
      ["staff", join(scenarios, "mmc-validation.yaml"), "--target", "returns=0.9"],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--target names returns, which is not a queue");
  });
});
