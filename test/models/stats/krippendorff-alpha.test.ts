import { describe, expect, test } from "vitest";
import {
  type AlphaMetric,
  krippendorffAlpha,
  type RatingMatrix,
} from "../../../models/stats/krippendorff-alpha.ts";
import { referenceRatings, roundTo } from "../../helpers/reference-tables.ts";

describe("Krippendorff (2011) 4 coders × 12 units", () => {
  // Units × coders.
  const ratings = referenceRatings("krippendorff2011_4coders_12units.csv");

  test("the table reads as 12 units × 4 coders", () => {
    expect(ratings).toHaveLength(12);
    for (const row of ratings) expect(row).toHaveLength(4);
  });

  test.for<[AlphaMetric, number]>([
    ["nominal", 0.743],
    ["ordinal", 0.815],
    ["interval", 0.849],
    ["ratio", 0.797],
  ])("%s alpha is the published %s", ([metric, published]) => {
    const result = krippendorffAlpha(ratings, metric);
    expect(result.reason).toBeNull();
    expect(roundTo(result.alpha, 3)).toBe(published);
  });

  test("40 pairable values: unit 12 has a single value and is ignored", () => {
    expect(krippendorffAlpha(ratings, "interval").pairableValues).toBe(40);
    const withoutUnit12 = ratings.slice(0, 11);
    expect(krippendorffAlpha(withoutUnit12, "interval")).toEqual(krippendorffAlpha(ratings, "interval"));
  });

  test("nominal disagreements match the paper's D_o = 0.200 and D_e = 0.779", () => {
    const result = krippendorffAlpha(ratings, "nominal");
    if (result.alpha === null) throw new Error("alpha should be defined");
    expect(roundTo(result.observedDisagreement, 3)).toBe(0.2);
    expect(roundTo(result.expectedDisagreement, 3)).toBe(0.779);
  });

  test("alpha does not depend on the order of coders or units", () => {
    const shuffled = [...ratings].reverse().map((row) => [...row].reverse());
    for (const metric of ["nominal", "ordinal", "interval", "ratio"] as const) {
      expect(krippendorffAlpha(shuffled, metric).alpha).toBeCloseTo(
        krippendorffAlpha(ratings, metric).alpha as number,
        12,
      );
    }
  });
});

describe("hand-computed cases", () => {
  // Units (1, 2) and (3, 3): o[1][2] = o[2][1] = 1, o[3][3] = 2; n_1 = n_2 = 1, n_3 = 2, n = 4.
  // alpha = 1 − (n − 1) Σ o δ² / Σ n_c n_k δ², both sums over ordered pairs.
  const twoUnits: RatingMatrix = [
    [1, 2],
    [3, 3],
  ];

  test.for<[AlphaMetric, number]>([
    // nominal: Σoδ² = 2, Σnnδ² = 2(1·1 + 1·2 + 1·2) = 10 → 1 − 3·2/10
    ["nominal", 0.4],
    // ordinal: δ²12 = (2 − 1)² = 1, δ²13 = (4 − 1.5)² = 6.25, δ²23 = (3 − 1.5)² = 2.25;
    // Σoδ² = 2, Σnnδ² = 2(1 + 12.5 + 4.5) = 36 → 1 − 3·2/36
    ["ordinal", 5 / 6],
    // interval: Σoδ² = 2, Σnnδ² = 2(1 + 2·4 + 2·1) = 22 → 1 − 6/22
    ["interval", 8 / 11],
    // ratio: δ²12 = 1/9, δ²13 = 1/4, δ²23 = 1/25; Σoδ² = 2/9, Σnnδ² = 2(1/9 + 1/2 + 2/25) = 1244/900
    ["ratio", 161 / 311],
  ])("%s alpha of [[1,2],[3,3]] is %s", ([metric, expected]) => {
    const result = krippendorffAlpha(twoUnits, metric);
    expect(result.pairableValues).toBe(4);
    expect(result.alpha).toBeCloseTo(expected, 12);
  });

  test("systematic disagreement gives a negative alpha: [[1,2],[1,2]] nominal is −0.5", () => {
    // Σoδ² = 4, Σnnδ² = 2·2·2 = 8 → 1 − 3·4/8
    expect(
      krippendorffAlpha(
        [
          [1, 2],
          [1, 2],
        ],
        "nominal",
      ).alpha,
    ).toBeCloseTo(-0.5, 12);
  });

  test("perfect agreement with variation is 1 under every metric", () => {
    const agreeing = [[1, 1, null], [4, 4, 4], [null, 2, 2], [7]];
    for (const metric of ["nominal", "ordinal", "interval", "ratio"] as const) {
      expect(krippendorffAlpha(agreeing, metric).alpha).toBe(1);
    }
  });

  test("ratio treats two zeros as identical rather than 0/0", () => {
    const result = krippendorffAlpha(
      [
        [0, 0],
        [1, 1],
      ],
      "ratio",
    );
    expect(result.alpha).toBe(1);
  });
});

describe("degenerate cases return null with a reason, never NaN", () => {
  test.for<[string, RatingMatrix]>([
    ["no units", []],
    ["only missing ratings", [[null, null]]],
    ["every unit has one value", [[1, null], [null, 2], [3]]],
  ])("%s: no pairable values", ([, ratings]) => {
    expect(krippendorffAlpha(ratings, "interval")).toEqual({
      alpha: null,
      reason: "no_pairable_values",
      pairableValues: 0,
    });
  });

  test("all pairable values identical: zero expected disagreement", () => {
    const result = krippendorffAlpha([[3, 3, null], [3, 3, 3], [5]], "nominal");
    expect(result).toEqual({ alpha: null, reason: "zero_expected_disagreement", pairableValues: 5 });
  });

  test("invalid ratings are rejected", () => {
    expect(() => krippendorffAlpha([[1, Number.NaN]], "interval")).toThrow(RangeError);
    expect(() => krippendorffAlpha([[1, -2]], "ratio")).toThrow(RangeError);
  });
});
