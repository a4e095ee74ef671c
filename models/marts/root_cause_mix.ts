// One row per month per queue per root cause (months in the reporting time zone, by when the case was
// opened): the case mix by cause, with agent error, unclear policy, system defect and upstream data kept
// apart, and cases with no cause recorded yet counted as `unassigned`.
import { sql } from "kysely";
import { QUEUES, ROOT_CAUSES } from "../../ingest/contracts/cases.ts";
import { reportMonth } from "../calendar/report-periods.ts";
import { acceptedValues, custom, invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export const UNASSIGNED_ROOT_CAUSE = "unassigned";

export interface RootCauseMix {
  month: string;
  queue: string;
  /** A contract root cause, or `unassigned` when the case records none. */
  root_cause: string;
  /** Cases opened in the month in the queue with this root cause. */
  cases: number;
  /** Of those, cases completed (resolved or closed) by the data's as-of time. */
  completed_cases: number;
  orders_affected: number;
  /** cases ÷ all cases the queue opened in the month (unassigned included). */
  share: number;
}

export const rootCauseMix = defineModel({
  name: "root_cause_mix",
  layer: "marts",
  grain: "one row per month per queue per root cause",
  dependsOn: ["stg_cases"],
  build: ({ db, reportingTimeZone }) =>
    db
      .with("case_causes", (qb) =>
        qb
          .selectFrom("stg_cases")
          .select([
            reportMonth(sql.ref("opened_at"), reportingTimeZone).as("month"),
            "queue",
            sql<string>`coalesce(root_cause, ${UNASSIGNED_ROOT_CAUSE})`.as("root_cause"),
            "order_id",
            "exit_kind",
          ]),
      )
      .with("mix", (qb) =>
        qb
          .selectFrom("case_causes")
          .groupBy(["month", "queue", "root_cause"])
          .select([
            "month",
            "queue",
            "root_cause",
            sql<number>`CAST(count(*) AS BIGINT)`.as("cases"),
            sql<number>`CAST(count(*) FILTER (WHERE exit_kind = 'completed') AS BIGINT)`.as(
              "completed_cases",
            ),
            sql<number>`CAST(count(DISTINCT order_id) AS BIGINT)`.as("orders_affected"),
          ]),
      )
      .selectFrom("mix")
      .selectAll()
      .select(sql<number>`CAST(cases AS DOUBLE) / sum(cases) OVER (PARTITION BY month, queue)`.as("share"))
      .orderBy("month")
      .orderBy("queue")
      .orderBy("cases", "desc")
      .orderBy("root_cause"),
  tests: [
    notNull("month", "queue", "root_cause", "cases", "share"),
    unique("month", "queue", "root_cause"),
    acceptedValues("queue", QUEUES),
    acceptedValues("root_cause", [...ROOT_CAUSES, UNASSIGNED_ROOT_CAUSE]),
    invariant("counts", "cases > 0 AND completed_cases <= cases AND orders_affected <= cases"),
    custom(
      "shares of a queue's month add up to 1",
      (t) =>
        `SELECT month, queue, sum(share) AS total FROM ${t} GROUP BY month, queue HAVING abs(sum(share) - 1) > 1e-9`,
    ),
    custom(
      "cases add up to the cases in stg_cases",
      (t) => `SELECT * FROM (SELECT (SELECT coalesce(sum(cases), 0) FROM ${t}) AS in_mart,
        (SELECT count(*) FROM stg_cases) AS in_source) WHERE in_mart <> in_source`,
    ),
  ],
});
