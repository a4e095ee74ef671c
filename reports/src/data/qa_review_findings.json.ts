// Data loader: what the QA reviewers found (qa_review_findings): failed reviews and reviews naming an
// error, with the reviewer's comment and the case's disposition as written (shown as text, never HTML).
// Every finding with a comment, and per month and queue the lowest-scoring others (at most 10): what a
// governance owner reads, bounded however many reviews fail without a word. Columnar.
import { columnar, dataLoader } from "./read-mart.ts";

/** Findings without a comment shown per month and queue, lowest scores first. */
const UNCOMMENTED_PER_MONTH_AND_QUEUE = 10;

export default dataLoader(import.meta.url, async (mart) =>
  columnar(
    await mart.all(
      `SELECT f.review_id, f.case_id,
              strftime(timezone(b.reporting_time_zone, f.reviewed_at), '%Y-%m-%d') AS reviewed_on, f.month,
              f.queue, f.work_type, f.agent_id, f.reviewer_id, f.weighted_score, f.passed, f.error_type,
              f.comment, f.disposition_code
       FROM qa_review_findings f CROSS JOIN build_info b
       QUALIFY comment IS NOT NULL
            OR row_number() OVER (PARTITION BY month, queue, comment IS NULL
                                  ORDER BY weighted_score, review_id) <= $1
       ORDER BY f.weighted_score, f.reviewed_at, f.review_id`,
      [UNCOMMENTED_PER_MONTH_AND_QUEUE],
    ),
  ),
);
