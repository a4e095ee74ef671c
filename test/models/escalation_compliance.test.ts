import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels } from "../../models/runner.ts";
import { caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { caseFlowModels, givenAsOf, givenCases, rows } from "./case-flow-fixtures.ts";

// Shipped policy: payment_hold escalates at 1, 2 and 3 days of age; new_order_review at 2, 3 and 5 days
// (actual time, from the start of the SLA cycle). Cases are standard work in payment_hold unless they say
// otherwise.
const H = 3600;
const D = 24 * H;

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const flagged = () =>
  rows(
    warehouse,
    `SELECT case_id, level, queue, threshold_s, crossed_at, escalated_at, status, is_exception, overdue_s, responsible_team
     FROM escalation_compliance ORDER BY case_id, cycle, level`,
  );

describe("escalation_compliance", () => {
  test("on time, late and missing escalations, a case arriving already past a threshold, and one never old enough", async () => {
    await givenAsOf(warehouse, "2026-03-05T12:00:00Z");
    await givenCases(warehouse, [
      { case_id: "X1", opened_at: "2026-03-02T00:00:00Z" },
      { case_id: "X2", opened_at: "2026-03-02T00:00:00Z", resolved_at: "2026-03-03T12:00:00Z" },
      { case_id: "X3", opened_at: "2026-03-02T00:00:00Z", resolved_at: "2026-03-02T20:00:00Z" },
      { case_id: "X4", opened_at: "2026-03-02T00:00:00Z" },
      { case_id: "X5", queue: "new_order_review", opened_at: "2026-03-02T13:00:00Z" },
    ]);
    await givenRows(warehouse, "case_events", [
      ...caseEvents("X1", [
        ["2026-03-02T20:00:00Z", "escalated", 1], // before the 1-day threshold: on time
        ["2026-03-04T06:00:00Z", "escalated", 2], // 6 h after the 2-day threshold: late
      ]),
      // X2 spends 30 h in new_order_review (under its 2 days), then arrives in payment_hold older than 1 day.
      ...caseEvents("X2", [
        ["2026-03-02T00:00:00Z", "created", "new_order_review"],
        ["2026-03-03T06:00:00Z", "transferred", "payment_hold"],
        ["2026-03-03T12:00:00Z", "resolved"],
      ]),
      // No level: the cycle's first escalation is level 1.
      ...caseEvents("X4", [["2026-03-02T12:00:00Z", "escalated", null]]),
    ]);
    const result = await buildModels(warehouse, { models: caseFlowModels("escalation_compliance") });
    expect(result.failedTests).toEqual([]);
    const paymentHold = { queue: "payment_hold", responsible_team: "payments_desk" };
    expect(await flagged()).toEqual([
      {
        case_id: "X1",
        level: 1,
        ...paymentHold,
        threshold_s: D,
        crossed_at: "2026-03-03T00:00:00Z",
        escalated_at: "2026-03-02T20:00:00Z",
        status: "on_time",
        is_exception: false,
        overdue_s: null,
      },
      {
        case_id: "X1",
        level: 2,
        ...paymentHold,
        threshold_s: 2 * D,
        crossed_at: "2026-03-04T00:00:00Z",
        escalated_at: "2026-03-04T06:00:00Z",
        status: "late",
        is_exception: true,
        overdue_s: 6 * H,
      },
      {
        case_id: "X1",
        level: 3,
        ...paymentHold,
        threshold_s: 3 * D,
        crossed_at: "2026-03-05T00:00:00Z",
        escalated_at: null,
        status: "missing",
        is_exception: true,
        overdue_s: 12 * H, // to the as-of time
      },
      {
        case_id: "X2",
        level: 1,
        ...paymentHold,
        threshold_s: D,
        crossed_at: "2026-03-03T06:00:00Z", // on arrival
        escalated_at: null,
        status: "missing",
        is_exception: true,
        overdue_s: 6 * H, // until it was resolved
      },
      {
        case_id: "X4",
        level: 1,
        ...paymentHold,
        threshold_s: D,
        crossed_at: "2026-03-03T00:00:00Z",
        escalated_at: "2026-03-02T12:00:00Z",
        status: "on_time",
        is_exception: false,
        overdue_s: null,
      },
      {
        case_id: "X4",
        level: 2,
        ...paymentHold,
        threshold_s: 2 * D,
        crossed_at: "2026-03-04T00:00:00Z",
        escalated_at: null,
        status: "missing",
        is_exception: true,
        overdue_s: 36 * H,
      },
      {
        case_id: "X4",
        level: 3,
        ...paymentHold,
        threshold_s: 3 * D,
        crossed_at: "2026-03-05T00:00:00Z",
        escalated_at: null,
        status: "missing",
        is_exception: true,
        overdue_s: 12 * H,
      },
      {
        case_id: "X5",
        level: 1,
        queue: "new_order_review",
        responsible_team: "order_desk",
        threshold_s: 2 * D,
        crossed_at: "2026-03-04T13:00:00Z",
        escalated_at: null,
        status: "missing",
        is_exception: true,
        overdue_s: 23 * H,
      },
    ]);
  });

  test("a queue whose policy ages on business time crosses its thresholds later", async () => {
    await givenAsOf(warehouse, "2026-03-06T12:00:00Z");
    // Opened Monday 08:00 New York in new_order_review (08:00–20:00, Monday to Saturday).
    await givenCases(warehouse, [
      { case_id: "X5", queue: "new_order_review", opened_at: "2026-03-02T13:00:00Z" },
    ]);
    const loaded = structuredClone(await loadPolicy());
    loaded.policy.queues.new_order_review.aging.clock = "business";
    await buildModels(warehouse, { models: caseFlowModels("escalation_compliance"), policy: loaded });
    // 2 days = 48 business hours = four 12-hour days: Thursday 20:00 New York.
    expect((await flagged()).map((r) => [r.level, r.crossed_at, r.status, r.overdue_s])).toEqual([
      [1, "2026-03-06T01:00:00Z", "missing", 11 * H],
    ]);
  });
});
