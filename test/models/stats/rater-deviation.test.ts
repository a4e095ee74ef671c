import { describe, expect, test } from "vitest";
import { intraclassCorrelations } from "../../../models/stats/icc.ts";
import {
  betweenReviewerVariance,
  type ReviewerDeviation,
  reviewerDeviations,
  reviewersOutsideTolerance,
} from "../../../models/stats/rater-deviation.ts";
import { referenceRatings } from "../../helpers/reference-tables.ts";

describe("hand-computed session", () => {
  // Reviewers A, B, C on two units; B missed unit 2.
  //   unit 1: A 3, B 4, C 5     unit 2: A 2, B –, C 4
  // A: 3 − (4+5)/2 = −1.5, 2 − 4 = −2  → mean −1.75 over 2 units
  // B: 4 − (3+5)/2 = 0                 → mean 0 over 1 unit
  // C: 5 − (3+4)/2 = 1.5, 4 − 2 = 2    → mean 1.75 over 2 units
  // Mean scores 2.5, 4, 4.5: grand 11/3, squares 49/36 + 4/36 + 25/36 = 13/6, sample variance 13/12.
  const session = [
    [3, 4, 5],
    [2, null, 4],
  ];
  const reviewers = reviewerDeviations(session);

  test("mean deviation from the leave-one-out consensus", () => {
    expect(reviewers).toEqual([
      { reviewer: 0, scoresGiven: 2, meanScore: 2.5, unitsCompared: 2, meanDeviation: -1.75 },
      { reviewer: 1, scoresGiven: 1, meanScore: 4, unitsCompared: 1, meanDeviation: 0 },
      { reviewer: 2, scoresGiven: 2, meanScore: 4.5, unitsCompared: 2, meanDeviation: 1.75 },
    ]);
  });

  test("sample variance of the reviewer means", () => {
    const result = betweenReviewerVariance(reviewers);
    expect(result.reason).toBeNull();
    expect(result.reviewers).toBe(3);
    expect(result.variance).toBeCloseTo(13 / 12, 12);
  });

  test.for<[number, number[]]>([
    [0, [0, 2]],
    [1.5, [0, 2]],
    [1.75, []], // exactly at the tolerance is within it
    [2, []],
  ])("tolerance %s flags reviewers %j", ([tolerance, flagged]) => {
    expect(reviewersOutsideTolerance(reviewers, tolerance).map((r) => r.reviewer)).toEqual(flagged);
  });
});

describe("edge cases", () => {
  test("a unit scored by one reviewer counts in their mean score but not their deviation", () => {
    const [alone, other] = reviewerDeviations([
      [5, null],
      [2, 4],
    ]);
    expect(alone).toEqual({
      reviewer: 0,
      scoresGiven: 2,
      meanScore: 3.5,
      unitsCompared: 1,
      meanDeviation: -2,
    });
    expect(other).toEqual({ reviewer: 1, scoresGiven: 1, meanScore: 4, unitsCompared: 1, meanDeviation: 2 });
  });

  test("a reviewer with no scores, or none shared, has null means and is never flagged", () => {
    const reviewers = reviewerDeviations([
      [1, null, null],
      [null, 5, null],
    ]);
    expect(reviewers.map((r) => r.meanDeviation)).toEqual([null, null, null]);
    expect(reviewers[2]?.meanScore).toBeNull();
    expect(reviewersOutsideTolerance(reviewers, 0)).toEqual([]);
    // Two reviewers have a mean (1 and 5): sample variance (1 − 3)² + (5 − 3)² over 1 = 8.
    expect(betweenReviewerVariance(reviewers)).toEqual({ variance: 8, reviewers: 2, reason: null });
  });

  test("fewer than 2 reviewers with scores: variance is null with a reason", () => {
    const single: ReviewerDeviation[] = reviewerDeviations([[3, null]]);
    expect(betweenReviewerVariance(single)).toEqual({
      variance: null,
      reviewers: 1,
      reason: "fewer_than_2_reviewers_with_scores",
    });
    expect(betweenReviewerVariance([])).toMatchObject({ variance: null, reviewers: 0 });
  });

  test("invalid input is rejected", () => {
    expect(() => reviewerDeviations([[1, 2], [3]])).toThrow(RangeError);
    expect(() => reviewerDeviations([[1, Number.POSITIVE_INFINITY]])).toThrow(RangeError);
    expect(() => reviewersOutsideTolerance([], -1)).toThrow(RangeError);
    expect(() => reviewersOutsideTolerance([], Number.NaN)).toThrow(RangeError);
  });
});

describe("agrees with the Shrout & Fleiss (1979) ANOVA on the published table", () => {
  // Targets × judges.
  const ratings = referenceRatings("shrout_fleiss1979_6targets_4judges.csv");
  const reviewers = reviewerDeviations(ratings);

  test("complete data: variance between judges = JMS / n (published JMS 32.49)", () => {
    const variance = betweenReviewerVariance(reviewers).variance as number;
    expect(Math.round(variance * 6 * 100) / 100).toBe(32.49);
    expect(variance).toBeCloseTo((intraclassCorrelations(ratings).meanSquares?.jms as number) / 6, 12);
  });

  test("complete data: leave-one-out deviation = k/(k − 1) × (judge mean − grand mean)", () => {
    const means = reviewers.map((r) => r.meanScore as number);
    const grand = means.reduce((a, b) => a + b, 0) / means.length;
    for (const reviewer of reviewers) {
      expect(reviewer.unitsCompared).toBe(6);
      expect(reviewer.meanDeviation).toBeCloseTo((4 / 3) * ((reviewer.meanScore as number) - grand), 12);
    }
    // Deviations from the rest of the panel sum to zero when everyone rated everything.
    expect(reviewers.reduce((total, r) => total + (r.meanDeviation as number), 0)).toBeCloseTo(0, 12);
  });
});
