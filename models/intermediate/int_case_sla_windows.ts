// One row per case per SLA cycle per metric (first_touch, resolution): the clock's window — when it
// started and stopped, the governing queue, the tier's target — before any time is measured.
import { sql } from "kysely";
import { QUEUES } from "../../ingest/contracts/cases.ts";
import { acceptedValues, custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export const SLA_METRICS = ["first_touch", "resolution"] as const;

/**
 * Event types that count as the first touch: an agent acting on the case. `assigned` and `transferred`
 * only route it, `note` and `escalated` do not act on it; a resolution or closure is an action (and is
 * the only evidence of one for a case exported without events).
 */
export const FIRST_TOUCH_EVENTS = ["worked", "pending_dependency", "resolved", "closed"] as const;

export interface IntCaseSlaWindows {
  case_id: string;
  cycle: number;
  metric: (typeof SLA_METRICS)[number];
  work_type: string;
  /** The case's priority, or `default` when it has none (the policy's default tier). */
  priority_tier: string;
  cycle_started_at: Date;
  /** The span at which the clock stopped (first touch, or first resolved/closed span); null while it runs. */
  stop_seq: number | null;
  stopped_at: Date | null;
  /** The governing queue: where the clock stopped, else where the case is now. */
  queue: string;
  /** Running, and the case waits now on a dependency whose policy pauses the clock. */
  paused_now: boolean;
  /** The clock stopped at the case's final exit, a cancellation. */
  cancelled: boolean;
  calendar: string;
  target_business_s: number;
  goal: number;
  responsible_team: string | null;
  /** Where the clock reads up to: its stop, else the data's as-of time. */
  clock_end: Date;
}

const STOP_STATES = sql`('resolved', 'closed')`;

/**
 * Why a model of its own: case_sla measures these windows with several joins and clock lookups, and
 * DuckDB plans those far better over a table whose size it knows than over a chain of CTEs whose
 * estimated sizes drift by orders of magnitude (it then builds hash tables on the large side).
 */
export const intCaseSlaWindows = defineModel({
  name: "int_case_sla_windows",
  layer: "intermediate",
  grain: "one row per case per SLA cycle per metric (first_touch, resolution)",
  dependsOn: ["int_case_timeline", "stg_cases"],
  incremental: { key: "case_id" },
  build: ({ db, asOf }) => {
    const asOfAt = sql<Date>`CAST(${asOf.toISOString()} AS TIMESTAMPTZ)`;
    const touchEvents = sql.join(FIRST_TOUCH_EVENTS.map((e) => sql.lit(e)));
    const queueList = sql`[${sql.join(QUEUES.map((q) => sql.lit(q)))}]`;
    const queueNo = sql`list_position(${queueList}, queue)`;
    return (
      db
        // One pass over the timeline: each cycle's start, and where and when each clock stopped. Queues
        // travel as their position in the contract's list: arg_min over an integer costs a third of
        // arg_min over text on millions of spans.
        .with("cycles", (qb) =>
          qb
            .selectFrom("int_case_timeline")
            .groupBy(["case_id", "cycle"])
            .select([
              "case_id",
              "cycle",
              sql<Date>`min(span_start)`.as("cycle_started_at"),
              sql<number | null>`min(span_seq) FILTER (WHERE state IN ${STOP_STATES})`.as("resolution_seq"),
              sql<Date | null>`min(span_start) FILTER (WHERE state IN ${STOP_STATES})`.as("resolved_at"),
              sql<number | null>`arg_min(${queueNo}, span_seq) FILTER (WHERE state IN ${STOP_STATES})`.as(
                "resolution_queue_no",
              ),
              sql<number | null>`min(span_seq) FILTER (WHERE started_by IN (${touchEvents}))`.as("touch_seq"),
              sql<Date | null>`min(span_start) FILTER (WHERE started_by IN (${touchEvents}))`.as(
                "touched_at",
              ),
              sql<
                number | null
              >`arg_min(${queueNo}, span_seq) FILTER (WHERE started_by IN (${touchEvents}))`.as(
                "touch_queue_no",
              ),
              // The case's final span (open-ended) is in its last cycle, the only one that can still run.
              sql<boolean>`bool_or(span_end IS NULL)`.as("is_last_cycle"),
            ]),
        )
        // Where each case is now: its final span.
        .with("last_spans", (qb) =>
          qb
            .selectFrom("int_case_timeline")
            .where("span_end", "is", null)
            .select([
              "case_id",
              "queue as last_queue",
              "state as last_state",
              "dependency as last_dependency",
            ]),
        )
        .with("case_cycles", (qb) =>
          qb
            .selectFrom("cycles as y")
            .innerJoin("stg_cases as c", "c.case_id", "y.case_id")
            .leftJoin("last_spans as l", "l.case_id", "y.case_id")
            .leftJoin("policy_dependencies as d", "d.dependency", "l.last_dependency")
            .selectAll("y")
            .select([
              sql<string | null>`${queueList}[y.resolution_queue_no]`.as("resolution_queue"),
              sql<string | null>`${queueList}[y.touch_queue_no]`.as("touch_queue"),
              "l.last_queue",
              "c.work_type",
              sql<string>`coalesce(c.priority, 'default')`.as("priority_tier"),
              sql<boolean>`coalesce(y.is_last_cycle AND l.last_state = 'pending' AND d.pauses_sla, false)`.as(
                "pending_paused",
              ),
              // The case's final exit was a cancellation: the last cycle's resolution was it.
              sql<boolean>`coalesce(c.exit_kind = 'cancelled', false) AND y.is_last_cycle`.as(
                "cancelled_cycle",
              ),
            ]),
        )
        .with("metric_rows", (qb) =>
          qb
            .selectFrom("case_cycles")
            .select([
              "case_id",
              "cycle",
              sql<string>`'first_touch'`.as("metric"),
              "work_type",
              "priority_tier",
              "cycle_started_at",
              "touch_seq as stop_seq",
              "touched_at as stopped_at",
              sql<string>`coalesce(touch_queue, last_queue)`.as("queue"),
              sql<boolean>`touched_at IS NULL AND pending_paused`.as("paused_now"),
              sql<boolean>`cancelled_cycle AND touch_seq = resolution_seq`.as("cancelled"),
            ])
            .unionAll(
              qb
                .selectFrom("case_cycles")
                .select([
                  "case_id",
                  "cycle",
                  sql<string>`'resolution'`.as("metric"),
                  "work_type",
                  "priority_tier",
                  "cycle_started_at",
                  "resolution_seq as stop_seq",
                  "resolved_at as stopped_at",
                  sql<string>`coalesce(resolution_queue, last_queue)`.as("queue"),
                  sql<boolean>`resolved_at IS NULL AND pending_paused`.as("paused_now"),
                  sql<boolean>`cancelled_cycle AND resolution_seq IS NOT NULL`.as("cancelled"),
                ]),
            ),
        )
        .with("targeted", (qb) =>
          qb
            .selectFrom("metric_rows as w")
            .leftJoin("policy_sla_targets as t", (join) =>
              join
                .onRef("t.queue", "=", "w.queue")
                .onRef("t.work_type", "=", "w.work_type")
                .on(sql`coalesce(t.priority, 'default')`, "=", sql.ref("w.priority_tier")),
            )
            .leftJoin("policy_queues as q", "q.queue", "w.queue")
            .selectAll("w")
            .select([
              "t.calendar",
              sql<number>`CASE w.metric WHEN 'first_touch' THEN t.first_touch_within_s ELSE t.resolve_within_s END`.as(
                "target_business_s",
              ),
              sql<number>`CASE w.metric WHEN 'first_touch' THEN t.first_touch_goal ELSE t.goal END`.as(
                "goal",
              ),
              "q.responsible as responsible_team",
              // Where the clock reads up to: its stop, else the data's as-of time.
              sql<Date>`coalesce(w.stopped_at, greatest(${asOfAt}, w.cycle_started_at))`.as("clock_end"),
            ]),
        )
        .selectFrom("targeted")
        .selectAll()
    );
  },
  tests: [
    notNull(
      "case_id",
      "cycle",
      "metric",
      "queue",
      "calendar",
      "target_business_s",
      "cycle_started_at",
      "clock_end",
    ),
    unique("case_id", "cycle", "metric"),
    acceptedValues("metric", SLA_METRICS),
    relationship("case_id", "stg_cases", "case_id"),
    invariant(
      "a clock does not stop before it starts",
      "stopped_at IS NULL OR stopped_at >= cycle_started_at",
    ),
    invariant("a stopped clock reads up to its stop", "stopped_at IS NULL OR clock_end = stopped_at"),
    custom(
      "two windows (first touch, resolution) for every cycle of the timeline (with the unique key: each once)",
      (t) => `SELECT c.n * 2 AS expected, w.n AS windows FROM
        (SELECT count(*) AS n FROM (SELECT DISTINCT case_id, cycle FROM int_case_timeline)) c,
        (SELECT count(*) AS n FROM ${t}) w WHERE c.n * 2 <> w.n`,
    ),
  ],
});
