/**
 * Day, week and month views from one query: each dated row is repeated once per report period (a cross
 * join with `reportPeriodRows()`) and labelled with the first local day of the period that holds it
 * (`periodStartOfDay`), so a mart groups by (period, period_start) once and its three views count the
 * same rows by construction. Used by sla_attainment and kpi_trends.
 */
import { type AliasedRawBuilder, type Expression, type RawBuilder, sql } from "kysely";
import { reportWeekStartOfDay } from "./report-periods.ts";

export const REPORT_PERIODS = ["day", "week", "month"] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

/** One row per report period, as the relation `periods` with the column `period`. */
export function reportPeriodRows(): AliasedRawBuilder<{ period: ReportPeriod }, "periods"> {
  return sql<{
    period: ReportPeriod;
  }>`(SELECT unnest([${sql.join(REPORT_PERIODS.map((p) => sql.lit(p)))}]) AS period)`.as("periods");
}

/** The first local day of the report period `period` (day, week or month) that holds the local date `day`. */
export function periodStartOfDay(
  period: Expression<string>,
  day: Expression<string>,
  weekStartsOn: "mon" | "sun",
): RawBuilder<string> {
  return sql<string>`CASE ${period} WHEN 'day' THEN ${day}
    WHEN 'week' THEN ${reportWeekStartOfDay(day, weekStartsOn)}
    ELSE CAST(date_trunc('month', ${day}) AS DATE) END`;
}
