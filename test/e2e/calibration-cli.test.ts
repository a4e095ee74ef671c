/**
 * Calibration, backtest and peak plan on three weeks of the demo operation (generated, ingested and
 * built in-process, with only the models calibration reads), then `calibrate`, `backtest` and `plan`
 * through `node bin/orderops.js` as a user runs them.
 *
 * The backtest bound (docs/calibration.md): on the demo's second and third weeks, day by day and
 * queue by queue, SLA attainment MAE ≤ 0.08, and WAPE ≤ 35% for the end-of-day backlog and ≤ 35% for
 * the mean wait to the first handling.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ingestWithSummary } from "../../cli/commands/ingest.ts";
import { withWarehouse } from "../../ingest/warehouse.ts";
import type { Model } from "../../models/model.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { MODELS } from "../../models/registry.ts";
import { buildModels } from "../../models/runner.ts";
import { type BacktestResult, backtest } from "../../simulator/calibration/backtest.ts";
import { loadOperationConfig } from "../../simulator/operation/config.ts";
import { generateOperation } from "../../simulator/operation/generate.ts";
import { parseScenario } from "../../simulator/scenario.ts";
import { orderops } from "../helpers/cli.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("calibration-cli");
const db = join(dir, "warehouse.duckdb");
const FROM = "2025-11-10";
const TO = "2025-11-23";

/** Staging, int_case_timeline and, when the warehouse registers it, case_sla with its lineage. */
function calibrationModels(): Model[] {
  const byName = new Map(MODELS.map((m) => [m.name as string, m]));
  const needed = new Map<string, Model>();
  const visit = (name: string) => {
    const model = byName.get(name);
    if (!model || needed.has(name)) return;
    needed.set(name, model);
    for (const dependency of model.dependsOn) visit(dependency);
  };
  for (const model of MODELS) if (model.layer === "staging") visit(model.name);
  visit("int_case_timeline");
  visit("case_sla");
  return [...needed.values()];
}

let result: BacktestResult;

beforeAll(async () => {
  const policy = await loadPolicy();
  const data = join(dir, "data");
  await generateOperation({
    outDir: data,
    config: await loadOperationConfig(),
    policy,
    seed: 1,
    scale: 1,
    weeks: 3,
    format: "csv",
  });
  await ingestWithSummary(db, [data], { quiet: true, policy });
  await withWarehouse(db, async (warehouse) => {
    const build = await buildModels(warehouse, { policy, models: calibrationModels() });
    expect(build.failedTests).toEqual([]);
    result = await backtest(warehouse, { from: FROM, to: TO, policy: policy.policy, replications: 3 });
  });
}, 120_000);

const overall = (measure: string) => result.errors.find((e) => e.queue === "all" && e.measure === measure);

describe("backtest on the demo operation", () => {
  test("predicted SLA attainment, backlog and wait stay within the stated bound", () => {
    const attainment = overall("sla_attainment");
    const backlog = overall("backlog");
    const wait = overall("wait_s");
    expect(attainment?.n).toBeGreaterThan(50);
    expect(attainment?.mae).toBeLessThanOrEqual(0.08);
    expect(backlog?.wape).toBeLessThanOrEqual(0.35);
    expect(wait?.wape).toBeLessThanOrEqual(0.35);
  });

  test("every queue and whole day is compared; MAPE leaves zero actuals out and counts them", () => {
    const queues = new Set(result.days.map((d) => d.queue));
    expect(queues.size).toBe(7);
    // Berlin's first local day starts before the period (New York midnight): it is left out.
    expect(
      result.days.filter((d) => d.queue === "allocation_failure" && d.measure === "backlog"),
    ).toHaveLength(13);
    expect(result.days.filter((d) => d.queue === "payment_hold" && d.measure === "backlog")).toHaveLength(14);
    for (const e of result.errors) expect(e.mape_n + e.zero_actuals).toBe(e.n);
  });
});

