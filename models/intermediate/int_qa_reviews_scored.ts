// One row per QA review, scored: the policy-weighted score, pass or fail, and the reviewed case's queue,
// work type and month, shared by the scorecard, coverage and calibration marts.
import { sql } from "kysely";
import { QA_DIMENSIONS } from "../../ingest/contracts/qa-reviews.ts";
import { reportMonth } from "../calendar/report-periods.ts";
import { custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";
import type { Policy } from "../policy/schema.ts";

export type QaDimension = (typeof QA_DIMENSIONS)[number];

export type IntQaReviewsScored = Record<QaDimension, number> & {
  review_id: string;
  case_id: string;
  reviewer_id: string;
  agent_id: string;
  /** The agent's team on the roster (null when the agent is not on it). */
  team: string | null;
  reviewed_at: Date;
  /** Month of reviewed_at in the reporting time zone, YYYY-MM. */
  month: string;
  calibration_session_id: string | null;
  queue: string;
  work_type: string;
  /** Σ weight × dimension score, the policy's weights (they add up to 1): a weighted mean on 0–100. */
  weighted_score: number;
  /** weighted_score ≥ the policy's pass mark. */
  passed: boolean;
  routing_correct: boolean | null;
  escalated_on_time: boolean | null;
  error_type: string | null;
};

/**
 * Σ weight × score over the six dimensions, every weight a bound parameter; rounded to 6 decimals so
 * that floating-point error (weights such as 0.1 are not exact) never moves a review across the pass mark.
 */
export function weightedScore(policy: Policy, prefix = "") {
  return sql<number>`round(${sql.join(
    QA_DIMENSIONS.map(
      (dimension) => sql`${sql.ref(`${prefix}${dimension}`)} * ${policy.qa.weights[dimension]}`,
    ),
    sql` + `,
  )}, 6)`;
}

export const intQaReviewsScored = defineModel({
  name: "int_qa_reviews_scored",
  layer: "intermediate",
  grain: "one row per QA review",
  dependsOn: ["stg_qa_reviews", "stg_cases", "stg_agents"],
  build: ({ db, policy, reportingTimeZone }) =>
    db
      .with("scored", (qb) =>
        qb
          .selectFrom("stg_qa_reviews as r")
          .innerJoin("stg_cases as c", "c.case_id", "r.case_id")
          .leftJoin("stg_agents as a", "a.agent_id", "r.agent_id")
          .select([
            "r.review_id",
            "r.case_id",
            "r.reviewer_id",
            "r.agent_id",
            "a.team",
            "r.reviewed_at",
            reportMonth(sql.ref("r.reviewed_at"), reportingTimeZone).as("month"),
            "r.calibration_session_id",
            "c.queue",
            "c.work_type",
            ...QA_DIMENSIONS.map((dimension) => sql.ref<number>(`r.${dimension}`).as(dimension)),
            weightedScore(policy, "r.").as("weighted_score"),
            "r.routing_correct",
            "r.escalated_on_time",
            "r.error_type",
          ]),
      )
      .selectFrom("scored")
      .selectAll()
      .select(sql<boolean>`weighted_score >= ${policy.qa.pass_mark}`.as("passed")),
  tests: [
    notNull(
      "review_id",
      "case_id",
      "reviewer_id",
      "agent_id",
      "month",
      "queue",
      "work_type",
      "weighted_score",
    ),
    unique("review_id"),
    relationship("review_id", "stg_qa_reviews", "review_id"),
    // Rounding can carry a weighted mean of in-range scores a hair past the range's edges.
    invariant("weighted score within 0–100", "weighted_score BETWEEN -1e-9 AND 100 + 1e-9"),
    custom(
      "every review of a known case is scored",
      (t) => `SELECT r.review_id FROM stg_qa_reviews r JOIN stg_cases c USING (case_id)
        WHERE r.review_id NOT IN (SELECT review_id FROM ${t})`,
    ),
  ],
});
