// One row per KPI per report period (day, week, month in the reporting time zone) in which the KPI has
// data: the operation's headline numbers as trends, each with its unit, sample size and direction.
import { sql } from "kysely";
import { reportDay, reportWeekStartOfDay } from "../calendar/report-periods.ts";
import { acceptedValues, invariant, notNull, unique } from "../data-tests.ts";
import { jsonRows } from "../json-rows.ts";
import { defineModel } from "../model.ts";

export const KPI_PERIODS = ["day", "week", "month"] as const;

type Aggregation = "median" | "mean" | "ratio" | "last";

interface KpiDefinition {
  unit: "seconds" | "share" | "points" | "points_squared" | "cases" | "per_1000_orders";
  better: "higher" | "lower";
  /**
   * How a period's observations become its value: the median or mean of the observations; a ratio
   * Σ numerator ÷ Σ denominator; or the last day's value (a stock such as the backlog, read at the end
   * of the period).
   */
  aggregation: Aggregation;
  /** Reported for months only (calibration sessions are monthly). */
  monthOnly?: boolean;
}

/** Every KPI of the mart, with how it is read. The definitions are in docs/models.md. */
export const KPIS = {
  order_release_turnaround_business_s: { unit: "seconds", better: "lower", aggregation: "median" },
  order_release_turnaround_actual_s: { unit: "seconds", better: "lower", aggregation: "median" },
  order_ship_turnaround_business_s: { unit: "seconds", better: "lower", aggregation: "median" },
  order_accuracy_rate: { unit: "share", better: "higher", aggregation: "ratio" },
  exception_rate_per_1000_orders: { unit: "per_1000_orders", better: "lower", aggregation: "ratio" },
  exception_resolution_business_s: { unit: "seconds", better: "lower", aggregation: "median" },
  exception_resolution_actual_s: { unit: "seconds", better: "lower", aggregation: "median" },
  return_to_refund_actual_s: { unit: "seconds", better: "lower", aggregation: "median" },
  qa_score: { unit: "points", better: "higher", aggregation: "mean" },
  qa_pass_rate: { unit: "share", better: "higher", aggregation: "ratio" },
  qa_calibration_variance: { unit: "points_squared", better: "lower", aggregation: "mean", monthOnly: true },
  sla_resolution_attainment: { unit: "share", better: "higher", aggregation: "ratio" },
  sla_first_touch_attainment: { unit: "share", better: "higher", aggregation: "ratio" },
  backlog_open_cases: { unit: "cases", better: "lower", aggregation: "last" },
  backlog_aged_cases: { unit: "cases", better: "lower", aggregation: "last" },
  backlog_oldest_open_age_s: { unit: "seconds", better: "lower", aggregation: "last" },
} as const satisfies Record<string, KpiDefinition>;
export type Kpi = keyof typeof KPIS;
export const KPI_NAMES = Object.keys(KPIS) as Kpi[];

export interface KpiTrends {
  kpi: Kpi;
  period: (typeof KPI_PERIODS)[number];
  /** First local day of the period. */
  period_start: string;
  /** Month of period_start, YYYY-MM (the export's partition). */
  month: string;
  /** The KPI's value in the period; null when it is undefined (e.g. a ratio with nothing to divide). */
  value: number | null;
  /** Observations behind the value: orders, cycles, reviews (a ratio's denominator); null for stocks read at the period's end. */
  sample_size: number | null;
  unit: KpiDefinition["unit"];
  better: KpiDefinition["better"];
  /** The data covers only part of the period (it starts after the period's first day, or its as-of time is before the period's end). */
  partial_period: boolean;
}

