// One row per KPI per report period (day, week, month in the reporting time zone) in which the KPI has
// data: the operation's headline numbers as trends, each with its unit, sample size and direction.
import { type Kysely, sql } from "kysely";
import {
  periodStartOfDay,
  REPORT_PERIODS,
  type ReportPeriod,
  reportPeriodRows,
} from "../calendar/report-period-rows.ts";
import { reportDay } from "../calendar/report-periods.ts";
import { acceptedValues, invariant, notNull, unique } from "../data-tests.ts";
import type { Database } from "../database.ts";
import { jsonRows } from "../json-rows.ts";
import { KPI_NAMES, KPIS, type Kpi, type KpiDefinition, type KpiUnit } from "../metrics.ts";
import { defineModel } from "../model.ts";

// The KPI list lives in models/metrics.ts (the glossary reads it too); re-exported for the mart's readers.
export { KPI_NAMES, KPIS, type Kpi } from "../metrics.ts";

export interface KpiTrends {
  kpi: Kpi;
  period: ReportPeriod;
  /** First local day of the period. */
  period_start: string;
  /** Month of period_start, YYYY-MM (the export's partition). */
  month: string;
  /** The KPI's value in the period; null when it is undefined (e.g. a ratio with nothing to divide). */
  value: number | null;
  /** Observations behind the value: orders, cycles, reviews (a ratio's denominator); null for stocks read at the period's end. */
  sample_size: number | null;
  unit: KpiUnit;
  better: KpiDefinition["better"];
  /** The data covers only part of the period (it starts after the period's first day, or its as-of time is before the period's end). */
  partial_period: boolean;
}

/**
 * One KPI's observations (KPIS[kpi].observations) as a SELECT of kpi, day, value, weight. The SQL
 * fragments are constants of models/metrics.ts, never input, so they go into the query as written.
 */
function observationsOf(db: Kysely<Database>, kpi: Kpi, reportingTimeZone: string) {
  const o: KpiDefinition["observations"] = KPIS[kpi].observations;
  const source = o.unnest
    ? sql`(SELECT *, unnest(${sql.ref(o.unnest.list)}) AS ${sql.id(o.unnest.as)} FROM ${sql.table(o.from)})`
    : sql.table(o.from);
  const day =
    o.datedAt !== undefined ? reportDay(sql.ref(o.datedAt), reportingTimeZone) : sql.raw<string>(o.day);
  const selected = db
    .selectFrom(source.as(o.from))
    .select([
      sql<string>`${kpi}`.as("kpi"),
      day.as("day"),
      sql.raw<number>(o.value).as("value"),
      sql.raw<number>(o.weight ?? "1.0").as("weight"),
    ]);
  const query = o.where === undefined ? selected : selected.where(sql.raw<boolean>(o.where));
  return o.perDay ? query.groupBy(day) : query;
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
  build: ({ db, policy, reportingTimeZone, asOf }) =>
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
          KPI_NAMES.map((kpi) => {
            const d: KpiDefinition = KPIS[kpi];
            return {
              kpi,
              unit: d.unit,
              better: d.better,
              aggregation: d.aggregation,
              month_only: d.monthOnly ?? false,
            };
          }),
        ),
      )
      // Each observation on the local day it belongs to: value (a ratio's numerator) and weight (its denominator).
      .with("facts", () =>
        KPI_NAMES.map((kpi) => observationsOf(db, kpi, reportingTimeZone)).reduce((all, next) =>
          all.unionAll(next),
        ),
      )
      .with("in_periods", (qb) =>
        qb
          .selectFrom("facts as f")
          .innerJoin("catalogue as c", "c.kpi", "f.kpi")
          .crossJoin(reportPeriodRows())
          .where(sql<boolean>`NOT c.month_only OR periods.period = 'month'`)
          .select([
            "f.kpi",
            "periods.period",
            periodStartOfDay(sql.ref("periods.period"), sql.ref("f.day"), policy.reporting.week_starts_on).as(
              "period_start",
            ),
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
      .orderBy("a.period_start"),
  tests: [
    notNull("kpi", "period", "period_start", "month", "unit", "better", "partial_period"),
    unique("kpi", "period", "period_start"),
    acceptedValues("kpi", KPI_NAMES),
    acceptedValues("period", REPORT_PERIODS),
    invariant("shares are shares", "unit <> 'share' OR value IS NULL OR value BETWEEN 0 AND 1"),
    invariant(
      "rates per 1,000 orders are within 0–1,000",
      "unit <> 'per_1000_orders' OR value BETWEEN 0 AND 1000",
    ),
    invariant("durations, counts and variances are not negative", "value IS NULL OR value >= 0"),
    invariant("periods start on their first day", "period <> 'month' OR day(period_start) = 1"),
  ],
});
