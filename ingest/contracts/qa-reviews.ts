import { z } from "zod";
import { decimal, described, flag, id, oneOf, optional, text, timestamp } from "./fields.ts";

export const QA_DIMENSIONS = [
  "order_accuracy",
  "policy_adherence",
  "documentation",
  "disposition_accuracy",
  "communication",
  "data_handling",
] as const;

export const QA_ERROR_TYPES = [
  "agent_error",
  "unclear_policy",
  "system_defect",
  "upstream_data",
  "none",
] as const;

const score = () => decimal().min(0).max(100);

/** One quality review of one case's handling by one reviewer (snapshot). */
export const QaReview = z.object({
  review_id: id(),
  case_id: id(),
  reviewer_id: id(),
  agent_id: id(),
  reviewed_at: timestamp(),
  calibration_session_id: optional(described(id(), "set when several reviewers score the same case")),
  order_accuracy: score(),
  policy_adherence: score(),
  documentation: score(),
  disposition_accuracy: score(),
  communication: score(),
  data_handling: score(),
  routing_correct: optional(flag()),
  escalated_on_time: optional(flag()),
  error_type: optional(oneOf(QA_ERROR_TYPES)),
  comment: optional(text()),
});
export type QaReview = z.infer<typeof QaReview>;
