/**
 * The demo operation is realistic to the reference docs/demo-operation.md states, read back through
 * the marts the way a governance owner would read it: the exception rate per 1,000 orders, the
 * late-shipment share, and SLA attainment that dips in the Black Friday peak and recovers after it.
 *
 * Nine weeks of the shipped operation at its default scale and seed (the `orderops demo` data):
 * three ordinary weeks, Thanksgiving week, Black Friday to Cyber Monday and the holiday season.
 */
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels } from "../../models/runner.ts";
import { loadOperationConfig, type OperationConfig } from "../../simulator/operation/config.ts";
import { generateOperation } from "../../simulator/operation/generate.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("operation-realism");
let config: OperationConfig;
let warehouse: Warehouse;

/** Ordinary weeks (Monday starts): before Thanksgiving week, no promotion and no disruption. */
const ORDINARY = ["2025-11-03", "2025-11-10", "2025-11-17"];
/** The week whose targets the Black Friday weekend's backlog falls due in (it holds Cyber Monday). */
const PEAK = "2025-12-01";
/** Weeks after the peak, with the seasonal temps on the floor. */
const RECOVERED = ["2025-12-15", "2025-12-22"];

beforeAll(async () => {
  config = await loadOperationConfig();
  const policy = await loadPolicy();
  await generateOperation({
    outDir: join(dir, "drop"),
    config,
    policy,
    seed: 42,
    scale: 1,
    weeks: 9,
    format: "parquet",
  });
  warehouse = await Warehouse.open(":memory:");
  await ingestPaths(warehouse, [join(dir, "drop")], {
    ...DEFAULT_LOAD_OPTIONS,
    now: new Date("2026-11-01T00:00:00Z"),
  });
  const build = await buildModels(warehouse, { policy });
  expect(
    build.failedTests.map((t) => `${t.model}: ${t.test}`),
    "failed data tests",
  ).toEqual([]);
  return () => warehouse.close();
}, 240_000);

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function weeklyAttainment(metric: "first_touch" | "resolution"): Promise<Map<string, number>> {
  const rows = await warehouse.all<{ week: string; attainment: number }>(
    `select period_start::VARCHAR as week, sum(met) / sum(met + breached) as attainment
     from sla_attainment where period = 'week' and metric = $1 group by all`,
    [metric],
  );
  return new Map(rows.map((r) => [r.week, r.attainment]));
}

describe("the demo operation read through the marts", () => {
  test("exception rate per 1,000 orders: the intake queues match the configured hold and failure rates", async () => {
    // Queues whose cases open within hours of the order, so a week's cases belong to its orders
    // (returns and shipment exceptions lag by days and are checked by their own rates below).
    const rows = await warehouse.all<{ queue: string; cases: number; orders: number }>(
      `select queue, sum(cases) as cases, sum(orders) as orders from (
         select queue, week_start, sum(cases) as cases, any_value(orders_placed) as orders
         from exception_themes where week_start::VARCHAR in (${ORDINARY.map((w) => `'${w}'`).join(", ")})
         group by all) group by queue`,
    );
    const per1000 = Object.fromEntries(rows.map((r) => [r.queue, (1000 * r.cases) / r.orders]));
    const orders = rows[0]?.orders ?? 0;
    expect(orders).toBeGreaterThan(7000);
    const expected = {
      payment_hold: 1000 * config.rates.payment_hold,
      new_order_review: 1000 * config.rates.fraud_review,
      allocation_failure: 1000 * config.rates.allocation_failure,
    };
    for (const [queue, rate] of Object.entries(expected)) {
      // Four binomial standard errors at these volumes, plus 4% of misrouted cases counted in
      // the queue they were opened in.
      const tolerance = 4 * 1000 * Math.sqrt(rate / 1000 / orders) + 0.05 * rate;
      expect(per1000[queue], queue).toBeGreaterThan(rate - tolerance);
      expect(per1000[queue], queue).toBeLessThan(rate + tolerance);
    }
    // Every exception path together: about 190 cases per 1,000 orders once returns flow (the
    // docs' figure); the ordinary weeks here run lower because returns lag delivery by weeks.
    const total = Object.values(per1000).reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(100);
    expect(total).toBeLessThan(200);
  });

  test("late shipments: about 1-2% of shipped orders in ordinary weeks, at least twice that in the peak", async () => {
    const rows = await warehouse.all<{ week: string; shipped: number; late: number }>(
      `select date_trunc('week', timezone('America/New_York', placed_at))::DATE::VARCHAR as week,
              count(shipped_at) as shipped, count(*) filter (where shipped_late) as late
       from order_lifecycle group by all`,
    );
    const share = (weeks: string[]) => {
      const picked = rows.filter((r) => weeks.includes(r.week));
      return picked.reduce((s, r) => s + r.late, 0) / picked.reduce((s, r) => s + r.shipped, 0);
    };
    const ordinary = share(ORDINARY);
    expect(ordinary).toBeGreaterThan(0.005);
    expect(ordinary).toBeLessThan(0.025);
    // Orders placed in Thanksgiving week (Black Friday) and the Cyber Monday week.
    expect(share(["2025-11-24", "2025-12-01"])).toBeGreaterThan(2 * ordinary);
  });

  test("resolution SLA attainment dips in the peak week and recovers after it", async () => {
    const weekly = await weeklyAttainment("resolution");
    const ordinary = mean(ORDINARY.map((w) => weekly.get(w) ?? Number.NaN));
    expect(ordinary).toBeGreaterThan(0.9);
    expect(weekly.get(PEAK)).toBeLessThan(ordinary - 0.08);
    for (const week of RECOVERED) expect(weekly.get(week), week).toBeGreaterThan(ordinary - 0.03);
  });

  test("first-touch SLA attainment dips harder in the peak week and recovers after it", async () => {
    const weekly = await weeklyAttainment("first_touch");
    const ordinary = mean(ORDINARY.map((w) => weekly.get(w) ?? Number.NaN));
    expect(ordinary).toBeGreaterThan(0.75);
    expect(weekly.get(PEAK)).toBeLessThan(ordinary - 0.15);
    for (const week of RECOVERED) expect(weekly.get(week), week).toBeGreaterThan(ordinary - 0.08);
  });

  test("the peak is visible in the backlog the marts report: open cases at the peak exceed twice the ordinary", async () => {
    const rows = await warehouse.all<{ day: string; open: number }>(
      `select day::VARCHAR as day, sum(carryover) as open from queue_day group by all`,
    );
    const average = (from: string, to: string) =>
      mean(rows.filter((r) => r.day >= from && r.day <= to).map((r) => r.open));
    expect(average("2025-11-28", "2025-12-02")).toBeGreaterThan(2 * average("2025-11-04", "2025-11-21"));
  });
});
