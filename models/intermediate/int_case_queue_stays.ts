// One row per case per stay in a queue's open backlog: from entering the queue (opened in it,
// transferred in, or reopened there) to leaving it (transferred out, completed or cancelled), if it has.
import { sql } from "kysely";
import { acceptedValues, custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface IntCaseQueueStays {
  case_id: string;
  /** Position of the stay in the case's history, from 1. */
  stay_seq: number;
  /** The SLA cycle the stay belongs to (a stay never spans a resolution, so never two cycles). */
  cycle: number;
  /** When that cycle started (the case's opening or its reopening): the origin of the case's age. */
  cycle_started_at: Date;
  queue: string;
  entered_at: Date;
  /** opened (the case was opened in this queue), transfer_in, or reopened. */
  entry_kind: "opened" | "transfer_in" | "reopened";
  /** When the case left the queue's backlog; null while it is still there. */
  left_at: Date | null;
  /** transfer_out, completed, cancelled; null while the case is still in the queue. */
  exit_kind: "transfer_out" | "completed" | "cancelled" | null;
}

/**
 * Stays are the islands of a case's timeline in which neither the queue nor "in the backlog" (state
 * open or pending) changes. Between two islands in the backlog the case was transferred; a backlog
 * island followed by a resolved/closed one was completed (cancelled, when the case's snapshot says it
 * was cancelled and nothing reopened it afterwards); a backlog island after a resolved one is a reopen.
 * Moves between queues while the case is resolved change nothing in any backlog.
 */
export const intCaseQueueStays = defineModel({
  name: "int_case_queue_stays",
  layer: "intermediate",
  grain: "one row per case per stay in a queue's open backlog",
  dependsOn: ["int_case_timeline", "stg_cases"],
  incremental: { key: "case_id" },
  build: ({ db }) =>
    db
      .with("spans", (qb) =>
        qb.selectFrom("int_case_timeline").select([
          "case_id",
          "span_seq",
          "span_start",
          "cycle",
          "queue",
          sql<boolean>`state IN ('open', 'pending')`.as("in_backlog"),
          // Gaps and islands: within a run of spans with the same queue and backlog flag this
          // difference is constant, and it changes from one run to the next (one window, one sort).
          sql<number>`span_seq - row_number() OVER (PARTITION BY case_id, queue, state IN ('open', 'pending') ORDER BY span_seq)`.as(
            "run",
          ),
        ]),
      )
      .with("islands", (qb) =>
        qb
          .selectFrom("spans")
          .groupBy(["case_id", "queue", "in_backlog", "run"])
          .select([
            "case_id",
            "queue",
            "in_backlog",
            sql<number>`min(span_seq)`.as("first_seq"),
            sql<number>`min(cycle)`.as("cycle"),
            sql<Date>`min(span_start)`.as("started_at"),
          ]),
      )
      .with("linked", (qb) =>
        qb
          .selectFrom("islands")
          .selectAll()
          .select([
            sql<boolean | null>`lag(in_backlog) OVER w`.as("previous_in_backlog"),
            sql<boolean | null>`lead(in_backlog) OVER w`.as("next_in_backlog"),
            sql<Date | null>`lead(started_at) OVER w`.as("next_started_at"),
            sql<number>`CAST(count(*) FILTER (WHERE in_backlog) OVER (w ROWS UNBOUNDED PRECEDING) AS INTEGER)`.as(
              "stay_seq",
            ),
            // No later backlog island: this one's exit (if any) is the case's final one.
            sql<boolean>`count(*) FILTER (WHERE in_backlog) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) = 0`.as(
              "is_last_stay",
            ),
            // The cycle's first island starts the cycle (a reopen always starts a new island).
            sql<Date>`min(started_at) OVER (PARTITION BY case_id, cycle)`.as("cycle_started_at"),
          ])
          .modifyEnd(sql`WINDOW w AS (PARTITION BY case_id ORDER BY first_seq)`),
      )
      .selectFrom("linked as s")
      .innerJoin("stg_cases as c", "c.case_id", "s.case_id")
      .where("s.in_backlog", "=", true)
      .select([
        "s.case_id",
        "s.stay_seq",
        "s.cycle",
        "s.cycle_started_at",
        "s.queue",
        "s.started_at as entered_at",
        sql<string>`CASE WHEN s.previous_in_backlog IS NULL THEN 'opened'
          WHEN s.previous_in_backlog THEN 'transfer_in' ELSE 'reopened' END`.as("entry_kind"),
        "s.next_started_at as left_at",
        sql<string | null>`CASE WHEN s.next_in_backlog IS NULL THEN NULL
          WHEN s.next_in_backlog THEN 'transfer_out'
          WHEN c.exit_kind = 'cancelled' AND s.is_last_stay THEN 'cancelled'
          ELSE 'completed' END`.as("exit_kind"),
      ]),
  tests: [
    notNull("case_id", "stay_seq", "cycle", "cycle_started_at", "queue", "entered_at", "entry_kind"),
    unique("case_id", "stay_seq"),
    acceptedValues("entry_kind", ["opened", "transfer_in", "reopened"]),
    acceptedValues("exit_kind", ["transfer_out", "completed", "cancelled"]),
    relationship("case_id", "stg_cases", "case_id"),
    invariant("a stay does not end before it starts", "left_at IS NULL OR left_at >= entered_at"),
    invariant("a stay has an exit exactly when it has ended", "(left_at IS NULL) = (exit_kind IS NULL)"),
    invariant("the age origin is not after the stay", "cycle_started_at <= entered_at"),
    custom(
      "every transfer out is followed by a transfer in at the same instant",
      (t) => `SELECT o.* FROM ${t} o LEFT JOIN ${t} i ON i.case_id = o.case_id AND i.stay_seq = o.stay_seq + 1
        WHERE o.exit_kind = 'transfer_out' AND (i.entry_kind IS DISTINCT FROM 'transfer_in' OR i.entered_at <> o.left_at)`,
    ),
  ],
});