export const kpiTrends = defineModel({
  name: "kpi_trends",
  layer: "marts",
  grain: "one row per KPI per report period (day, week, month) with data",
  dependsOn: [
    "order_lifecycle",
    "case_sla",
    "int_qa_reviews_scored",
    "qa_calibration",
    "sla_attainment",
    "queue_day",
  ],
  build: ({ db, policy, reportingTimeZone, asOf }) => {
    const day = (column: string) => reportDay(sql.ref(column), reportingTimeZone);
    const fact = (kpi: Kpi) => sql<string>`${kpi}`.as("kpi");
    const one = sql<number>`1.0`.as("weight");
    return (
      db
        .with("catalogue", () =>
          jsonRows<{ kpi: string; unit: string; better: string; aggregation: string; month_only: boolean }>(
            [
              ["kpi", "VARCHAR"],
              ["unit", "VARCHAR"],
              ["better", "VARCHAR"],
              ["aggregation", "VARCHAR"],
              ["month_only", "BOOLEAN"],
            ],
            Object.entries(KPIS).map(([kpi, d]: [string, KpiDefinition]) => ({
              kpi,
              unit: d.unit,
              better: d.better,
              aggregation: d.aggregation,
              month_only: d.monthOnly ?? false,
            })),
          ),
        )
        // Each observation on the local day it belongs to: value (a ratio's numerator) and weight (its denominator).
        .with("facts", (qb) =>
          qb
            .selectFrom("order_lifecycle")
            .where("placed_to_released_business_s", "is not", null)
            .select([
              fact("order_release_turnaround_business_s"),
              day("released_at").as("day"),
              sql<number>`CAST(placed_to_released_business_s AS DOUBLE)`.as("value"),
              one,
            ])
            .unionAll(
              qb
                .selectFrom("order_lifecycle")
                .where("placed_to_released_actual_s", "is not", null)
                .select([
                  fact("order_release_turnaround_actual_s"),
                  day("released_at").as("day"),
                  sql<number>`CAST(placed_to_released_actual_s AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            .unionAll(
              qb
                .selectFrom("order_lifecycle")
                .where("placed_to_shipped_business_s", "is not", null)
                .select([
                  fact("order_ship_turnaround_business_s"),
                  day("shipped_at").as("day"),
                  sql<number>`CAST(placed_to_shipped_business_s AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            // Shipped orders with no case whose root cause is agent error, by the day they shipped.
            .unionAll(
              qb
                .selectFrom("order_lifecycle")
                .where("shipped_at", "is not", null)
                .select([
                  fact("order_accuracy_rate"),
                  day("shipped_at").as("day"),
                  sql<number>`CASE WHEN has_agent_error_case THEN 0.0 ELSE 1.0 END`.as("value"),
                  one,
                ]),
            )
            // Orders that touched any exception queue, per 1,000 orders placed, by the day they were placed.
            .unionAll(
              qb
                .selectFrom("order_lifecycle")
                .select([
                  fact("exception_rate_per_1000_orders"),
                  day("placed_at").as("day"),
                  sql<number>`CASE WHEN exception_cases > 0 THEN 1000.0 ELSE 0.0 END`.as("value"),
                  one,
                ]),
            )
            // Resolution clocks that stopped, by the day they stopped: every cycle of every case.
            .unionAll(
              qb
                .selectFrom("case_sla")
                .where("metric", "=", "resolution")
                .where("stopped_at", "is not", null)
                .select([
                  fact("exception_resolution_business_s"),
                  day("stopped_at").as("day"),
                  sql<number>`CAST(elapsed_business_s AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            .unionAll(
              qb
                .selectFrom("case_sla")
                .where("metric", "=", "resolution")
                .where("stopped_at", "is not", null)
                .select([
                  fact("exception_resolution_actual_s"),
                  day("stopped_at").as("day"),
                  sql<number>`CAST(elapsed_actual_s AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            .unionAll(
              qb
                .selectFrom("order_lifecycle")
                .where("return_to_refund_actual_s", "is not", null)
                .select([
                  fact("return_to_refund_actual_s"),
                  day("refund_issued_at").as("day"),
                  sql<number>`CAST(return_to_refund_actual_s AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            // Scorecard reviews (calibration reviews score reviewers, not the work).
            .unionAll(
              qb
                .selectFrom("int_qa_reviews_scored")
                .where("calibration_session_id", "is", null)
                .select([
                  fact("qa_score"),
                  day("reviewed_at").as("day"),
                  sql<number>`CAST(weighted_score AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            .unionAll(
              qb
                .selectFrom("int_qa_reviews_scored")
                .where("calibration_session_id", "is", null)
                .select([
                  fact("qa_pass_rate"),
                  day("reviewed_at").as("day"),
                  sql<number>`CASE WHEN passed THEN 1.0 ELSE 0.0 END`.as("value"),
                  one,
                ]),
            )
            // The month's pooled calibration of the weighted score, dated on the month's first day.
            .unionAll(
              qb
                .selectFrom("qa_calibration")
                .where("grain", "=", "month")
                .where("dimension", "=", "weighted_score")
                .where("between_reviewer_variance", "is not", null)
                .select([
                  fact("qa_calibration_variance"),
                  sql<string>`CAST(strptime(month, '%Y-%m') AS DATE)`.as("day"),
                  sql<number>`between_reviewer_variance`.as("value"),
                  one,
                ]),
            )
            // Attainment is additive in met and due cycles, so its day rows roll up to any period.
            .unionAll(
              qb
                .selectFrom("sla_attainment")
                .where("period", "=", "day")
                .select([
                  sql<string>`CASE metric WHEN 'resolution' THEN 'sla_resolution_attainment' ELSE 'sla_first_touch_attainment' END`.as(
                    "kpi",
                  ),
                  sql<string>`period_start`.as("day"),
                  sql<number>`CAST(met AS DOUBLE)`.as("value"),
                  sql<number>`CAST(met + breached AS DOUBLE)`.as("weight"),
                ]),
            )
            // The backlog at each day's end, across queues (each queue's days in its own calendar's zone).
            .unionAll(
              qb
                .selectFrom("queue_day")
                .groupBy("day")
                .select([
                  fact("backlog_open_cases"),
                  "day",
                  sql<number>`CAST(sum(carryover) AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            .unionAll(
              qb
                .selectFrom("queue_day")
                .where("oldest_open_age_s", "is not", null)
                .groupBy("day")
                .select([
                  fact("backlog_oldest_open_age_s"),
                  "day",
                  sql<number>`CAST(max(oldest_open_age_s) AS DOUBLE)`.as("value"),
                  one,
                ]),
            )
            // Aged backlog: open cases in their queue's oldest aging band (e.g. ≥ 3d) at the day's end.
            .unionAll(
              qb
                .selectFrom(
                  qb
                    .selectFrom("queue_day")
                    .select([
                      "day",
                      sql<{ band_order: number; cases: number }>`unnest(backlog_by_age)`.as("band"),
                      sql<number>`len(backlog_by_age)`.as("bands"),
                    ])
                    .as("bands"),
                )
                .where(sql<boolean>`band.band_order = bands`)
                .groupBy("day")
                .select([
                  fact("backlog_aged_cases"),
                  "day",
                  sql<number>`CAST(sum(band.cases) AS DOUBLE)`.as("value"),
                  one,
                ]),
            ),
        )
        .with("in_periods", (qb) =>
          qb
            .selectFrom("facts as f")
            .innerJoin("catalogue as c", "c.kpi", "f.kpi")
            .crossJoin(
              sql<{
                period: string;
              }>`(SELECT unnest([${sql.join(KPI_PERIODS.map((p) => sql.lit(p)))}]) AS period)`.as("periods"),
            )
            .where(sql<boolean>`NOT c.month_only OR periods.period = 'month'`)
            .select([
              "f.kpi",
              "periods.period",
              sql<string>`CASE periods.period WHEN 'day' THEN f.day
                WHEN 'week' THEN ${reportWeekStartOfDay(sql.ref("f.day"), policy.reporting.week_starts_on)}
                ELSE CAST(date_trunc('month', f.day) AS DATE) END`.as("period_start"),
              "f.day",
              "f.value",
              "f.weight",
              "c.aggregation",
            ]),
        )
        .with("aggregated", (qb) =>
          qb
            .selectFrom("in_periods")
            .groupBy(["kpi", "period", "period_start", "aggregation"])
            .select([
              "kpi",
              "period",
              "period_start",
              sql<number | null>`CASE aggregation
                WHEN 'median' THEN median(value)
                WHEN 'mean' THEN avg(value)
                WHEN 'ratio' THEN sum(value) / nullif(sum(weight), 0)
                ELSE arg_max(value, day) END`.as("value"),
              sql<number | null>`CASE aggregation WHEN 'ratio' THEN CAST(sum(weight) AS BIGINT)
                WHEN 'last' THEN NULL ELSE count(*) END`.as("sample_size"),
            ]),
        )
        .with("data_start", (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom("order_lifecycle")
                .select(sql<Date>`min(placed_at)`.as("first_at"))
                .unionAll(qb.selectFrom("case_sla").select(sql<Date>`min(cycle_started_at)`.as("first_at")))
                .as("firsts"),
            )
            .select(sql<string>`CAST(timezone(${reportingTimeZone}, min(first_at)) AS DATE)`.as("first_day")),
        )
        .selectFrom("aggregated as a")
        .innerJoin("catalogue as c", "c.kpi", "a.kpi")
        .crossJoin("data_start as ds")
        .select([
          "a.kpi",
          "a.period",
          "a.period_start",
          sql<string>`strftime(a.period_start, '%Y-%m')`.as("month"),
          "a.value",
          "a.sample_size",
          "c.unit",
          "c.better",
          sql<boolean>`coalesce(a.period_start < ds.first_day, false)
            OR timezone(${reportingTimeZone}, CAST(${asOf.toISOString()} AS TIMESTAMPTZ)) < CAST(CASE a.period
              WHEN 'day' THEN a.period_start + 1 WHEN 'week' THEN a.period_start + 7
              ELSE a.period_start + INTERVAL 1 MONTH END AS TIMESTAMP)`.as("partial_period"),
        ])
        .orderBy("a.kpi")
        .orderBy("a.period")
        .orderBy("a.period_start")
    );
  },
  tests: [
    notNull("kpi", "period", "period_start", "month", "unit", "better", "partial_period"),
    unique("kpi", "period", "period_start"),
    acceptedValues("kpi", KPI_NAMES),
    acceptedValues("period", KPI_PERIODS),
    invariant("shares are shares", "unit <> 'share' OR value IS NULL OR value BETWEEN 0 AND 1"),
    invariant(
      "rates per 1,000 orders are within 0–1,000",
      "unit <> 'per_1000_orders' OR value BETWEEN 0 AND 1000",
    ),
    invariant("durations, counts and variances are not negative", "value IS NULL OR value >= 0"),
    invariant("periods start on their first day", "period <> 'month' OR day(period_start) = 1"),
  ],
});
