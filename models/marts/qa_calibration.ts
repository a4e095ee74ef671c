// One row per scorecard dimension per calibration session, and one per dimension per month (grain column
// `session` or `month`; months in the reporting time zone, a session belonging to the month of its first
// review): how far reviewers who scored the same cases agree.
import { sql } from "kysely";
import { QA_DIMENSIONS } from "../../ingest/contracts/qa-reviews.ts";
import { reportMonth } from "../calendar/report-periods.ts";
import { acceptedValues, custom, invariant, notNull, unique } from "../data-tests.ts";
import { type ColumnDefinition, defineComputedModel, type ModelContext } from "../model.ts";
import { intraclassCorrelations } from "../stats/icc.ts";
import { krippendorffAlpha } from "../stats/krippendorff-alpha.ts";
import {
  betweenReviewerVariance,
  reviewerDeviations,
  reviewersOutsideTolerance,
} from "../stats/rater-deviation.ts";

/** The six scorecard dimensions and the weighted score, each calibrated on its own. */
export const CALIBRATION_DIMENSIONS = [...QA_DIMENSIONS, "weighted_score"] as const;
export type CalibrationDimension = (typeof CALIBRATION_DIMENSIONS)[number];

export const CALIBRATION_GRAINS = ["session", "month"] as const;

export interface ReviewerDeviationRow {
  reviewer_id: string;
  scores_given: number;
  /** Cases the reviewer scored together with at least one other reviewer. */
  units_compared: number;
  mean_score: number | null;
  /** Mean of (own score − mean of the other reviewers' scores on the case); positive: more lenient. */
  mean_deviation: number | null;
  /** |mean_deviation| > the policy's calibration_tolerance. */
  outside_tolerance: boolean;
}

export interface QaCalibration {
  grain: (typeof CALIBRATION_GRAINS)[number];
  month: string;
  /** The session (grain session); null on month rows. */
  session_id: string | null;
  dimension: CalibrationDimension;
  sessions: number;
  /** Reviewers with at least one score. */
  reviewers: number;
  /** Cases scored (a case scored in two sessions of a month counts twice on the month row). */
  units: number;
  ratings: number;
  /** Krippendorff's alpha, interval metric, missing ratings allowed; null when undefined (see reason). */
  krippendorff_alpha: number | null;
  alpha_pairable_values: number;
  alpha_undefined_reason: string | null;
  /** ICC(2,1) (Shrout & Fleiss) after dropping reviewers with no score, then cases with any missing score. */
  icc2_1: number | null;
  icc_units_used: number;
  icc_reviewers_used: number;
  icc_undefined_reason: string | null;
  /** Sample variance of the reviewers' mean scores; null with fewer than 2 reviewers. */
  between_reviewer_variance: number | null;
  /** Largest |mean deviation| of a reviewer. */
  max_abs_deviation: number | null;
  /** The policy's calibration_tolerance, in points. */
  tolerance: number;
  reviewers_outside_tolerance: string[];
  reviewers_outside_tolerance_count: number;
  reviewer_deviations: ReviewerDeviationRow[];
}

const COLUMNS: readonly ColumnDefinition[] = [
  ["grain", "VARCHAR"],
  ["month", "VARCHAR"],
  ["session_id", "VARCHAR"],
  ["dimension", "VARCHAR"],
  ["sessions", "INTEGER"],
  ["reviewers", "INTEGER"],
  ["units", "INTEGER"],
  ["ratings", "INTEGER"],
  ["krippendorff_alpha", "DOUBLE"],
  ["alpha_pairable_values", "INTEGER"],
  ["alpha_undefined_reason", "VARCHAR"],
  ["icc2_1", "DOUBLE"],
  ["icc_units_used", "INTEGER"],
  ["icc_reviewers_used", "INTEGER"],
  ["icc_undefined_reason", "VARCHAR"],
  ["between_reviewer_variance", "DOUBLE"],
  ["max_abs_deviation", "DOUBLE"],
  ["tolerance", "DOUBLE"],
  ["reviewers_outside_tolerance", "VARCHAR[]"],
  ["reviewers_outside_tolerance_count", "INTEGER"],
  [
    "reviewer_deviations",
    "STRUCT(reviewer_id VARCHAR, scores_given INTEGER, units_compared INTEGER, mean_score DOUBLE, mean_deviation DOUBLE, outside_tolerance BOOLEAN)[]",
  ],
];

