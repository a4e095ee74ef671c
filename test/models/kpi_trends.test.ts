import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { KPI_NAMES } from "../../models/marts/kpi_trends.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { openWarehouse } from "../helpers/raw-rows.ts";
import { givenFebruaryAndMarch } from "./mbr-scenario.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("kpi_trends");

/** { kpi: value } of one period. */
async function kpisOf(period: string, periodStart: string): Promise<Record<string, unknown>> {
  const rows = await warehouse.all<{ kpi: string; value: number | null }>(
    "SELECT kpi, value FROM kpi_trends WHERE period = $1 AND period_start = CAST($2 AS DATE) ORDER BY kpi",
    [period, periodStart],
  );
  return Object.fromEntries(rows.map((r) => [r.kpi, r.value]));
}

describe("kpi_trends", () => {
  test("each KPI per month, by its own definition", async () => {
    await givenFebruaryAndMarch(warehouse);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(await kpisOf("month", "2026-03-01")).toEqual({
      // Placed 09:00 New York, released after 2 h and 4 h of the order desk's business time: median 3 h.
      order_release_turnaround_business_s: 10_800,
      order_release_turnaround_actual_s: 10_800,
      // Shipped 09:00 the next day: 11 h on Monday (to 20:00) + 1 h on Tuesday (from 08:00).
      order_ship_turnaround_business_s: 43_200,
      // Two orders shipped, one with an agent-error case.
      order_accuracy_rate: 0.5,
      // Two of three orders placed in March had a case.
      exception_rate_per_1000_orders: 2000 / 3,
      // Resolution clocks stopped in March: C1 2 h, C2 1 h, D3 1 h.
      exception_resolution_business_s: 3600,
      exception_resolution_actual_s: 3600,
      return_to_refund_actual_s: 86_400,
      // Scorecard reviews 90 and 80 (the calibration reviews are left out).
      qa_score: 85,
      qa_pass_rate: 0.5,
      qa_calibration_variance: 50,
      // Due in March: C1, C2, D2, D3 met; C3 open past its due time, breached.
      sla_resolution_attainment: 0.8,
      sla_first_touch_attainment: 0.5,
      // At the as-of time: C3 open, five days old (payment_hold's oldest band is ≥ 3d).
      backlog_open_cases: 1,
      backlog_aged_cases: 1,
      backlog_oldest_open_age_s: 5 * 86_400,
    });
    expect(Object.keys(await kpisOf("month", "2026-03-01")).sort()).toEqual([...KPI_NAMES].sort());
    expect(await kpisOf("month", "2026-02-01")).toMatchObject({
      // F1 24 h, F2 1 h, D1 1 h, D2 1 h.
      exception_resolution_business_s: 3600,
      // Due in February: F1 breached; F2 and D1 met.
      sla_resolution_attainment: 2 / 3,
      backlog_open_cases: 0,
    });
  });

  test("days and weeks: medians and ratios over the period's observations, stocks read at its last day", async () => {
    await givenFebruaryAndMarch(warehouse);
    await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(await kpisOf("day", "2026-03-02")).toMatchObject({
      order_release_turnaround_business_s: 10_800,
      exception_resolution_business_s: 5400, // C1 2 h and D3 1 h
      sla_resolution_attainment: 1, // C1 and D2 fell due and were met
    });
    // The week of Monday 23 February ends on Sunday 1 March, with C3 just opened.
    expect(await kpisOf("week", "2026-02-23")).toMatchObject({
      backlog_open_cases: 1,
      backlog_aged_cases: 0,
    });
    const [row] = await warehouse.all(
      "SELECT sample_size, unit, better, month, partial_period FROM kpi_trends WHERE kpi = 'sla_resolution_attainment' AND period = 'week' AND period_start = DATE '2026-03-02'",
    );
    // Due that week (UTC): C1, C2, D2 and D3, all met; C3 fell due on Sunday 1 March, the week before.
    expect(row).toMatchObject({
      sample_size: 4,
      unit: "share",
      better: "higher",
      month: "2026-03",
      partial_period: true,
    });
  });
});