describe("orderops calibrate, backtest and plan", () => {
  test("calibrate writes scenario YAML that orderops simulate runs, and --json prints the report", async () => {
    const file = join(dir, "calibrated.yaml");
    const calibrated = await orderops(
      ["calibrate", "--from", FROM, "--to", TO, "--db", db, "--split", "work_type", "--out", file, "--json"],
      { cwd: dir },
    );
    expect(calibrated.code, calibrated.stderr).toBe(0);
    const json = JSON.parse(calibrated.stdout);
    expect(Object.keys(json)).toEqual(["scenario", "report"]);
    expect(json.report.fit_method).toBe("lognormal maximum likelihood");
    const spec = parseScenario(readFileSync(file, "utf8"), file);
    expect(spec.queues.map((q) => q.name)).toContain("shipment_exception__exception");
    expect(spec.queues.length).toBe(json.scenario.queues.length);
    expect(spec.staff.map((g) => g.group).sort()).toEqual([
      "berlin_fulfilment",
      "finance_ops",
      "order_desk",
      "payments_desk",
    ]);
    const simulated = await orderops(
      ["simulate", file, "--db", join(dir, "sim.duckdb"), "--replications", "1", "--json"],
      {
        cwd: dir,
      },
    );
    expect(simulated.code, simulated.stderr).toBe(0);
    expect(JSON.parse(simulated.stdout).queues.length).toBe(spec.queues.length);
  }, 60_000);

  test("backtest --json prints errors and days, and writes sim_backtest for the site", async () => {
    const run = await orderops(
      ["backtest", "--from", FROM, "--to", "2025-11-16", "--db", db, "--replications", "2", "--json"],
      {
        cwd: dir,
      },
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(Object.keys(json)).toEqual([
      "backtest_id",
      "from",
      "to",
      "zone",
      "replications",
      "seed",
      "split",
      "actual_sla_source",
      "errors",
      "days",
      "notes",
    ]);
    expect(Object.keys(json.errors[0])).toEqual([
      "queue",
      "measure",
      "n",
      "mae",
      "mape",
      "mape_n",
      "zero_actuals",
      "wape",
      "bias",
    ]);
    const rows = await withWarehouse(
      db,
      (w) =>
        w.all<{ measure: string; n: number }>(
          "select measure, count(*) as n from sim_backtest where backtest_id = $1 group by measure order by measure",
          [json.backtest_id],
        ),
      { readOnly: true },
    );
    expect(rows.map((r) => r.measure)).toEqual(["backlog", "sla_attainment", "wait_s"]);
    expect(rows[0]?.n).toBe(json.days.length / 3);
  }, 60_000);

  test("plan: a peak and a carrier outage, the options and their cost in agent-hours", async () => {
    const file = join(dir, "plan.yaml");
    const run = await orderops(
      [
        "plan",
        "--from",
        FROM,
        "--to",
        TO,
        "--db",
        db,
        "--peak",
        "orders+60%:5d",
        "--outage",
        "carrier:day3",
        "--days",
        "7",
        "--replications",
        "2",
        "--scenario-out",
        file,
        "--json",
      ],
      { cwd: dir },
    );
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse(run.stdout);
    expect(json.start).toBe("2025-11-24");
    expect(json.peaks[0]).toMatchObject({
      scope: "orders",
      multiplier: 1.6,
      start: "2025-11-24T05:00:00.000Z",
      end: "2025-11-29T05:00:00.000Z",
    });
    expect(json.outages[0]).toMatchObject({
      kind: "carrier",
      multiplier: 4,
      start: "2025-11-26T05:00:00.000Z",
    });
    expect(json.options.map((o: { option: string }) => o.option)).toEqual([
      "added_staff",
      "overtime",
      "cross_skilling",
    ]);
    const recommended = json.options.find((o: { option: string }) => o.option === json.recommended);
    expect(recommended?.feasible).toBe(true);
    expect(recommended.cost.total_agent_hours).toBeGreaterThanOrEqual(0);
    expect(json.intervals.length).toBe(7 * 24 * recommended.groups.length);
    const scenario = parseScenario(readFileSync(file, "utf8"), file);
    expect(scenario.events.map((e) => e.kind)).toEqual(["peak", "carrier_disruption"]);
  }, 90_000);

  test.for([
    [["calibrate", "--from", "2024-01-01", "--to", "2024-01-07"], "no cases in"],
    [["plan", "--from", FROM, "--to", TO, "--peak", "orders+lots"], "--peak takes"],
  ] as const)("bad usage exits 2 with a reason: %j", async ([args, reason]) => {
    const run = await orderops([...args, "--db", db], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(reason);
  });
});