/** One reviewer's scores of one case in one session. */
interface Rating {
  session_id: string;
  month: string;
  case_id: string;
  reviewer_id: string;
  scores: Record<CalibrationDimension, number>;
}

/** The calibration reviews, one per session × case × reviewer (a re-scored case keeps its latest review). */
async function calibrationRatings({ db, reportingTimeZone }: ModelContext): Promise<Rating[]> {
  const rows = await db
    .with("ranked", (qb) =>
      qb
        .selectFrom("int_qa_reviews_scored")
        .where("calibration_session_id", "is not", null)
        .selectAll()
        .select([
          sql<number>`row_number() OVER (PARTITION BY calibration_session_id, case_id, reviewer_id
            ORDER BY reviewed_at DESC, review_id DESC)`.as("newest_first"),
          sql<Date>`min(reviewed_at) OVER (PARTITION BY calibration_session_id)`.as("session_started_at"),
        ]),
    )
    .selectFrom("ranked")
    .where("newest_first", "=", 1)
    .select([
      sql<string>`calibration_session_id`.as("session_id"),
      reportMonth(sql.ref("session_started_at"), reportingTimeZone).as("month"),
      "case_id",
      "reviewer_id",
      ...CALIBRATION_DIMENSIONS.map((dimension) => sql.ref<number>(dimension).as(dimension)),
    ])
    .orderBy("session_id")
    .orderBy("case_id")
    .orderBy("reviewer_id")
    .execute();
  return rows.map((row) => ({
    session_id: row.session_id,
    month: row.month,
    case_id: row.case_id,
    reviewer_id: row.reviewer_id,
    scores: Object.fromEntries(
      CALIBRATION_DIMENSIONS.map((dimension) => [
        dimension,
        Number((row as Record<string, unknown>)[dimension]),
      ]),
    ) as Record<CalibrationDimension, number>,
  }));
}

/** A units × reviewers matrix of one dimension (null: the reviewer did not score the unit). */
function ratingMatrix(
  ratings: readonly Rating[],
  unitOf: (rating: Rating) => string,
  dimension: CalibrationDimension,
): { matrix: (number | null)[][]; reviewers: string[]; units: number } {
  const units = [...new Set(ratings.map(unitOf))].sort();
  const reviewers = [...new Set(ratings.map((r) => r.reviewer_id))].sort();
  const unitIndex = new Map(units.map((unit, i) => [unit, i]));
  const reviewerIndex = new Map(reviewers.map((reviewer, i) => [reviewer, i]));
  const matrix = units.map(() => reviewers.map((): number | null => null));
  for (const rating of ratings) {
    const row = matrix[unitIndex.get(unitOf(rating)) as number] as (number | null)[];
    row[reviewerIndex.get(rating.reviewer_id) as number] = rating.scores[dimension];
  }
  return { matrix, reviewers, units: units.length };
}

