// Data loader: QA calibration (qa_calibration mart) — agreement per dimension per month (alpha, ICC,
// between-reviewer variance) and per session, and each reviewer's deviation from the consensus by month
// (reviewers by id only).
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) => ({
  dimensions: await mart.all(`
    SELECT grain, month, session_id, dimension, sessions, reviewers, units, ratings, krippendorff_alpha,
           alpha_undefined_reason, icc2_1, icc_undefined_reason, between_reviewer_variance,
           max_abs_deviation, tolerance, reviewers_outside_tolerance_count
    FROM qa_calibration ORDER BY grain, month, session_id, dimension`),
  deviations: columnar(
    await mart.all(`
    SELECT c.month, c.dimension, d.reviewer_id, d.scores_given, d.units_compared, d.mean_score,
           d.mean_deviation, d.outside_tolerance
    FROM qa_calibration c, unnest(c.reviewer_deviations) AS u(d)
    WHERE c.grain = 'month'
    ORDER BY c.month, c.dimension, d.reviewer_id`),
  ),
}));
