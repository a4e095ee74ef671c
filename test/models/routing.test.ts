import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { caseFlowModels, givenAsOf, givenCases, rows } from "./case-flow-fixtures.ts";

// Cases are standard work in payment_hold unless they say otherwise.
const H = 3600;

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
  await givenAsOf(warehouse, "2026-03-03T16:00:00Z");
});
afterEach(() => warehouse.close());

describe("routing", () => {
  test("misrouted cases, their path, and the delay in actual and business time of the final queue", async () => {
    await givenCases(warehouse, [
      { case_id: "M", opened_at: "2026-03-02T14:00:00Z", resolved_at: "2026-03-02T19:00:00Z" },
      { case_id: "P", queue: "refund_validation", opened_at: "2026-03-02T21:00:00Z" },
      { case_id: "N", opened_at: "2026-03-02T14:00:00Z", resolved_at: "2026-03-02T15:00:00Z" },
    ]);
    await givenRows(warehouse, "case_events", [
      // Two hours in the order desk's queue before reaching payments (24×7).
      ...caseEvents("M", [
        ["2026-03-02T14:00:00Z", "created", "new_order_review"],
        ["2026-03-02T16:00:00Z", "transferred", "payment_hold"],
        ["2026-03-02T19:00:00Z", "resolved"],
      ]),
      // Sent away at 17:00 New York and brought back at 10:00 the next day: 18 hours, of which
      // refund_validation's office calendar (09:00–17:00) counts one on Monday and one on Tuesday.
      ...caseEvents("P", [
        ["2026-03-02T21:00:00Z", "created", "refund_validation"],
        ["2026-03-02T22:00:00Z", "transferred", "payment_hold"],
        ["2026-03-03T15:00:00Z", "transferred", "refund_validation"],
      ]),
    ]);
    const result = await buildModels(warehouse, { models: caseFlowModels("routing") });
    expect(result.failedTests).toEqual([]);
    expect(
      await rows(
        warehouse,
        `SELECT case_id, cycle, first_queue, final_queue, queue_path, transfers, wrong_queue_stays, last_transfer_at,
                delay_actual_s, delay_business_s, is_open, resolution_state, breach_attributed_to
         FROM routing ORDER BY case_id`,
      ),
    ).toEqual([
      {
        case_id: "M",
        cycle: 1,
        first_queue: "new_order_review",
        final_queue: "payment_hold",
        queue_path: ["new_order_review", "payment_hold"],
        transfers: 1,
        wrong_queue_stays: [{ queue: "new_order_review", actual_s: 2 * H }],
        last_transfer_at: "2026-03-02T16:00:00Z",
        delay_actual_s: 2 * H,
        delay_business_s: 2 * H,
        is_open: false,
        resolution_state: "breached", // 5 h against 4 h, 2 h of it misrouted
        breach_attributed_to: "misrouting",
      },
      {
        case_id: "P",
        cycle: 1,
        first_queue: "refund_validation",
        final_queue: "refund_validation",
        queue_path: ["refund_validation", "payment_hold", "refund_validation"],
        transfers: 2,
        wrong_queue_stays: [
          { queue: "refund_validation", actual_s: H },
          { queue: "payment_hold", actual_s: 17 * H },
        ],
        last_transfer_at: "2026-03-03T15:00:00Z",
        delay_actual_s: 18 * H,
        delay_business_s: 2 * H,
        is_open: true,
        resolution_state: "running",
        breach_attributed_to: null,
      },
    ]);
  });
});
