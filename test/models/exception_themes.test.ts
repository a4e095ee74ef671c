import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Database } from "../../models/database.ts";
import { coldKysely } from "../../models/kysely-duckdb.ts";
import { exceptionThemes, FAMILY_OF_THEME } from "../../models/marts/exception_themes.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("exception_themes");

/** `n` orders placed at `at`, numbered from `prefix`. */
const orders = (prefix: string, at: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ order_id: `${prefix}${i + 1}`, placed_at: at }));

/** A case about an order in a queue and category, opened at `at`. */
const exceptionCase = (id: string, orderId: string | null, queue: string, category: string, at: string) => ({
  case_id: id,
  order_id: orderId,
  queue,
  category,
  opened_at: at,
});

describe("exception_themes", () => {
  test("compiles cold to one statement, the policy's values bound", async () => {
    const { policy } = await loadPolicy();
    const compiled = exceptionThemes
      .build({
        db: coldKysely<Database>(),
        policy,
        asOf: new Date("2026-03-05T00:00:00Z"),
        reportingTimeZone: "America/New_York",
      })
      .compile();
    expect(compiled.sql).toMatch(/^with "families" as/);
    expect(compiled.sql).not.toContain("America/New_York");
    expect(compiled.sql).not.toContain("oversell");
  });

  test("inventory exceptions are a family of their own", () => {
    expect(
      Object.entries(FAMILY_OF_THEME)
        .filter(([, family]) => family === "inventory")
        .map(([theme]) => theme),
    ).toEqual(["oversell", "backorder_conflict", "substitution_approval", "warehouse_mismatch"]);
  });

  test("counts, rate per 1,000 orders, share, Pareto rank and change against the prior four weeks", async () => {
    // Six report weeks starting Monday 2 February 2026 (UTC reporting zone, weeks start on Monday).
    // Orders: 200 placed in week 6 (9 March), 100 in each earlier week.
    const weeks = ["2026-02-02", "2026-02-09", "2026-02-16", "2026-02-23", "2026-03-02", "2026-03-09"];
    for (const [i, week] of weeks.entries()) {
      await givenRows(warehouse, "orders", orders(`W${i + 1}-`, `${week}T10:00:00Z`, i === 5 ? 200 : 100));
    }
    const cases = [];
    // oversell in allocation_failure: 1 case in weeks 2 and 4, none in weeks 1 and 3, 6 in week 6
    // (on 5 distinct orders: two cases are about the same order).
    cases.push(exceptionCase("O-2", "W2-1", "allocation_failure", "oversell", "2026-02-10T09:00:00Z"));
    cases.push(exceptionCase("O-4", "W4-1", "allocation_failure", "oversell", "2026-02-24T09:00:00Z"));
    for (let i = 1; i <= 6; i++) {
      cases.push(
        exceptionCase(
          `O-6-${i}`,
          `W6-${Math.min(i, 5)}`,
          "allocation_failure",
          "oversell",
          "2026-03-10T09:00:00Z",
        ),
      );
    }
    // warehouse_mismatch in the same queue and week: 3 cases; backorder_conflict: 1 (ties broken by name).
    for (let i = 1; i <= 3; i++) {
      cases.push(
        exceptionCase(
          `WM-${i}`,
          `W6-${10 + i}`,
          "allocation_failure",
          "warehouse_mismatch",
          "2026-03-11T09:00:00Z",
        ),
      );
    }
    cases.push(
      exceptionCase("BC-1", null, "allocation_failure", "backorder_conflict", "2026-03-12T09:00:00Z"),
    );
    cases.push(
      exceptionCase("SS-1", "W6-20", "allocation_failure", "split_shipment", "2026-03-12T10:00:00Z"),
    );
    // Another queue in the same week ranks on its own.
    cases.push(exceptionCase("FF-1", "W6-30", "payment_hold", "fraud_flag", "2026-03-09T01:00:00Z"));
    await givenRows(warehouse, "cases", cases);

    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await warehouse.all(
      `SELECT queue, category, family, cases, orders_affected, orders_placed, rate_per_1000_orders, share,
              prior_4_weeks_avg_cases, change_vs_prior_4_weeks, change_vs_prior_4_weeks_pct, pareto_rank,
              cumulative_share, month
       FROM exception_themes WHERE week_start = DATE '2026-03-09' ORDER BY queue, pareto_rank`,
    );
    expect(rows).toEqual([
      {
        queue: "allocation_failure",
        category: "oversell",
        family: "inventory",
        cases: 6,
        orders_affected: 5,
        orders_placed: 200,
        rate_per_1000_orders: 25, // 5 orders ÷ 200 × 1,000
        share: 6 / 11, // 6 of the queue's 11 cases that week
        prior_4_weeks_avg_cases: 0.5, // (1 + 0 + 1 + 0) ÷ 4: weeks without a case count as 0
        change_vs_prior_4_weeks: 5.5,
        change_vs_prior_4_weeks_pct: 11,
        pareto_rank: 1,
        cumulative_share: 6 / 11,
        month: "2026-03",
      },
      {
        queue: "allocation_failure",
        category: "warehouse_mismatch",
        family: "inventory",
        cases: 3,
        orders_affected: 3,
        orders_placed: 200,
        rate_per_1000_orders: 15,
        share: 3 / 11,
        prior_4_weeks_avg_cases: 0,
        change_vs_prior_4_weeks: 3,
        change_vs_prior_4_weeks_pct: null, // nothing to compare a ratio with
        pareto_rank: 2,
        cumulative_share: 9 / 11,
        month: "2026-03",
      },
      {
        queue: "allocation_failure",
        category: "backorder_conflict",
        family: "inventory",
        cases: 1,
        orders_affected: 0, // a case about no order counts as a case, not in the order rate
        orders_placed: 200,
        rate_per_1000_orders: 0,
        share: 1 / 11,
        prior_4_weeks_avg_cases: 0,
        change_vs_prior_4_weeks: 1,
        change_vs_prior_4_weeks_pct: null,
        pareto_rank: 3, // ties with split_shipment, broken by name
        cumulative_share: 10 / 11,
        month: "2026-03",
      },
      {
        queue: "allocation_failure",
        category: "split_shipment",
        family: "delivery",
        cases: 1,
        orders_affected: 1,
        orders_placed: 200,
        rate_per_1000_orders: 5,
        share: 1 / 11,
        prior_4_weeks_avg_cases: 0,
        change_vs_prior_4_weeks: 1,
        change_vs_prior_4_weeks_pct: null,
        pareto_rank: 4,
        cumulative_share: 1,
        month: "2026-03",
      },
      {
        queue: "payment_hold",
        category: "fraud_flag",
        family: "payment_and_fraud",
        cases: 1,
        orders_affected: 1,
        orders_placed: 200,
        rate_per_1000_orders: 5,
        share: 1,
        prior_4_weeks_avg_cases: 0,
        change_vs_prior_4_weeks: 1,
        change_vs_prior_4_weeks_pct: null,
        pareto_rank: 1,
        cumulative_share: 1,
        month: "2026-03",
      },
    ]);
    // Week 2 has fewer than four weeks before it in the data: no average to compare with.
    expect(
      await warehouse.all(
        "SELECT week_start, cases, prior_4_weeks_avg_cases, partial_week FROM exception_themes WHERE week_start < DATE '2026-03-09' ORDER BY week_start",
      ),
    ).toEqual([
      { week_start: "2026-02-09", cases: 1, prior_4_weeks_avg_cases: null, partial_week: false },
      { week_start: "2026-02-23", cases: 1, prior_4_weeks_avg_cases: null, partial_week: false },
    ]);
  });

  test("weeks follow the reporting zone and the policy's first weekday; a week the data only partly covers is flagged", async () => {
    const loaded = await loadPolicy();
    const sundayWeeks = {
      ...loaded,
      policy: { ...loaded.policy, reporting: { ...loaded.policy.reporting, week_starts_on: "sun" as const } },
    };
    // 02:00Z on Monday 9 March is still Sunday 8 March in New York: the week that starts that Sunday.
    await givenRows(warehouse, "orders", [{ order_id: "X", placed_at: "2026-03-09T02:00:00Z" }]);
    await givenRows(warehouse, "cases", [
      exceptionCase("C", "X", "payment_hold", "fraud_flag", "2026-03-09T02:00:00Z"),
    ]);
    await buildModels(warehouse, { models, policy: sundayWeeks, reportingTimeZone: "America/New_York" });
    expect(
      await warehouse.all("SELECT week_start, orders_placed, partial_week FROM exception_themes"),
    ).toEqual([{ week_start: "2026-03-08", orders_placed: 1, partial_week: true }]);
  });
});
