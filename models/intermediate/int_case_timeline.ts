// One row per case per span: the stretch between two consecutive events of the case, with the queue it
// sat in, its state (open, pending on a dependency, resolved, closed) and its SLA cycle.
import { sql } from "kysely";
import { acceptedValues, custom, invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface IntCaseTimeline {
  case_id: string;
  /** 1 for the first cycle; each reopen starts the next. */
  cycle: number;
  /** Position of the span in the case's history, from 1. */
  span_seq: number;
  span_start: Date;
  /** Start of the next span; null for the last span (still open, or the case's final state). */
  span_end: Date | null;
  queue: string;
  state: "open" | "pending" | "resolved" | "closed";
  /** The dependency waited on while state is pending. */
  dependency: string | null;
  /** The event that started the span (`opened` is synthesised from the case's opened_at). */
  started_by: string;
  /** Why the span is not plain history: an event before the case opened, a resolution taken from the snapshot, ... */
  anomaly: string | null;
}

// Events at the same instant are ordered by their place in a case's life, so that a case created and
// assigned in the same second is not assigned before it exists.
const SAME_INSTANT_ORDER = sql`CASE event_type
  WHEN 'opened' THEN 0 WHEN 'created' THEN 1 WHEN 'transferred' THEN 2 WHEN 'assigned' THEN 3
  WHEN 'pending_dependency' THEN 4 WHEN 'dependency_returned' THEN 5 WHEN 'worked' THEN 6 WHEN 'note' THEN 6
  WHEN 'escalated' THEN 7 WHEN 'resolved' THEN 8 WHEN 'reopened' THEN 9 WHEN 'closed' THEN 10 ELSE 6 END`;

export const intCaseTimeline = defineModel({
  name: "int_case_timeline",
  layer: "intermediate",
  grain: "one row per case per span between consecutive events",
  dependsOn: ["stg_cases", "stg_case_events"],
  incremental: { key: "case_id" },
  build: ({ db }) =>
    db
      .with("first_queue", (qb) =>
        // The queue a case started in: what its first transfer or creation says, else its current queue.
        qb
          .selectFrom("stg_case_events")
          .where((eb) =>
            eb.or([
              eb("event_type", "=", "created").and("to_queue", "is not", null),
              eb("event_type", "=", "transferred"),
            ]),
          )
          .select([
            "case_id",
            sql<string>`arg_min(CASE WHEN event_type = 'created' THEN to_queue ELSE from_queue END, event_seq)`.as(
              "queue",
            ),
          ])
          .groupBy("case_id"),
      )
      .with("has_resolution_event", (qb) =>
        qb.selectFrom("stg_case_events").where("event_type", "=", "resolved").select("case_id").distinct(),
      )
      .with("events", (qb) =>
        qb
          .selectFrom("stg_case_events as e")
          .innerJoin("stg_cases as c", "c.case_id", "e.case_id")
          .select([
            "e.case_id",
            // An event stamped before the case opened is kept, at the opening instant, and flagged.
            sql<Date>`greatest(e.occurred_at, c.opened_at)`.as("occurred_at"),
            "e.event_type",
            "e.to_queue",
            "e.dependency",
            "e.event_seq",
            sql<
              string | null
            >`CASE WHEN e.occurred_at < c.opened_at THEN 'event before the case opened' END`.as("anomaly"),
          ])
          // The opening of every case, from its snapshot, so a case with no events still has a timeline.
          .unionAll(
            qb
              .selectFrom("stg_cases as c")
              .leftJoin("first_queue as q", "q.case_id", "c.case_id")
              .select([
                "c.case_id",
                "c.opened_at as occurred_at",
                sql<string>`'opened'`.as("event_type"),
                sql<string>`coalesce(q.queue, c.queue)`.as("to_queue"),
                sql<string | null>`NULL`.as("dependency"),
                sql<number>`0`.as("event_seq"),
                sql<string | null>`NULL`.as("anomaly"),
              ]),
          )
          // A finished case whose events never say so is finished as its snapshot says.
          .unionAll(
            qb
              .selectFrom("stg_cases as c")
              .where("c.exit_at", "is not", null)
              .where("c.case_id", "not in", qb.selectFrom("has_resolution_event").select("case_id"))
              .select([
                "c.case_id",
                sql<Date>`c.exit_at`.as("occurred_at"),
                sql<string>`CASE WHEN c.status = 'resolved' THEN 'resolved' ELSE 'closed' END`.as(
                  "event_type",
                ),
                sql<string | null>`NULL`.as("to_queue"),
                sql<string | null>`NULL`.as("dependency"),
                sql<number>`2147483647`.as("event_seq"),
                sql<string | null>`'resolution taken from the case snapshot'`.as("anomaly"),
              ]),
          ),
      )
      .with("ordered", (qb) =>
        qb.selectFrom("events").select([
          "case_id",
          "occurred_at",
          "event_type",
          "anomaly",
          sql<number>`row_number() OVER (PARTITION BY case_id ORDER BY occurred_at, ${SAME_INSTANT_ORDER}, event_seq)`.as(
            "span_seq",
          ),
          sql<
            string | null
          >`CASE WHEN event_type IN ('opened', 'transferred') OR (event_type = 'created' AND to_queue IS NOT NULL) THEN to_queue END`.as(
            "queue_marker",
          ),
          // '' marks "no dependency any more"; NULL means "this event says nothing about it".
          sql<string | null>`CASE WHEN event_type = 'pending_dependency' THEN coalesce(dependency, 'unknown')
              WHEN event_type IN ('dependency_returned', 'resolved', 'closed', 'reopened') THEN '' END`.as(
            "dependency_marker",
          ),
          sql<string | null>`CASE WHEN event_type IN ('opened', 'reopened') THEN 'open'
              WHEN event_type = 'resolved' THEN 'resolved' WHEN event_type = 'closed' THEN 'closed' END`.as(
            "status_marker",
          ),
        ]),
      )
      .with("states", (qb) =>
        qb
          .selectFrom("ordered")
          .select([
            "case_id",
            "span_seq",
            "event_type",
            "anomaly",
            "occurred_at as span_start",
            sql<Date | null>`lead(occurred_at) OVER w`.as("span_end"),
            sql<string>`last_value(queue_marker IGNORE NULLS) OVER w_upto`.as("queue"),
            sql<string | null>`nullif(last_value(dependency_marker IGNORE NULLS) OVER w_upto, '')`.as(
              "dependency",
            ),
            sql<string>`last_value(status_marker IGNORE NULLS) OVER w_upto`.as("status"),
            sql<number>`1 + count(*) FILTER (WHERE event_type = 'reopened') OVER w_upto`.as("cycle"),
          ])
          .modifyEnd(
            sql`WINDOW w AS (PARTITION BY case_id ORDER BY span_seq),
              w_upto AS (PARTITION BY case_id ORDER BY span_seq ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)`,
          ),
      )
      .selectFrom("states")
      .select([
        "case_id",
        "cycle",
        "span_seq",
        "span_start",
        "span_end",
        "queue",
        sql<string>`CASE WHEN status IN ('resolved', 'closed') THEN status WHEN dependency IS NOT NULL THEN 'pending' ELSE 'open' END`.as(
          "state",
        ),
        sql<string | null>`CASE WHEN status IN ('resolved', 'closed') THEN NULL ELSE dependency END`.as(
          "dependency",
        ),
        "event_type as started_by",
        "anomaly",
      ])
      .orderBy("case_id")
      .orderBy("span_seq"),
  tests: [
    notNull("case_id", "cycle", "span_seq", "span_start", "queue", "state"),
    unique("case_id", "span_seq"),
    acceptedValues("state", ["open", "pending", "resolved", "closed"]),
    invariant("spans do not run backwards", "span_end IS NULL OR span_end >= span_start"),
    invariant("only pending spans wait on a dependency", "(state = 'pending') = (dependency IS NOT NULL)"),
    custom(
      "every case has a timeline starting with its opening",
      (t) => `SELECT c.case_id FROM stg_cases c LEFT JOIN ${t} s ON s.case_id = c.case_id AND s.span_seq = 1
        WHERE s.case_id IS NULL`,
    ),
  ],
});
