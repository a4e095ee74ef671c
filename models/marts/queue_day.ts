// One row per queue per day (days counted in the reporting time zone): flow in, flow out, and what is left.
import { sql } from "kysely";
import { custom, invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface QueueDay {
  queue: string;
  day: string;
  /** Cases open in the queue at the start of the day. */
  open_start: number;
  /** Cases that entered the queue this day. */
  receipts: number;
  /** Cases that left it resolved or closed this day. */
  completions: number;
  /** Cases that left it cancelled this day. */
  cancellations: number;
  /** Cases still open at the end of the day. */
  carryover: number;
  /** Cases of the day's opening backlog that left the queue this day. */
  recovered: number;
  /** recovered ÷ open_start (null when nothing was open at the start of the day). */
  recovery_rate: number | null;
}

/**
 * Flow is counted from two events per case (entry, exit) and accumulated, so the model costs one pass
 * over the cases whatever the number of days; the data tests then check the result against the cases
 * directly.
 */
export const queueDay = defineModel({
  name: "queue_day",
  layer: "marts",
  grain: "one row per queue per day",
  dependsOn: ["stg_cases"],
  build: ({ db, reportingTimeZone }) =>
    db
      .with("case_days", (qb) =>
        qb
          .selectFrom("stg_cases")
          .select([
            "case_id",
            "queue",
            "exit_kind",
            sql<string>`CAST(timezone(${reportingTimeZone}, opened_at) AS DATE)`.as("opened_day"),
            sql<string | null>`CAST(timezone(${reportingTimeZone}, exit_at) AS DATE)`.as("exit_day"),
          ]),
      )
      .with("flows", (qb) =>
        qb
          .selectFrom("case_days")
          .select([
            "queue",
            "opened_day as day",
            sql<number>`1`.as("receipt"),
            sql<number>`0`.as("completion"),
            sql<number>`0`.as("cancellation"),
            sql<number>`0`.as("recovered"),
          ])
          .unionAll(
            qb
              .selectFrom("case_days")
              .where("exit_day", "is not", null)
              .select([
                "queue",
                sql<string>`exit_day`.as("day"),
                sql<number>`0`.as("receipt"),
                sql<number>`CAST(exit_kind = 'completed' AS INTEGER)`.as("completion"),
                sql<number>`CAST(exit_kind = 'cancelled' AS INTEGER)`.as("cancellation"),
                // Left on a later day than it arrived: it was part of that day's opening backlog.
                sql<number>`CAST(exit_day > opened_day AS INTEGER)`.as("recovered"),
              ]),
          ),
      )
      .with("daily", (qb) =>
        qb
          .selectFrom("flows")
          .groupBy(["queue", "day"])
          .select([
            "queue",
            "day",
            sql<number>`sum(receipt)`.as("receipts"),
            sql<number>`sum(completion)`.as("completions"),
            sql<number>`sum(cancellation)`.as("cancellations"),
            sql<number>`sum(recovered)`.as("recovered"),
          ]),
      )
      .with("calendar", (qb) =>
        qb
          .selectFrom("flows")
          .select(
            sql<string>`CAST(unnest(generate_series(min(day), max(day), INTERVAL 1 DAY)) AS DATE)`.as("day"),
          ),
      )
      .with("spine", (qb) =>
        qb
          .selectFrom(qb.selectFrom("case_days").select("queue").distinct().as("queues"))
          .crossJoin("calendar")
          .select(["queues.queue", "calendar.day"]),
      )
      .with("accumulated", (qb) =>
        qb
          .selectFrom("spine")
          .leftJoin("daily", (join) =>
            join.onRef("daily.queue", "=", "spine.queue").onRef("daily.day", "=", "spine.day"),
          )
          .select([
            "spine.queue",
            "spine.day",
            sql<number>`CAST(coalesce(daily.receipts, 0) AS BIGINT)`.as("receipts"),
            sql<number>`CAST(coalesce(daily.completions, 0) AS BIGINT)`.as("completions"),
            sql<number>`CAST(coalesce(daily.cancellations, 0) AS BIGINT)`.as("cancellations"),
            sql<number>`CAST(coalesce(daily.recovered, 0) AS BIGINT)`.as("recovered"),
            sql<number>`CAST(sum(coalesce(daily.receipts, 0) - coalesce(daily.completions, 0) - coalesce(daily.cancellations, 0))
              OVER (PARTITION BY spine.queue ORDER BY spine.day ROWS UNBOUNDED PRECEDING) AS BIGINT)`.as(
              "carryover",
            ),
          ]),
      )
      .selectFrom("accumulated")
      .select([
        "queue",
        "day",
        sql<number>`carryover - receipts + completions + cancellations`.as("open_start"),
        "receipts",
        "completions",
        "cancellations",
        "carryover",
        "recovered",
        sql<number | null>`CASE WHEN carryover - receipts + completions + cancellations > 0
          THEN recovered / (carryover - receipts + completions + cancellations) END`.as("recovery_rate"),
      ])
      .orderBy("queue")
      .orderBy("day"),
  tests: [
    notNull("queue", "day", "open_start", "receipts", "completions", "carryover"),
    unique("queue", "day"),
    invariant(
      "counts are not negative",
      "open_start >= 0 AND receipts >= 0 AND completions >= 0 AND carryover >= 0",
    ),
    invariant(
      "flow conservation: open_start + receipts - completions - cancellations = carryover",
      "open_start + receipts - completions - cancellations = carryover",
    ),
    invariant("completions <= receipts + open_start", "completions + cancellations <= receipts + open_start"),
    invariant("recovered <= open_start", "recovered <= open_start"),
    custom(
      "each day opens with the previous day's carryover",
      (
        t,
      ) => `SELECT * FROM (SELECT queue, day, open_start, lag(carryover) OVER (PARTITION BY queue ORDER BY day) AS previous_carryover
        FROM ${t}) WHERE previous_carryover IS NOT NULL AND previous_carryover <> open_start`,
    ),
    custom(
      "last day's carryover equals the cases still open in stg_cases",
      (t) => `WITH last AS (SELECT queue, carryover FROM ${t} QUALIFY day = max(day) OVER ()),
        open_cases AS (SELECT queue, count(*) AS still_open FROM stg_cases WHERE exit_at IS NULL GROUP BY queue)
        SELECT l.queue, l.carryover, coalesce(o.still_open, 0) AS still_open FROM last l
        LEFT JOIN open_cases o USING (queue) WHERE l.carryover <> coalesce(o.still_open, 0)`,
    ),
  ],
});
