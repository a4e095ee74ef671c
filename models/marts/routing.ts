// One row per case per SLA cycle in which the case was transferred out of a queue (misrouted): the path
// it took, and the delay the wrong queues caused, in actual time and in business time.
import { sql } from "kysely";
import { invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";
import { businessSecondsBeforeLastTransfer, CYCLE_KEY, sameKeys } from "./case-cycle-sql.ts";

export interface WrongQueueStay {
  queue: string;
  actual_s: number;
}

export interface Routing {
  case_id: string;
  cycle: number;
  /** The queue the cycle started in (the first wrong one). */
  first_queue: string;
  /** The queue the case ended in (resolved there, or is in now): the right one, as far as the data knows. */
  final_queue: string;
  /** Every queue of the cycle in order, repeats included (A → B → A is three stays). */
  queue_path: string[];
  transfers: number;
  /** Each stay the case was later transferred out of, with its wall-clock length. */
  wrong_queue_stays: WrongQueueStay[];
  cycle_started_at: Date;
  /** When it reached the final queue (the last transfer). */
  last_transfer_at: Date;
  /** Wall-clock seconds from the cycle's start to the last transfer: the time spent in wrong queues. */
  delay_actual_s: number;
  /** The same in business seconds of the final queue's calendar (the calendar its SLA clock counts). */
  delay_business_s: number | null;
  /** True while the case is still in its final queue's backlog. */
  is_open: boolean;
  /** The cycle's resolution SLA state and, when breached, what the breach is attributed to. */
  resolution_state: string | null;
  breach_attributed_to: string | null;
}

/**
 * Misrouting is read from int_case_queue_stays: a stay that ended in a transfer out was a wrong queue
 * (semantics: "time spent in a queue the case was later transferred out of"). The delay counts all of
 * that time, whatever the case was waiting on; case_sla's misrouting_business_s is the part of it not
 * spent waiting on a dependency, which is what SLA breach attribution uses.
 */
export const routing = defineModel({
  name: "routing",
  layer: "marts",
  grain: "one row per case per SLA cycle with at least one transfer out of a queue",
  dependsOn: ["int_case_queue_stays", "case_sla"],
  incremental: { key: "case_id" },
  build: ({ db, policy }) => {
    // The policy's calendars: business-time lookups run one calendar at a time (business-time-sql.ts).
    const calendars = Object.keys(policy.calendars);
    return (
      db
        // Most cycles never move: find the few that did first, then aggregate only their stays.
        .with("moved", (qb) =>
          qb
            .selectFrom("int_case_queue_stays")
            .where("exit_kind", "=", "transfer_out")
            .select(["case_id", "cycle"])
            .distinct(),
        )
        .with("cycles", (qb) =>
          qb
            .selectFrom("int_case_queue_stays as s")
            .innerJoin("moved as m", (join) => join.on(sameKeys("m", "s", CYCLE_KEY)))
            .groupBy(["s.case_id", "s.cycle"])
            .select([
              "s.case_id",
              "s.cycle",
              sql<string>`arg_min(s.queue, s.stay_seq)`.as("first_queue"),
              sql<string>`arg_max(s.queue, s.stay_seq)`.as("final_queue"),
              sql<string[]>`list(s.queue ORDER BY s.stay_seq)`.as("queue_path"),
              sql<number>`CAST(count(*) FILTER (WHERE s.exit_kind = 'transfer_out') AS INTEGER)`.as(
                "transfers",
              ),
              sql<unknown>`list(struct_pack(queue := s.queue,
                actual_s := CAST((epoch_us(s.left_at) - epoch_us(s.entered_at)) // 1000000 AS INTEGER))
              ORDER BY s.stay_seq) FILTER (WHERE s.exit_kind = 'transfer_out')`.as("wrong_queue_stays"),
              sql<Date>`min(s.cycle_started_at)`.as("cycle_started_at"),
              sql<Date>`max(s.left_at) FILTER (WHERE s.exit_kind = 'transfer_out')`.as("last_transfer_at"),
              sql<boolean>`bool_or(s.left_at IS NULL)`.as("is_open"),
            ]),
        )
        .with("calendared", (qb) =>
          qb
            .selectFrom("cycles as c")
            .leftJoin("policy_queues as q", "q.queue", "c.final_queue")
            .selectAll("c")
            .select("q.calendar"),
        )
        .with("timed", () =>
          businessSecondsBeforeLastTransfer({ from: "calendared", as: "delay_business_s", calendars }),
        )
        .selectFrom(
          sql<Omit<Routing, "delay_actual_s" | "resolution_state" | "breach_attributed_to">>`timed`.as("t"),
        )
        .leftJoin("case_sla as s", (join) =>
          join.on(sameKeys("s", "t", CYCLE_KEY)).on("s.metric", "=", "resolution"),
        )
        .select([
          "t.case_id",
          "t.cycle",
          "t.first_queue",
          "t.final_queue",
          "t.queue_path",
          "t.transfers",
          "t.wrong_queue_stays",
          "t.cycle_started_at",
          "t.last_transfer_at",
          sql<number>`(epoch_us(t.last_transfer_at) - epoch_us(t.cycle_started_at)) // 1000000`.as(
            "delay_actual_s",
          ),
          sql<number | null>`CAST(t.delay_business_s AS BIGINT)`.as("delay_business_s"),
          "t.is_open",
          "s.state as resolution_state",
          "s.breach_attributed_to",
        ])
    );
  },
  tests: [
    notNull(
      "case_id",
      "cycle",
      "first_queue",
      "final_queue",
      "transfers",
      "last_transfer_at",
      "delay_actual_s",
    ),
    unique("case_id", "cycle"),
    relationship("case_id", "stg_cases", "case_id"),
    invariant("a misrouted cycle has a transfer", "transfers >= 1 AND len(queue_path) = transfers + 1"),
    invariant(
      "delays are not negative",
      "delay_actual_s >= 0 AND (delay_business_s IS NULL OR delay_business_s >= 0)",
    ),
    invariant(
      "the wrong stays add up to the delay",
      // Stays are whole seconds each, so sub-second instants may leave a second per stay.
      "abs(list_sum(list_transform(wrong_queue_stays, w -> w.actual_s)) - delay_actual_s) <= transfers",
    ),
  ],
});
