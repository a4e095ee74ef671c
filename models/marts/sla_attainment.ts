// One row per queue × work type × priority tier × metric × period (day, week, month in the reporting
// zone): SLA cycles that fell due in the period, met and breached, attainment against the goal, and the
// misses by reason (breach_attributed_to) and owner.
import { sql } from "kysely";
import {
  periodStartOfDay,
  REPORT_PERIODS,
  type ReportPeriod,
  reportPeriodRows,
} from "../calendar/report-period-rows.ts";
import { reportDay } from "../calendar/report-periods.ts";
import { acceptedValues, custom, invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";
import { SLA_METRICS } from "./case_sla.ts";

export interface MissesByOwner {
  /** breach_attributed_to: a dependency, `misrouting` or `operating_team`. */
  attributed_to: string;
  owner_team: string | null;
  misses: number;
}

export interface SlaAttainment {
  queue: string;
  work_type: string;
  priority_tier: string;
  metric: (typeof SLA_METRICS)[number];
  period: ReportPeriod;
  /** First local date of the period in the reporting zone (weeks start on the policy's week_starts_on). */
  period_start: string;
  /** met + breached. */
  cycles_due: number;
  met: number;
  /** Breached cycles, and open cycles already past due (open_breached), by the period of their due time. */
  breached: number;
  /** met ÷ (met + breached). */
  attainment: number;
  /** The tier's goal (first_touch_goal for first touch). */
  goal: number;
  goal_met: boolean;
  /** The same over first cycles only (the first-cycle view; the columns above are all cycles). */
  first_cycle_met: number;
  first_cycle_breached: number;
  first_cycle_attainment: number | null;
  misses_operating_team: number;
  misses_misrouting: number;
  /** Misses attributed to any dependency. */
  misses_dependency: number;
  /** Every reason with its owner team and count, most misses first. */
  misses_by_owner: MissesByOwner[];
}

/**
 * A cycle counts in the period its target fell due (its due_at, moved out by pauses): met cycles
 * whatever day they were resolved, breached ones and open ones already past due in the period they
 * breached. Running, paused, at-risk and cancelled cycles count nowhere.
 */
export const slaAttainment = defineModel({
  name: "sla_attainment",
  layer: "marts",
  grain: "one row per queue per work type per priority tier per metric per period (day, week, month)",
  dependsOn: ["case_sla"],
  build: ({ db, reportingTimeZone, policy }) => {
    // A row's key: the tier and metric, in one period view.
    const key = ["queue", "work_type", "priority_tier", "metric", "period", "period_start"] as const;
    const reason = ["breach_attributed_to", "breach_owner_team"] as const;
    return db
      .with("judged", (qb) =>
        qb
          .selectFrom("case_sla")
          .where("state", "in", ["met", "breached", "open_breached"])
          .where("due_at", "is not", null)
          .select([
            "queue",
            "work_type",
            "priority_tier",
            "metric",
            "cycle",
            "goal",
            sql<boolean>`state = 'met'`.as("is_met"),
            ...reason,
            reportDay(sql.ref("due_at"), reportingTimeZone).as("due_day"),
          ]),
      )
      .with("in_periods", (qb) =>
        qb
          .selectFrom("judged")
          // Every cycle once per view (day, week, month), in the period its due day falls in.
          .crossJoin(reportPeriodRows())
          .selectAll("judged")
          .select([
            "periods.period",
            periodStartOfDay(
              sql.ref("periods.period"),
              sql.ref("due_day"),
              policy.reporting.week_starts_on,
            ).as("period_start"),
          ]),
      )
      .with("by_reason", (qb) =>
        qb
          .selectFrom("in_periods")
          .groupBy([...key, ...reason])
          .select([
            ...key,
            ...reason,
            sql<number>`max(goal)`.as("goal"),
            sql<number>`count(*) FILTER (WHERE is_met)`.as("met"),
            sql<number>`count(*) FILTER (WHERE NOT is_met)`.as("breached"),
            sql<number>`count(*) FILTER (WHERE is_met AND cycle = 1)`.as("first_cycle_met"),
            sql<number>`count(*) FILTER (WHERE NOT is_met AND cycle = 1)`.as("first_cycle_breached"),
          ]),
      )
      .with("periods", (qb) =>
        qb
          .selectFrom("by_reason")
          .groupBy([...key])
          .select([
            ...key,
            sql<number>`max(goal)`.as("goal"),
            sql<number>`sum(met)`.as("met"),
            sql<number>`sum(breached)`.as("breached"),
            sql<number>`sum(first_cycle_met)`.as("first_cycle_met"),
            sql<number>`sum(first_cycle_breached)`.as("first_cycle_breached"),
            sql<number>`coalesce(sum(breached) FILTER (WHERE breach_attributed_to = 'operating_team'), 0)`.as(
              "misses_operating_team",
            ),
            sql<number>`coalesce(sum(breached) FILTER (WHERE breach_attributed_to = 'misrouting'), 0)`.as(
              "misses_misrouting",
            ),
            sql<number>`coalesce(sum(breached) FILTER (WHERE breach_attributed_to NOT IN ('operating_team', 'misrouting')), 0)`.as(
              "misses_dependency",
            ),
            sql<unknown>`coalesce(list(struct_pack(attributed_to := breach_attributed_to, owner_team := breach_owner_team,
                misses := CAST(breached AS INTEGER))
              ORDER BY breached DESC, breach_attributed_to, breach_owner_team) FILTER (WHERE breached > 0), [])`.as(
              "misses_by_owner",
            ),
          ]),
      )
      .selectFrom("periods")
      .select([
        ...key,
        sql<number>`CAST(met + breached AS BIGINT)`.as("cycles_due"),
        sql<number>`CAST(met AS BIGINT)`.as("met"),
        sql<number>`CAST(breached AS BIGINT)`.as("breached"),
        sql<number>`met / (met + breached)`.as("attainment"),
        "goal",
        sql<boolean>`met / (met + breached) >= goal`.as("goal_met"),
        sql<number>`CAST(first_cycle_met AS BIGINT)`.as("first_cycle_met"),
        sql<number>`CAST(first_cycle_breached AS BIGINT)`.as("first_cycle_breached"),
        sql<number | null>`first_cycle_met / nullif(first_cycle_met + first_cycle_breached, 0)`.as(
          "first_cycle_attainment",
        ),
        sql<number>`CAST(misses_operating_team AS BIGINT)`.as("misses_operating_team"),
        sql<number>`CAST(misses_misrouting AS BIGINT)`.as("misses_misrouting"),
        sql<number>`CAST(misses_dependency AS BIGINT)`.as("misses_dependency"),
        "misses_by_owner",
      ])
      .orderBy("queue")
      .orderBy("work_type")
      .orderBy("priority_tier")
      .orderBy("metric")
      .orderBy("period")
      .orderBy("period_start");
  },
  tests: [
    notNull("queue", "work_type", "priority_tier", "metric", "period", "period_start", "attainment", "goal"),
    unique("queue", "work_type", "priority_tier", "metric", "period", "period_start"),
    acceptedValues("metric", SLA_METRICS),
    acceptedValues("period", REPORT_PERIODS),
    invariant("attainment is a share", "attainment BETWEEN 0 AND 1"),
    invariant("cycles due are met or breached", "cycles_due = met + breached AND cycles_due > 0"),
    invariant(
      "every miss has one reason",
      "misses_operating_team + misses_misrouting + misses_dependency = breached",
    ),
    invariant(
      "misses by owner add up to the misses",
      "list_sum(list_transform(misses_by_owner, m -> m.misses)) IS NOT DISTINCT FROM CASE WHEN breached = 0 THEN NULL ELSE breached END",
    ),
    invariant("first cycles are a subset", "first_cycle_met <= met AND first_cycle_breached <= breached"),
    custom(
      "the day, week and month views hold the same cycles",
      (t) => `SELECT queue, metric, count(DISTINCT total) AS different_totals FROM (
          SELECT queue, metric, period, sum(cycles_due) AS total FROM ${t} GROUP BY ALL)
        GROUP BY ALL HAVING count(DISTINCT total) > 1 OR count(*) <> 3`,
    ),
    custom(
      "all cycles are counted: the day view matches case_sla",
      (t) => `WITH expected AS (SELECT queue, metric, count(*) AS n FROM case_sla
          WHERE state IN ('met', 'breached', 'open_breached') AND due_at IS NOT NULL GROUP BY ALL),
        actual AS (SELECT queue, metric, sum(cycles_due) AS n FROM ${t} WHERE period = 'day' GROUP BY ALL)
        SELECT * FROM expected FULL JOIN actual USING (queue, metric) WHERE expected.n IS DISTINCT FROM actual.n`,
    ),
  ],
});
