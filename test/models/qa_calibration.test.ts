import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { CALIBRATION_DIMENSIONS } from "../../models/marts/qa_calibration.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels } from "../../models/runner.ts";
import { krippendorffAlpha } from "../../models/stats/krippendorff-alpha.ts";
import { modelsFor } from "../helpers/models.ts";
import { allDimensions, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { readReferenceTable, roundTo } from "../helpers/reference-tables.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("qa_calibration");

/**
 * Loads a units × raters table as one calibration session: each unit a case, each rater a reviewer, each
 * rating a review scoring every dimension with the table's value (a missing cell is a missing review).
 */
async function givenSession(session: string, file: string, reviewedAt: string) {
  const { raters, units } = readReferenceTable(file);
  await givenRows(
    warehouse,
    "cases",
    units.map(({ unit }) => ({ case_id: `${session}-${unit}`, opened_at: "2026-01-05T09:00:00Z" })),
  );
  await givenRows(
    warehouse,
    "qa_reviews",
    units.flatMap(({ unit, scores }) =>
      scores.flatMap((score, rater) =>
        score === null
          ? []
          : [
              {
                review_id: `${session}-${unit}-${raters[rater]}`,
                case_id: `${session}-${unit}`,
                reviewer_id: raters[rater] as string,
                reviewed_at: reviewedAt,
                calibration_session_id: session,
                ...allDimensions(score),
              },
            ],
      ),
    ),
  );
}

const sessionRows = (session: string) =>
  warehouse.all(
    "SELECT * FROM qa_calibration WHERE grain = 'session' AND session_id = $1 ORDER BY dimension",
    [session],
  );

describe("qa_calibration against the published tables", () => {
  test("Krippendorff (2011), 4 coders × 12 units with missing ratings: interval alpha 0.849", async () => {
    await givenSession("K", "krippendorff2011_4coders_12units.csv", "2026-02-10T12:00:00Z");
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await sessionRows("K");
    expect(rows.map((r) => r.dimension)).toEqual([...CALIBRATION_DIMENSIONS].sort());
    for (const row of rows) {
      expect(roundTo(row.krippendorff_alpha, 3), String(row.dimension)).toBe(0.849);
      expect(row).toMatchObject({ month: "2026-02", sessions: 1, reviewers: 4, units: 12, ratings: 41 });
      // Unit 12 has one rating: not pairable.
      expect(row.alpha_pairable_values).toBe(40);
    }
    // One session in the month: the month's row is the session's.
    const month = await warehouse.all(
      "SELECT * EXCLUDE (grain, session_id) FROM qa_calibration WHERE grain = 'month' ORDER BY dimension",
    );
    expect(month).toEqual(rows.map(({ grain, session_id, ...rest }) => rest));
  });

  test("Shrout & Fleiss (1979), 6 targets × 4 judges: ICC(2,1) 0.29, reviewer deviations and variance", async () => {
    await givenSession("SF", "shrout_fleiss1979_6targets_4judges.csv", "2026-03-10T12:00:00Z");
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    for (const row of await sessionRows("SF")) {
      expect(roundTo(row.icc2_1, 2), String(row.dimension)).toBe(0.29);
      expect(row).toMatchObject({ icc_units_used: 6, icc_reviewers_used: 4, icc_undefined_reason: null });
      // On a complete table the variance of the judges' means is JMS ÷ n: 32.49 ÷ 6 (published to 2 decimals).
      expect(roundTo((row.between_reviewer_variance as number) * 6, 2)).toBe(32.49);
      // Judge means 7.667, 2.5, 4.333, 6.667; each judge's mean deviation from the other three.
      expect(
        (row.reviewer_deviations as { reviewer_id: string; mean_deviation: number }[]).map((d) => [
          d.reviewer_id,
          roundTo(d.mean_deviation, 4),
        ]),
      ).toEqual([
        ["J1", 3.1667],
        ["J2", -3.7222],
        ["J3", -1.2778],
        ["J4", 1.8333],
      ]);
      // The shipped tolerance is 5 points: nobody is outside it.
      expect(row).toMatchObject({ reviewers_outside_tolerance: [], reviewers_outside_tolerance_count: 0 });
      expect(roundTo(row.max_abs_deviation, 4)).toBe(3.7222);
    }
  });

  test("reviewers beyond the policy's tolerance are named", async () => {
    const loaded = await loadPolicy();
    const strict = {
      ...loaded,
      policy: { ...loaded.policy, qa: { ...loaded.policy.qa, calibration_tolerance: 3 } },
    };
    await givenSession("SF", "shrout_fleiss1979_6targets_4judges.csv", "2026-03-10T12:00:00Z");
    const result = await buildModels(warehouse, { models, policy: strict, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const [row] = await sessionRows("SF");
    expect(row).toMatchObject({
      tolerance: 3,
      reviewers_outside_tolerance: ["J1", "J2"],
      reviewers_outside_tolerance_count: 2,
    });
  });
});

describe("qa_calibration months", () => {
  test("a month pools its sessions, each case in each session a unit; a session belongs to the month it started in", async () => {
    await givenSession("SF", "shrout_fleiss1979_6targets_4judges.csv", "2026-03-10T12:00:00Z");
    // A second session with two reviewers, started on 31 March and finished on 1 April: a March session.
    await givenRows(warehouse, "cases", [
      { case_id: "P-1", opened_at: "2026-03-01T09:00:00Z" },
      { case_id: "P-2", opened_at: "2026-03-01T09:00:00Z" },
    ]);
    const review = (id: string, caseId: string, reviewer: string, score: number, at: string) => ({
      review_id: id,
      case_id: caseId,
      reviewer_id: reviewer,
      reviewed_at: at,
      calibration_session_id: "P",
      ...allDimensions(score),
    });
    await givenRows(warehouse, "qa_reviews", [
      review("p1", "P-1", "J1", 8, "2026-03-31T12:00:00Z"),
      review("p2", "P-1", "X9", 6, "2026-04-01T12:00:00Z"),
      review("p3", "P-2", "J1", 5, "2026-04-01T12:00:00Z"),
      review("p4", "P-2", "X9", 1, "2026-04-01T12:00:00Z"),
      // J1 scores P-2 again later in the session: the later score replaces the earlier.
      review("p5", "P-2", "J1", 4, "2026-04-01T13:00:00Z"),
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(
      await warehouse.all(
        "SELECT grain, month, session_id, sessions, reviewers, units, ratings FROM qa_calibration WHERE dimension = 'order_accuracy' ORDER BY grain, session_id",
      ),
    ).toEqual([
      {
        grain: "month",
        month: "2026-03",
        session_id: null,
        sessions: 2,
        reviewers: 5,
        units: 8,
        ratings: 28,
      },
      {
        grain: "session",
        month: "2026-03",
        session_id: "P",
        sessions: 1,
        reviewers: 2,
        units: 2,
        ratings: 4,
      },
      {
        grain: "session",
        month: "2026-03",
        session_id: "SF",
        sessions: 1,
        reviewers: 4,
        units: 6,
        ratings: 24,
      },
    ]);
    // The pooled matrix: SF's six cases × J1..J4, then P's two cases × J1 and X9 (X9 missing on SF's cases).
    const { units } = readReferenceTable("shrout_fleiss1979_6targets_4judges.csv");
    const pooled = [
      [8, null, null, null, 6],
      [4, null, null, null, 1],
      ...units.map(({ scores }) => [...scores, null]),
    ];
    const [month] = await warehouse.all(
      "SELECT krippendorff_alpha, icc2_1, icc_units_used, icc_reviewers_used FROM qa_calibration WHERE grain = 'month' AND dimension = 'order_accuracy'",
    );
    expect(month?.krippendorff_alpha).toBeCloseTo(krippendorffAlpha(pooled, "interval").alpha as number, 12);
    // ICC(2,1) drops every case with a missing rating: with five reviewers no case is complete.
    expect(month).toMatchObject({ icc2_1: null, icc_units_used: 0, icc_reviewers_used: 5 });
  });

  test("no calibration reviews: the mart is empty but has its columns", async () => {
    await givenRows(warehouse, "cases", [{ case_id: "C", opened_at: "2026-03-01T09:00:00Z" }]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const { columns, rows } = await warehouse.query("SELECT * FROM qa_calibration");
    expect(rows).toEqual([]);
    expect(columns).toContain("reviewer_deviations");
  });
});
