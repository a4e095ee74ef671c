// One row per work type per month (months in the reporting time zone, by when the case was completed):
// how much of the completed work got a QA review, against the policy's sampling target.
import { sql } from "kysely";
import { WORK_TYPES } from "../../ingest/contracts/cases.ts";
import { reportMonth } from "../calendar/report-periods.ts";
import { acceptedValues, custom, invariant, notNull, unique } from "../data-tests.ts";
import { jsonRows } from "../json-rows.ts";
import { defineModel } from "../model.ts";

export interface QaCoverage {
  month: string;
  work_type: string;
  /** Cases of the work type completed (resolved or closed) in the month. */
  completed_cases: number;
  /** Of those, cases with at least one QA review outside calibration sessions (reviewed at any time). */
  reviewed_cases: number;
  /** QA reviews outside calibration sessions of those cases. */
  reviews: number;
  /** reviewed_cases ÷ completed_cases; null when nothing was completed. */
  coverage: number | null;
  /** The policy's sampling target for the work type (a share). */
  target: number;
  /** coverage − target; null when coverage is. */
  gap: number | null;
  /** coverage ≥ target (null when nothing was completed). */
  meets_target: boolean | null;
  /** More cases that would have to be reviewed to reach the target (0 when it is met). */
  reviews_short: number;
}

export const qaCoverage = defineModel({
  name: "qa_coverage",
  layer: "marts",
  grain: "one row per work type per month of completion",
  dependsOn: ["stg_cases", "int_qa_reviews_scored"],
  build: ({ db, policy, reportingTimeZone }) =>
    db
      .with("targets", () =>
        jsonRows<{ work_type: string; target: number }>(
          [
            ["work_type", "VARCHAR"],
            ["target", "DOUBLE"],
          ],
          WORK_TYPES.map((work_type) => ({ work_type, target: policy.qa.sampling[work_type] ?? 0 })),
        ),
      )
      .with("reviews_per_case", (qb) =>
        qb
          .selectFrom("int_qa_reviews_scored")
          // Calibration reviews are extra looks at cases already sampled: they are not sampling.
          .where("calibration_session_id", "is", null)
          .groupBy("case_id")
          .select(["case_id", sql<number>`count(*)`.as("reviews")]),
      )
      .with("completed", (qb) =>
        qb
          .selectFrom("stg_cases as c")
          .leftJoin("reviews_per_case as r", "r.case_id", "c.case_id")
          .where("c.exit_kind", "=", "completed")
          .select([
            reportMonth(sql.ref("c.exit_at"), reportingTimeZone).as("month"),
            "c.work_type",
            sql<number>`coalesce(r.reviews, 0)`.as("reviews"),
          ]),
      )
      .with("monthly", (qb) =>
        qb
          .selectFrom("completed")
          .groupBy(["month", "work_type"])
          .select([
            "month",
            "work_type",
            sql<number>`CAST(count(*) AS BIGINT)`.as("completed_cases"),
            sql<number>`CAST(count(*) FILTER (WHERE reviews > 0) AS BIGINT)`.as("reviewed_cases"),
            sql<number>`CAST(sum(reviews) AS BIGINT)`.as("reviews"),
          ]),
      )
      // Every work type in every month with completions, so a work type nobody sampled shows as 0%.
      .with("spine", (qb) =>
        qb
          .selectFrom(qb.selectFrom("monthly").select("month").distinct().as("months"))
          .crossJoin("targets")
          .select(["months.month", "targets.work_type", "targets.target"]),
      )
      .with("covered", (qb) =>
        qb
          .selectFrom("spine as s")
          .leftJoin("monthly as m", (join) =>
            join.onRef("m.month", "=", "s.month").onRef("m.work_type", "=", "s.work_type"),
          )
          .select([
            "s.month",
            "s.work_type",
            sql<number>`coalesce(m.completed_cases, 0)`.as("completed_cases"),
            sql<number>`coalesce(m.reviewed_cases, 0)`.as("reviewed_cases"),
            sql<number>`coalesce(m.reviews, 0)`.as("reviews"),
            "s.target",
          ]),
      )
      .selectFrom("covered")
      .select([
        "month",
        "work_type",
        "completed_cases",
        "reviewed_cases",
        "reviews",
        sql<number | null>`CAST(reviewed_cases AS DOUBLE) / nullif(completed_cases, 0)`.as("coverage"),
        "target",
        sql<number | null>`CAST(reviewed_cases AS DOUBLE) / nullif(completed_cases, 0) - target`.as("gap"),
        sql<boolean | null>`CAST(reviewed_cases AS DOUBLE) / nullif(completed_cases, 0) >= target`.as(
          "meets_target",
        ),
        // Rounded up: a target of 2% on 120 cases asks for 3 reviews, not 2.4.
        sql<number>`CAST(greatest(ceil(target * completed_cases - 1e-9) - reviewed_cases, 0) AS BIGINT)`.as(
          "reviews_short",
        ),
      ])
      .orderBy("month")
      .orderBy("work_type"),
  tests: [
    notNull("month", "work_type", "completed_cases", "reviewed_cases", "reviews", "target", "reviews_short"),
    unique("month", "work_type"),
    acceptedValues("work_type", WORK_TYPES),
    invariant(
      "reviewed_cases ≤ completed_cases",
      "reviewed_cases <= completed_cases AND reviewed_cases <= reviews",
    ),
    invariant("coverage is a share", "coverage IS NULL OR coverage BETWEEN 0 AND 1"),
    invariant("met targets leave nothing short", "meets_target IS NOT TRUE OR reviews_short = 0"),
    custom(
      "completed cases add up to the completed cases in stg_cases",
      (t) => `SELECT * FROM (SELECT (SELECT coalesce(sum(completed_cases), 0) FROM ${t}) AS in_mart,
        (SELECT count(*) FROM stg_cases WHERE exit_kind = 'completed') AS in_source) WHERE in_mart <> in_source`,
    ),
  ],
});
