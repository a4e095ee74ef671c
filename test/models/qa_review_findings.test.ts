import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { aCase, allDimensions, givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("qa_review_findings");

describe("qa_review_findings", () => {
  test("failed reviews and reviews naming an error, with the comment and the case's disposition as written", async () => {
    await givenRows(warehouse, "agents", [{ agent_id: "A1", team: "east" }]);
    await givenRows(warehouse, "cases", [
      aCase({
        case_id: "C1",
        opened_at: "2026-03-02T09:00:00Z",
        resolved_at: "2026-03-02T10:00:00Z",
        disposition_code: "<img src=x onerror=alert(1)>",
      }),
      aCase({
        case_id: "C2",
        opened_at: "2026-03-03T09:00:00Z",
        queue: "shipment_exception",
        work_type: "standard",
      }),
    ]);
    const reviewedAt = "2026-03-10T12:00:00Z";
    await givenRows(warehouse, "qa_reviews", [
      // Failed (every dimension 60, below the pass mark of 85): a finding, its comment kept as written.
      {
        review_id: "R1",
        case_id: "C1",
        agent_id: "A1",
        reviewed_at: reviewedAt,
        ...allDimensions(60),
        comment: "  <script>alert(1)</script> wrong refund  ",
      },
      // Passed, but names an agent error: a finding.
      {
        review_id: "R2",
        case_id: "C2",
        agent_id: "A1",
        reviewed_at: reviewedAt,
        ...allDimensions(95),
        error_type: "agent_error",
        comment: "Wrong disposition; customer wrote from jane.doe+1@example.co.uk, +1 (397) 383-8716",
      },
      // Passed with no error (`none` or unset): not a finding.
      { review_id: "R3", case_id: "C1", reviewed_at: reviewedAt, ...allDimensions(95), error_type: "none" },
      { review_id: "R4", case_id: "C1", reviewed_at: reviewedAt, ...allDimensions(90), comment: "fine" },
      // Failed, but in a calibration session: it scores the reviewer, so it is left out.
      {
        review_id: "R5",
        case_id: "C1",
        reviewed_at: reviewedAt,
        ...allDimensions(10),
        calibration_session_id: "S1",
      },
      // Failed, blank comment: no comment.
      {
        review_id: "R6",
        case_id: "C2",
        reviewed_at: "2026-04-01T12:00:00Z",
        ...allDimensions(84),
        comment: " ",
      },
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(
      await warehouse.all(
        "SELECT review_id, case_id, agent_id, team, month, queue, work_type, weighted_score, passed, error_type, comment, disposition_code, case_status FROM qa_review_findings ORDER BY review_id",
      ),
    ).toEqual([
      {
        review_id: "R1",
        case_id: "C1",
        agent_id: "A1",
        team: "east",
        month: "2026-03",
        queue: "payment_hold",
        work_type: "exception",
        weighted_score: 60,
        passed: false,
        error_type: null,
        comment: "<script>alert(1)</script> wrong refund",
        disposition_code: "<img src=x onerror=alert(1)>",
        case_status: "resolved",
      },
      {
        review_id: "R2",
        case_id: "C2",
        agent_id: "A1",
        team: "east",
        month: "2026-03",
        queue: "shipment_exception",
        work_type: "standard",
        weighted_score: 95,
        passed: true,
        error_type: "agent_error",
        // Contact details typed into free text never reach the mart.
        comment: "Wrong disposition; customer wrote from [email], [phone]",
        disposition_code: null,
        case_status: "open",
      },
      expect.objectContaining({ review_id: "R6", month: "2026-04", weighted_score: 84, comment: null }),
    ]);
  });

  test("the data tests catch a finding that is not one", async () => {
    await givenRows(warehouse, "cases", [aCase({ case_id: "C1", opened_at: "2026-03-02T09:00:00Z" })]);
    await givenRows(warehouse, "qa_reviews", [
      { review_id: "R1", case_id: "C1", reviewed_at: "2026-03-10T12:00:00Z", ...allDimensions(95) },
    ]);
    await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    // A passed review without an error, slipped into the mart by hand.
    await warehouse.run(
      "INSERT INTO qa_review_findings SELECT review_id, case_id, reviewer_id, agent_id, team, reviewed_at, month, queue, work_type, weighted_score, passed, error_type, NULL, NULL, 'open' FROM int_qa_reviews_scored",
    );
    const model = models.find((m) => m.name === "qa_review_findings");
    const failing = await Promise.all(
      (model?.tests ?? []).map(async (t) => ({
        name: t.name,
        rows: (await warehouse.all(t.failingRows("qa_review_findings"))).length,
      })),
    );
    expect(failing.filter((f) => f.rows > 0).map((f) => f.name)).toEqual([
      "a finding failed or recorded an error",
    ]);
  });
});