/** Every statistic of one dimension's matrix, as a row of the mart (less the row's identity). */
function calibrationStatistics(
  ratings: readonly Rating[],
  unitOf: (rating: Rating) => string,
  dimension: CalibrationDimension,
  tolerance: number,
) {
  const { matrix, reviewers, units } = ratingMatrix(ratings, unitOf, dimension);
  const alpha = krippendorffAlpha(matrix, "interval");
  const icc = intraclassCorrelations(matrix);
  const icc2_1 = icc.reason === null ? icc.icc.icc2_1 : null;
  const deviations = reviewerDeviations(matrix);
  const variance = betweenReviewerVariance(deviations);
  const outside = new Set(reviewersOutsideTolerance(deviations, tolerance).map((d) => d.reviewer));
  const reviewerRows: ReviewerDeviationRow[] = deviations.map((d) => ({
    reviewer_id: reviewers[d.reviewer] as string,
    scores_given: d.scoresGiven,
    units_compared: d.unitsCompared,
    mean_score: d.meanScore,
    mean_deviation: d.meanDeviation,
    outside_tolerance: outside.has(d.reviewer),
  }));
  const absDeviations = deviations.flatMap((d) =>
    d.meanDeviation === null ? [] : [Math.abs(d.meanDeviation)],
  );
  return {
    reviewers: deviations.filter((d) => d.scoresGiven > 0).length,
    units,
    ratings: ratings.length,
    krippendorff_alpha: alpha.alpha,
    alpha_pairable_values: alpha.pairableValues,
    alpha_undefined_reason: alpha.reason,
    icc2_1,
    icc_units_used: icc.targetsUsed,
    icc_reviewers_used: icc.judgesUsed,
    icc_undefined_reason: icc.reason ?? (icc2_1 === null ? "zero_denominator" : null),
    between_reviewer_variance: variance.variance,
    max_abs_deviation: absDeviations.length > 0 ? Math.max(...absDeviations) : null,
    tolerance,
    reviewers_outside_tolerance: reviewerRows.filter((r) => r.outside_tolerance).map((r) => r.reviewer_id),
    reviewers_outside_tolerance_count: outside.size,
    reviewer_deviations: reviewerRows,
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const qaCalibration = defineComputedModel({
  name: "qa_calibration",
  layer: "marts",
  grain: "one row per dimension per calibration session (grain = session) and per month (grain = month)",
  dependsOn: ["int_qa_reviews_scored"],
  columns: COLUMNS,
  compute: async (context) => {
    const tolerance = context.policy.qa.calibration_tolerance;
    const ratings = await calibrationRatings(context);
    const rows: QaCalibration[] = [];
    // A month pools its sessions: a unit is one case in one session, so the same case calibrated in
    // two sessions stays two units, and each unit's consensus is that session's other reviewers.
    for (const [month, monthRatings] of groupBy(ratings, (r) => r.month)) {
      const sessions = groupBy(monthRatings, (r) => r.session_id);
      for (const dimension of CALIBRATION_DIMENSIONS) {
        rows.push({
          grain: "month",
          month,
          session_id: null,
          dimension,
          sessions: sessions.size,
          ...calibrationStatistics(
            monthRatings,
            (r) => `${r.session_id}\u0000${r.case_id}`,
            dimension,
            tolerance,
          ),
        });
      }
      for (const [session_id, sessionRatings] of sessions) {
        for (const dimension of CALIBRATION_DIMENSIONS) {
          rows.push({
            grain: "session",
            month,
            session_id,
            dimension,
            sessions: 1,
            ...calibrationStatistics(sessionRatings, (r) => r.case_id, dimension, tolerance),
          });
        }
      }
    }
    return rows;
  },
  tests: [
    notNull("grain", "month", "dimension", "sessions", "reviewers", "units", "ratings", "tolerance"),
    unique("grain", "month", "session_id", "dimension"),
    acceptedValues("grain", CALIBRATION_GRAINS),
    acceptedValues("dimension", CALIBRATION_DIMENSIONS),
    invariant(
      "session rows name their session, month rows none",
      "(grain = 'session') = (session_id IS NOT NULL)",
    ),
    invariant(
      "coefficients are at most 1",
      "coalesce(krippendorff_alpha, 0) <= 1 + 1e-9 AND coalesce(icc2_1, 0) <= 1 + 1e-9",
    ),
    invariant("variance is not negative", "coalesce(between_reviewer_variance, 0) >= 0"),
    invariant(
      "outside-tolerance reviewers are listed",
      "reviewers_outside_tolerance_count = len(reviewers_outside_tolerance) AND reviewers_outside_tolerance_count <= reviewers",
    ),
    invariant(
      "undefined coefficients say why",
      "(krippendorff_alpha IS NULL) = (alpha_undefined_reason IS NOT NULL) AND (icc2_1 IS NULL) = (icc_undefined_reason IS NOT NULL)",
    ),
    custom(
      "a month row counts the month's sessions and their ratings",
      (
        t,
      ) => `SELECT m.month, m.dimension, m.sessions, m.ratings, s.sessions AS session_rows, s.ratings AS session_ratings
        FROM ${t} m JOIN (SELECT month, dimension, count(*) AS sessions, sum(ratings) AS ratings FROM ${t}
          WHERE grain = 'session' GROUP BY month, dimension) s USING (month, dimension)
        WHERE m.grain = 'month' AND (m.sessions <> s.sessions OR m.ratings <> s.ratings)`,
    ),
  ],
});
