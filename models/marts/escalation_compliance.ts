// One row per case per SLA cycle per escalation level whose aging threshold the case crossed while
// open: when it crossed, in which queue, and whether an `escalated` event to that level came by then.
import { sql } from "kysely";
import { businessDueAt } from "../calendar/business-time-sql.ts";
import { acceptedValues, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export const ESCALATION_STATUSES = ["on_time", "late", "missing"] as const;

export interface EscalationCompliance {
  case_id: string;
  cycle: number;
  /** 1, 2 or 3: the policy's escalate_after thresholds in order. */
  level: number;
  /** The queue the case was in when it crossed the threshold (whose policy set it). */
  queue: string;
  /** The rule: `escalate_after[level]` of the queue, in seconds on its aging clock. */
  threshold_s: number;
  aging_clock: string;
  /** When the cycle started: the origin of the age. */
  cycle_started_at: Date;
  /** When the case's age reached the threshold (or it arrived in the queue already older). */
  crossed_at: Date;
  /** The first `escalated` event of the cycle to this level or above; null if none. */
  escalated_at: Date | null;
  /** on_time (escalated by the time it crossed), late (escalated after), missing (not escalated). */
  status: (typeof ESCALATION_STATUSES)[number];
  /** A control exception: late or missing. */
  is_exception: boolean;
  /** Seconds from crossing to the escalation (late), or to the case leaving the queue / the as-of time (missing). */
  overdue_s: number | null;
  /** The level the case's snapshot reports (the export's own field, for context). */
  case_escalation_level: number | null;
  assignee_id: string | null;
  responsible_team: string | null;
  accountable: string | null;
}

/**
 * Ages count from the start of the SLA cycle (the opening, or the latest reopening) on the queue's
 * aging clock (actual, or business time of its calendar), so an escalation threshold is crossed at
 * cycle start + threshold. A case is judged by the thresholds of the queue it is in at that moment; one
 * that arrives in a queue already older than a threshold crosses it on arrival. Each level counts once
 * per cycle (its first crossing). An `escalated` event without a level counts as the next level of the
 * cycle.
 */
export const escalationCompliance = defineModel({
  name: "escalation_compliance",
  layer: "marts",
  grain: "one row per case per SLA cycle per escalation level crossed while open",
  dependsOn: ["int_case_queue_stays", "stg_case_events", "stg_cases"],
  incremental: { key: "case_id" },
  build: ({ db, asOf, policy }) => {
    // The policy's calendars: business-time lookups run one calendar at a time (business-time-sql.ts).
    const calendars = Object.keys(policy.calendars);
    const asOfAt = sql<Date>`CAST(${asOf.toISOString()} AS TIMESTAMPTZ)`;
    return (
      db
        .with("levels", (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom("int_case_queue_stays as s")
                .innerJoin("policy_queues as q", "q.queue", "s.queue")
                .select([
                  "s.case_id",
                  "s.cycle",
                  "s.queue",
                  "s.cycle_started_at",
                  "s.entered_at",
                  "s.left_at",
                  "q.calendar",
                  "q.aging_clock",
                  "q.escalate_after_s",
                  sql<number>`unnest(generate_series(1, len(q.escalate_after_s)))`.as("level"),
                ])
                .as("x"),
            )
            .selectAll()
            .select(sql<number>`escalate_after_s[level]`.as("threshold_s"))
            // Business time never runs faster than the wall clock: a threshold not reached in actual time
            // by the time the stay ended is not reached in business time either, so most stays stop here.
            .where(
              sql<boolean>`cycle_started_at + to_seconds(escalate_after_s[level]) < coalesce(left_at, ${asOfAt})`,
            ),
        )
        .with("levels_business", (qb) =>
          qb.selectFrom("levels").selectAll().where("aging_clock", "=", "business"),
        )
        .with("thresholds_business", () =>
          businessDueAt({
            calendars,
            from: "levels_business",
            calendar: "calendar",
            start: "cycle_started_at",
            businessSeconds: "threshold_s",
            as: "threshold_at",
          }),
        )
        .with("thresholds", (qb) =>
          qb
            .selectFrom("levels")
            .where("aging_clock", "<>", "business")
            .select([
              "case_id",
              "cycle",
              "queue",
              "level",
              "threshold_s",
              "aging_clock",
              "cycle_started_at",
              "entered_at",
              "left_at",
              sql<Date>`cycle_started_at + to_seconds(threshold_s)`.as("threshold_at"),
            ])
            .unionAll(
              qb
                .selectFrom(
                  sql<{
                    case_id: string;
                    cycle: number;
                    queue: string;
                    level: number;
                    threshold_s: number;
                    aging_clock: "actual" | "business";
                    cycle_started_at: Date;
                    entered_at: Date;
                    left_at: Date | null;
                    threshold_at: Date;
                  }>`thresholds_business`.as("b"),
                )
                .select([
                  "case_id",
                  "cycle",
                  "queue",
                  "level",
                  "threshold_s",
                  "aging_clock",
                  "cycle_started_at",
                  "entered_at",
                  "left_at",
                  "threshold_at",
                ]),
            ),
        )
        // The first stay of the cycle in which the case was open past each level's threshold.
        .with("crossings", (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom("thresholds")
                .selectAll()
                .select(sql<Date>`greatest(threshold_at, entered_at)`.as("crossed_at"))
                .as("t"),
            )
            .selectAll()
            .where(
              sql<boolean>`crossed_at < coalesce(left_at, CAST('infinity' AS TIMESTAMPTZ)) AND crossed_at <= ${asOfAt}`,
            )
            .modifyEnd(
              sql`QUALIFY row_number() OVER (PARTITION BY case_id, cycle, level ORDER BY crossed_at) = 1`,
            ),
        )
        .with("cycle_starts", (qb) =>
          qb.selectFrom("int_case_queue_stays").select(["case_id", "cycle", "cycle_started_at"]).distinct(),
        )
        // Escalation events, each placed in the cycle running when it happened.
        .with("escalations", (qb) =>
          qb
            .selectFrom(
              sql<{
                case_id: string;
                cycle: number;
                occurred_at: Date;
                escalation_level: number | null;
                event_seq: number;
              }>`(
                SELECT e.case_id, c.cycle, e.occurred_at, e.escalation_level, e.event_seq
                FROM ${sql.table("stg_case_events")} AS e
                ASOF JOIN ${sql.table("cycle_starts")} AS c ON c.case_id = e.case_id AND e.occurred_at >= c.cycle_started_at
                WHERE e.event_type = 'escalated')`.as("e"),
            )
            .select([
              "case_id",
              "cycle",
              "occurred_at",
              sql<number>`coalesce(escalation_level,
                CAST(row_number() OVER (PARTITION BY case_id, cycle ORDER BY occurred_at, event_seq) AS INTEGER))`.as(
                "level",
              ),
            ]),
        )
        .with("answered", (qb) =>
          qb
            .selectFrom("crossings as x")
            .leftJoin("escalations as e", (join) =>
              join
                .onRef("e.case_id", "=", "x.case_id")
                .onRef("e.cycle", "=", "x.cycle")
                .onRef("e.level", ">=", "x.level"),
            )
            .groupBy(["x.case_id", "x.cycle", "x.level"])
            .select([
              "x.case_id",
              "x.cycle",
              "x.level",
              sql<string>`any_value(x.queue)`.as("queue"),
              sql<number>`any_value(x.threshold_s)`.as("threshold_s"),
              sql<string>`any_value(x.aging_clock)`.as("aging_clock"),
              sql<Date>`any_value(x.cycle_started_at)`.as("cycle_started_at"),
              sql<Date>`any_value(x.crossed_at)`.as("crossed_at"),
              sql<Date | null>`any_value(x.left_at)`.as("left_at"),
              sql<Date | null>`min(e.occurred_at)`.as("escalated_at"),
            ]),
        )
        .selectFrom("answered as a")
        .innerJoin("stg_cases as c", "c.case_id", "a.case_id")
        .leftJoin("policy_queues as q", "q.queue", "a.queue")
        .select([
          "a.case_id",
          "a.cycle",
          sql<number>`CAST(a.level AS INTEGER)`.as("level"),
          "a.queue",
          sql<number>`CAST(a.threshold_s AS BIGINT)`.as("threshold_s"),
          "a.aging_clock",
          "a.cycle_started_at",
          "a.crossed_at",
          "a.escalated_at",
          sql<string>`CASE WHEN a.escalated_at IS NULL THEN 'missing'
            WHEN a.escalated_at <= a.crossed_at THEN 'on_time' ELSE 'late' END`.as("status"),
          sql<boolean>`a.escalated_at IS NULL OR a.escalated_at > a.crossed_at`.as("is_exception"),
          sql<number | null>`CASE WHEN a.escalated_at IS NULL
              THEN (epoch_us(least(coalesce(a.left_at, ${asOfAt}), ${asOfAt})) - epoch_us(a.crossed_at)) // 1000000
            WHEN a.escalated_at > a.crossed_at THEN (epoch_us(a.escalated_at) - epoch_us(a.crossed_at)) // 1000000
            END`.as("overdue_s"),
          "c.escalation_level as case_escalation_level",
          "c.assignee_id",
          "q.responsible as responsible_team",
          "q.accountable",
        ])
    );
  },
  tests: [
    notNull("case_id", "cycle", "level", "queue", "threshold_s", "crossed_at", "status"),
    unique("case_id", "cycle", "level"),
    acceptedValues("status", ESCALATION_STATUSES),
    relationship("case_id", "stg_cases", "case_id"),
    invariant("levels are 1 to 3", "level BETWEEN 1 AND 3"),
    invariant(
      "crossed no earlier than the threshold",
      "crossed_at >= cycle_started_at + to_seconds(threshold_s)",
    ),
    invariant("an exception is late or missing", "is_exception = (status <> 'on_time')"),
    invariant("late and missing say how long", "(status = 'on_time') = (overdue_s IS NULL)"),
  ],
});
