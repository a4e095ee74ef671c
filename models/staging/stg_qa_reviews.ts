// One row per QA review, typed; the reviewer's comment with contact details replaced (free-text.ts).
import { sql } from "kysely";
import { QA_ERROR_TYPES } from "../../ingest/contracts/qa-reviews.ts";
import { acceptedValues, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { redactedText } from "../free-text.ts";
import { defineModel } from "../model.ts";

export interface StgQaReviews {
  review_id: string;
  case_id: string;
  reviewer_id: string;
  agent_id: string;
  reviewed_at: Date;
  calibration_session_id: string | null;
  order_accuracy: number;
  policy_adherence: number;
  documentation: number;
  disposition_accuracy: number;
  communication: number;
  data_handling: number;
  routing_correct: boolean | null;
  escalated_on_time: boolean | null;
  error_type: string | null;
  /** The reviewer's comment, contact details replaced; null when none or blank. */
  comment: string | null;
}

export const stgQaReviews = defineModel({
  name: "stg_qa_reviews",
  layer: "staging",
  grain: "one row per QA review",
  dependsOn: ["stg_cases"],
  build: ({ db }) =>
    db
      .selectFrom("raw.qa_reviews")
      .select([
        "review_id",
        "case_id",
        "reviewer_id",
        "agent_id",
        "reviewed_at",
        "calibration_session_id",
        "order_accuracy",
        "policy_adherence",
        "documentation",
        "disposition_accuracy",
        "communication",
        "data_handling",
        "routing_correct",
        "escalated_on_time",
        "error_type",
        redactedText(sql.ref("comment")).as("comment"),
      ]),
  tests: [
    notNull("review_id", "case_id", "reviewer_id", "agent_id", "reviewed_at"),
    unique("review_id"),
    acceptedValues("error_type", QA_ERROR_TYPES),
    relationship("case_id", "stg_cases", "case_id"),
    invariant(
      "scores within 0–100",
      "least(order_accuracy, policy_adherence, documentation, disposition_accuracy, communication, data_handling) >= 0 AND greatest(order_accuracy, policy_adherence, documentation, disposition_accuracy, communication, data_handling) <= 100",
    ),
  ],
});
