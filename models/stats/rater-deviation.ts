/**
 * Reviewer deviation in one calibration session (units × reviewers, missing ratings allowed).
 *
 * Definitions:
 * - consensus on a unit, for reviewer r = mean of the OTHER reviewers' scores on that unit
 *   (leave-one-out). Including r's own score would pull the consensus towards r and shrink r's
 *   deviation by (m − 1)/m, m the reviewers on the unit: halved with 2 reviewers, a third off with 3,
 *   so deviations would not compare across units and sessions with different panel sizes.
 * - deviation of r on a unit = r's score − that consensus (positive: r scores above the rest).
 *   Units r scored alone have no consensus and are skipped.
 * - mean deviation of r = mean of r's deviations over the units compared (signed, so a reviewer who
 *   is consistently harsher or more lenient shows it; null when no unit could be compared).
 * - variance between reviewers = SAMPLE variance (divisor r − 1) of the reviewers' mean scores.
 *   The reviewers in a session stand for the reviewer pool, as the judges do in ICC(2,1); on a
 *   complete matrix this equals JMS / n of the same ANOVA. With missing ratings reviewer means are over
 *   different units, so this also carries case mix; the mean deviation is the like-for-like measure.
 */

/** One row per unit, one column per reviewer; null is a missing rating. */
export type RatingMatrix = ReadonlyArray<ReadonlyArray<number | null>>;

export interface ReviewerDeviation {
  /** Column index of the reviewer in the session matrix. */
  reviewer: number;
  scoresGiven: number;
  /** Mean of the reviewer's own scores; null when the reviewer scored nothing. */
  meanScore: number | null;
  /** Units the reviewer scored together with at least one other reviewer. */
  unitsCompared: number;
  /** Mean of (own score − mean of the others' scores) over unitsCompared; null when 0. */
  meanDeviation: number | null;
}

export type BetweenReviewerVariance =
  | { variance: number; reviewers: number; reason: null }
  | { variance: null; reviewers: number; reason: "fewer_than_2_reviewers_with_scores" };

export function reviewerDeviations(ratings: RatingMatrix): ReviewerDeviation[] {
  const reviewerCount = validatedColumnCount(ratings);
  const totals = Array.from({ length: reviewerCount }, () => ({
    scores: 0,
    sum: 0,
    compared: 0,
    deviation: 0,
  }));

  for (const row of ratings) {
    let unitSum = 0;
    let unitCount = 0;
    for (const value of row) {
      if (value === null) continue;
      unitSum += value;
      unitCount++;
    }
    for (const [reviewer, value] of row.entries()) {
      if (value === null) continue;
      const total = totals[reviewer] as (typeof totals)[number];
      total.scores++;
      total.sum += value;
      if (unitCount < 2) continue; // nobody else scored this unit: no consensus to compare with
      const othersMean = (unitSum - value) / (unitCount - 1);
      total.compared++;
      total.deviation += value - othersMean;
    }
  }

  return totals.map((total, reviewer) => ({
    reviewer,
    scoresGiven: total.scores,
    meanScore: total.scores === 0 ? null : total.sum / total.scores,
    unitsCompared: total.compared,
    meanDeviation: total.compared === 0 ? null : total.deviation / total.compared,
  }));
}

/** Sample variance of the reviewers' mean scores (reviewers who scored nothing are left out). */
export function betweenReviewerVariance(reviewers: readonly ReviewerDeviation[]): BetweenReviewerVariance {
  const means = reviewers.flatMap((reviewer) => (reviewer.meanScore === null ? [] : [reviewer.meanScore]));
  if (means.length < 2) {
    return { variance: null, reviewers: means.length, reason: "fewer_than_2_reviewers_with_scores" };
  }
  const centre = means.reduce((total, value) => total + value, 0) / means.length;
  const sumOfSquares = means.reduce((total, value) => total + (value - centre) ** 2, 0);
  return { variance: sumOfSquares / (means.length - 1), reviewers: means.length, reason: null };
}

/**
 * Reviewers whose |mean deviation| strictly exceeds the tolerance (a reviewer exactly at the
 * tolerance is within it). Reviewers with no compared unit cannot be judged and are not flagged.
 */
export function reviewersOutsideTolerance(
  reviewers: readonly ReviewerDeviation[],
  tolerance: number,
): ReviewerDeviation[] {
  if (!(Number.isFinite(tolerance) && tolerance >= 0)) {
    throw new RangeError(`tolerance must be a finite number >= 0, got ${tolerance}`);
  }
  return reviewers.filter(
    (reviewer) => reviewer.meanDeviation !== null && Math.abs(reviewer.meanDeviation) > tolerance,
  );
}

function validatedColumnCount(ratings: RatingMatrix): number {
  const count = ratings[0]?.length ?? 0;
  for (const [unit, row] of ratings.entries()) {
    if (row.length !== count)
      throw new RangeError(`unit ${unit} has ${row.length} ratings, expected ${count}`);
    for (const value of row) {
      if (value !== null && !Number.isFinite(value)) {
        throw new RangeError(`unit ${unit}: rating ${value} is not a finite number (use null for missing)`);
      }
    }
  }
  return count;
}
