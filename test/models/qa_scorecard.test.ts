import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { allDimensions, givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("qa_scorecard", "qa_coverage");

/** A completed case: resolved an hour after it opened. */
const completedCase = (case_id: string, work_type: string, opened_at: string, queue = "payment_hold") => ({
  case_id,
  work_type,
  queue,
  opened_at,
  resolved_at: opened_at.replace("T09:", "T10:"),
});

describe("qa_scorecard", () => {
  test("weighted score with the policy's weights, pass rate at the pass mark, dimension means and review rates", async () => {
    await givenRows(warehouse, "agents", [{ agent_id: "A1", team: "east" }]);
    await givenRows(warehouse, "cases", [
      completedCase("C1", "exception", "2026-03-02T09:00:00Z"),
      completedCase("C2", "exception", "2026-03-03T09:00:00Z"),
      completedCase("C3", "exception", "2026-03-04T09:00:00Z"),
      completedCase("C4", "standard", "2026-03-05T09:00:00Z", "shipment_exception"),
    ]);
    const reviewedAt = "2026-03-10T12:00:00Z";
    await givenRows(warehouse, "qa_reviews", [
      // Every dimension 90: weighted score 90, passes.
      {
        review_id: "R1",
        case_id: "C1",
        agent_id: "A1",
        reviewed_at: reviewedAt,
        ...allDimensions(90),
        routing_correct: true,
      },
      // 0.25×80 + 0.20×80 + 0.10×100 + 0.20×80 + 0.10×100 + 0.15×60 = 81: below the pass mark of 85.
      {
        review_id: "R2",
        case_id: "C2",
        agent_id: "A1",
        reviewed_at: reviewedAt,
        order_accuracy: 80,
        policy_adherence: 80,
        documentation: 100,
        disposition_accuracy: 80,
        communication: 100,
        data_handling: 60,
        routing_correct: false,
        escalated_on_time: true,
        error_type: "agent_error",
      },
      // A calibration review scores the reviewer, not the agent: left off the scorecard.
      {
        review_id: "R3",
        case_id: "C3",
        agent_id: "A1",
        reviewed_at: reviewedAt,
        ...allDimensions(10),
        calibration_session_id: "S1",
      },
      // Exactly the pass mark passes; an agent missing from the roster has no team.
      { review_id: "R4", case_id: "C3", agent_id: "A2", reviewed_at: reviewedAt, ...allDimensions(85) },
      {
        review_id: "R5",
        case_id: "C4",
        agent_id: "A1",
        reviewed_at: "2026-04-01T12:00:00Z",
        ...allDimensions(70),
      },
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await warehouse.all("SELECT * FROM qa_scorecard ORDER BY month, queue, agent_id");
    expect(rows).toEqual([
      {
        agent_id: "A1",
        team: "east",
        queue: "payment_hold",
        month: "2026-03",
        reviews: 2,
        weighted_score_mean: 85.5,
        passes: 1,
        pass_rate: 0.5,
        order_accuracy_mean: 85,
        policy_adherence_mean: 85,
        documentation_mean: 95,
        disposition_accuracy_mean: 85,
        communication_mean: 95,
        data_handling_mean: 75,
        routing_rated: 2,
        routing_correct_rate: 0.5,
        escalation_rated: 1,
        escalated_on_time_rate: 1,
        agent_errors: 1,
      },
      {
        agent_id: "A2",
        team: null,
        queue: "payment_hold",
        month: "2026-03",
        reviews: 1,
        weighted_score_mean: 85,
        passes: 1,
        pass_rate: 1,
        order_accuracy_mean: 85,
        policy_adherence_mean: 85,
        documentation_mean: 85,
        disposition_accuracy_mean: 85,
        communication_mean: 85,
        data_handling_mean: 85,
        routing_rated: 0,
        routing_correct_rate: null,
        escalation_rated: 0,
        escalated_on_time_rate: null,
        agent_errors: 0,
      },
      expect.objectContaining({
        agent_id: "A1",
        queue: "shipment_exception",
        month: "2026-04",
        reviews: 1,
        pass_rate: 0,
      }),
    ]);
    // Never a name: the mart has ids only.
    expect(Object.keys(rows[0] ?? {})).not.toContain("name");
  });
});

describe("qa_coverage", () => {
  test("reviewed cases ÷ completed cases by work type and month of completion, against the sampling targets", async () => {
    await givenRows(warehouse, "cases", [
      // exception (target 5%): 4 completed in March, one reviewed twice, one only in a calibration session.
      completedCase("E1", "exception", "2026-03-02T09:00:00Z"),
      completedCase("E2", "exception", "2026-03-03T09:00:00Z"),
      completedCase("E3", "exception", "2026-03-04T09:00:00Z"),
      completedCase("E4", "exception", "2026-03-05T09:00:00Z"),
      // standard (target 2%): 2 completed, none reviewed; one more still open does not count.
      completedCase("S1", "standard", "2026-03-02T09:00:00Z"),
      completedCase("S2", "standard", "2026-03-03T09:00:00Z"),
      { case_id: "S3", work_type: "standard", opened_at: "2026-03-04T09:00:00Z" },
      // Completed in April: April's row.
      completedCase("E5", "exception", "2026-04-02T09:00:00Z"),
    ]);
    await givenRows(warehouse, "qa_reviews", [
      { review_id: "R1", case_id: "E1", reviewed_at: "2026-03-10T12:00:00Z" },
      { review_id: "R2", case_id: "E1", reviewed_at: "2026-03-11T12:00:00Z", reviewer_id: "R2" },
      { review_id: "R3", case_id: "E2", reviewed_at: "2026-03-11T12:00:00Z", calibration_session_id: "S" },
      // Reviewed in April, counted with the month the case was completed in.
      { review_id: "R4", case_id: "E4", reviewed_at: "2026-04-03T12:00:00Z" },
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(
      await warehouse.all(
        "SELECT month, work_type, completed_cases, reviewed_cases, reviews, coverage, target, gap, meets_target, reviews_short FROM qa_coverage ORDER BY month, work_type",
      ),
    ).toEqual([
      {
        month: "2026-03",
        work_type: "exception",
        completed_cases: 4,
        reviewed_cases: 2,
        reviews: 3,
        coverage: 0.5,
        target: 0.05,
        gap: 0.45,
        meets_target: true,
        reviews_short: 0,
      },
      {
        month: "2026-03",
        work_type: "high_risk",
        completed_cases: 0,
        reviewed_cases: 0,
        reviews: 0,
        coverage: null,
        target: 0.1,
        gap: null,
        meets_target: null,
        reviews_short: 0,
      },
      {
        month: "2026-03",
        work_type: "standard",
        completed_cases: 2,
        reviewed_cases: 0,
        reviews: 0,
        coverage: 0,
        target: 0.02,
        gap: -0.02,
        meets_target: false,
        reviews_short: 1, // 2% of 2 cases, rounded up
      },
      expect.objectContaining({
        month: "2026-04",
        work_type: "exception",
        completed_cases: 1,
        reviewed_cases: 0,
      }),
      expect.objectContaining({ month: "2026-04", work_type: "high_risk", completed_cases: 0 }),
      expect.objectContaining({ month: "2026-04", work_type: "standard", completed_cases: 0 }),
    ]);
  });
});
