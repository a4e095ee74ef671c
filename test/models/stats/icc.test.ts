import { describe, expect, test } from "vitest";
import {
  completeCases,
  type IccForms,
  icc21,
  iccFromMeanSquares,
  intraclassCorrelations,
  type MeanSquares,
  twoWayMeanSquares,
} from "../../../models/stats/icc.ts";
import { referenceRatings, roundTo } from "../../helpers/reference-tables.ts";

describe("Shrout & Fleiss (1979) 6 targets × 4 judges", () => {
  // Targets × judges.
  const ratings = referenceRatings("shrout_fleiss1979_6targets_4judges.csv");
  const result = intraclassCorrelations(ratings);

  test("the table is complete: nothing dropped", () => {
    expect(result).toMatchObject({
      reason: null,
      targetsUsed: 6,
      targetsDropped: 0,
      judgesUsed: 4,
      judgesDropped: 0,
    });
  });

  test.for<[keyof Omit<MeanSquares, "targets" | "judges">, number]>([
    ["bms", 11.24],
    ["jms", 32.49],
    ["ems", 1.02],
    ["wms", 6.26],
  ])("mean square %s is the published %s", ([name, published]) => {
    expect(roundTo(result.meanSquares?.[name] ?? null, 2)).toBe(published);
  });

  test.for<[keyof IccForms, number]>([
    ["icc1_1", 0.17],
    ["icc2_1", 0.29],
    ["icc3_1", 0.71],
    ["icc1_k", 0.44],
    ["icc2_k", 0.62],
    ["icc3_k", 0.91],
  ])("%s is the published %s", ([form, published]) => {
    expect(roundTo(result.icc?.[form] ?? null, 2)).toBe(published);
  });

  test("icc21 gives the mart's value", () => {
    const { value, reason } = icc21(ratings);
    expect(reason).toBeNull();
    expect(roundTo(value, 2)).toBe(0.29);
  });

  test("incomplete data: a target with a missing rating is dropped, the rest analysed as complete", () => {
    const withGap = ratings.map((row, target) => (target === 2 ? [row[0] ?? null, null, 6, 8] : row));
    const expected = intraclassCorrelations(ratings.filter((_, target) => target !== 2));
    expect(intraclassCorrelations(withGap)).toEqual({ ...expected, targetsDropped: 1 });
  });

  test("incomplete data: a judge who rated nothing is dropped before any target", () => {
    const withAbsentJudge = ratings.map((row) => [...row, null]);
    const result = intraclassCorrelations(withAbsentJudge);
    expect(result).toMatchObject({ reason: null, targetsUsed: 6, judgesUsed: 4, judgesDropped: 1 });
    expect(result.icc).toEqual(intraclassCorrelations(ratings).icc);
  });
});

describe("hand-computed cases", () => {
  test("perfect agreement across varied targets: every form is 1", () => {
    // Targets 1, 2, 3 rated identically by both judges: JMS = EMS = WMS = 0, BMS = 2 · 1 = 2.
    const ms = twoWayMeanSquares([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(ms).toEqual({ targets: 3, judges: 2, bms: 2, jms: 0, ems: 0, wms: 0 });
    expect(iccFromMeanSquares(ms)).toEqual({
      icc1_1: 1,
      icc2_1: 1,
      icc3_1: 1,
      icc1_k: 1,
      icc2_k: 1,
      icc3_k: 1,
    });
  });

  test("a constant judge offset: consistency (3,1) is 1, absolute agreement (2,1) is lower", () => {
    // Judge 2 always one point higher. Target means 1.5, 2.5, 3.5 → BMS = 2·2/2 = 2;
    // judge means 2, 3 → JMS = 3·0.5 = 1.5; EMS = 0; WMS = 1.5/3 = 0.5.
    // ICC(2,1) = 2 / (2 + 2·1.5/3) = 2/3; ICC(1,1) = 1.5 / 2.5 = 0.6.
    const { icc, meanSquares } = intraclassCorrelations([
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    expect(meanSquares).toEqual({ targets: 3, judges: 2, bms: 2, jms: 1.5, ems: 0, wms: 0.5 });
    expect(icc?.icc3_1).toBe(1);
    expect(icc?.icc2_1).toBeCloseTo(2 / 3, 12);
    expect(icc?.icc1_1).toBeCloseTo(0.6, 12);
  });
});

describe("degenerate cases return null with a reason", () => {
  test("fewer than 2 complete targets", () => {
    const result = intraclassCorrelations([
      [1, 2, 3],
      [2, null, 3],
    ]);
    expect(result).toMatchObject({
      icc: null,
      reason: "fewer_than_2_targets",
      targetsUsed: 1,
      targetsDropped: 1,
    });
    expect(icc21([[1, 2, 3]])).toEqual({ value: null, reason: "fewer_than_2_targets" });
  });

  test("fewer than 2 judges who rated anything", () => {
    const result = intraclassCorrelations([
      [1, null],
      [2, null],
      [3, null],
    ]);
    expect(result).toMatchObject({
      icc: null,
      reason: "fewer_than_2_judges",
      judgesUsed: 1,
      judgesDropped: 1,
    });
    expect(icc21([])).toEqual({ value: null, reason: "fewer_than_2_judges" });
  });

  test("identical ratings everywhere: every form is null (0/0), icc21 says zero_denominator", () => {
    const identical = [
      [0.1, 0.1, 0.1],
      [0.1, 0.1, 0.1],
    ];
    expect(intraclassCorrelations(identical).icc).toEqual({
      icc1_1: null,
      icc2_1: null,
      icc3_1: null,
      icc1_k: null,
      icc2_k: null,
      icc3_k: null,
    });
    expect(icc21(identical)).toEqual({ value: null, reason: "zero_denominator" });
  });

  test("2 × 2 crossed ratings: ICC(2,1) has a zero denominator, ICC(1,1) and ICC(3,1) are −1", () => {
    // [[1,2],[2,1]]: BMS = JMS = 0, EMS = 1, WMS = 0.5; ICC(2,1) denominator 0 + 1 + 2(0 − 1)/2 = 0.
    const { icc } = intraclassCorrelations([
      [1, 2],
      [2, 1],
    ]);
    expect(icc?.icc2_1).toBeNull();
    expect(icc?.icc1_1).toBe(-1);
    expect(icc?.icc3_1).toBe(-1);
  });

  test("the mean squares need a complete matrix of at least 2 × 2", () => {
    expect(() => twoWayMeanSquares([[1, 2]])).toThrow(RangeError);
    expect(() => twoWayMeanSquares([[1, 2], [3]])).toThrow(RangeError);
    expect(() =>
      twoWayMeanSquares([
        [1, 2],
        [3, Number.NaN],
      ]),
    ).toThrow(RangeError);
    expect(() => completeCases([[1, 2], [3]])).toThrow(RangeError);
  });
});
