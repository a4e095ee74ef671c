// One row per QA review outside calibration sessions that failed the pass mark or recorded an error: what
// the reviewer found, in their own words (the review's comment), beside the disposition the reviewed case
// was closed with. Reviewers and agents appear by id only.
import { sql } from "kysely";
import { CASE_STATUSES } from "../../ingest/contracts/cases.ts";
import { QA_ERROR_TYPES } from "../../ingest/contracts/qa-reviews.ts";
import { acceptedValues, custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import type { IntQaReviewsScored } from "../intermediate/int_qa_reviews_scored.ts";
import { defineModel } from "../model.ts";

/** The scored review's own fields (int_qa_reviews_scored), then what the reviewer and the case say. */
export type QaReviewFindings = Pick<
  IntQaReviewsScored,
  | "review_id"
  | "case_id"
  | "reviewer_id"
  | "agent_id"
  | "team"
  | "reviewed_at"
  | "month"
  | "queue"
  | "work_type"
  | "weighted_score"
  | "passed"
  | "error_type"
> & {
  /** The reviewer's comment as written, contact details replaced (models/free-text.ts); null when none. */
  comment: string | null;
  /** The reviewed case's disposition code as the case tool reports it, contact details replaced. */
  disposition_code: string | null;
  /** The reviewed case's status now. */
  case_status: string;
};

/** A review is a finding when it failed, or when it names an error (any error type but `none`). */
const IS_FINDING = "NOT passed OR coalesce(error_type, 'none') <> 'none'";

export const qaReviewFindings = defineModel({
  name: "qa_review_findings",
  layer: "marts",
  grain: "one row per QA review outside calibration sessions that failed or recorded an error",
  dependsOn: ["int_qa_reviews_scored", "stg_qa_reviews", "stg_cases"],
  build: ({ db }) =>
    db
      .with("findings", (qb) =>
        qb
          .selectFrom("int_qa_reviews_scored")
          // Calibration reviews score the reviewers, not the agent's work (as on the scorecard).
          .where("calibration_session_id", "is", null)
          .where(sql<boolean>`(${sql.raw(IS_FINDING)})`)
          .selectAll(),
      )
      .selectFrom("findings as f")
      .innerJoin("stg_cases as c", "c.case_id", "f.case_id")
      .innerJoin("stg_qa_reviews as r", "r.review_id", "f.review_id")
      .select([
        "f.review_id",
        "f.case_id",
        "f.reviewer_id",
        "f.agent_id",
        "f.team",
        "f.reviewed_at",
        "f.month",
        "f.queue",
        "f.work_type",
        "f.weighted_score",
        "f.passed",
        "f.error_type",
        "r.comment",
        "c.disposition_code",
        sql<string>`c.status`.as("case_status"),
      ])
      .orderBy("f.weighted_score")
      .orderBy("f.reviewed_at")
      .orderBy("f.review_id"),
  tests: [
    notNull(
      "review_id",
      "case_id",
      "reviewer_id",
      "agent_id",
      "reviewed_at",
      "month",
      "queue",
      "work_type",
      "weighted_score",
      "passed",
      "case_status",
    ),
    unique("review_id"),
    relationship("review_id", "int_qa_reviews_scored", "review_id"),
    acceptedValues("error_type", QA_ERROR_TYPES),
    acceptedValues("case_status", CASE_STATUSES),
    invariant("a finding failed or recorded an error", IS_FINDING),
    invariant("weighted score within 0–100", "weighted_score BETWEEN -1e-9 AND 100 + 1e-9"),
    custom(
      "every failed or erroneous review outside calibration sessions is here",
      (t) => `SELECT review_id FROM int_qa_reviews_scored
        WHERE calibration_session_id IS NULL AND (${IS_FINDING})
          AND review_id NOT IN (SELECT review_id FROM ${t})`,
    ),
  ],
});
