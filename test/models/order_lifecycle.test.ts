import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { anOrder, caseEvents, givenRows, openWarehouse, orderEvents } from "../helpers/raw-rows.ts";
import { caseFlowModels, givenAsOf, givenCases, rows } from "./case-flow-fixtures.ts";

// Turnaround counts business time of new_order_review's calendar: 08:00–20:00 New York, Monday to
// Saturday (EST, UTC−5, before 8 March 2026). Cases are standard work in payment_hold unless they say
// otherwise.
const H = 3600;

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
  await givenAsOf(warehouse, "2026-03-12T16:00:00Z");
});
afterEach(() => warehouse.close());

describe("order_lifecycle", () => {
  test("turnaround, exception path, and return-to-refund cycle time per order", async () => {
    await givenRows(warehouse, "orders", [
      anOrder({
        order_id: "O1",
        placed_at: "2026-03-02T14:00:00Z",
        status: "returned",
        promised_ship_by: "2026-03-03T12:00:00Z",
      }),
      anOrder({ order_id: "O2", placed_at: "2026-03-02T15:00:00Z" }),
      anOrder({ order_id: "O3", placed_at: "2026-03-02T15:00:00Z", status: "released" }),
    ]);
    await givenRows(warehouse, "order_events", [
      ...orderEvents("O1", [
        ["2026-03-02T14:00:00Z", "placed"],
        ["2026-03-02T16:00:00Z", "released"], // Monday 11:00 New York
        ["2026-03-03T14:00:00Z", "shipped"], // Tuesday 09:00
        ["2026-03-05T15:00:00Z", "refund_issued"], // a refund before any return: not the return's
        ["2026-03-10T15:00:00Z", "return_requested"],
        ["2026-03-12T15:00:00Z", "refund_issued"],
      ]),
      // Stamped an hour before the order was placed.
      ...orderEvents("O3", [["2026-03-02T14:00:00Z", "released"]]),
    ]);
    await givenCases(warehouse, [
      {
        case_id: "C1",
        order_id: "O1",
        category: "address_mismatch",
        root_cause: "agent_error",
        opened_at: "2026-03-02T14:30:00Z",
        resolved_at: "2026-03-02T15:30:00Z",
      },
      {
        case_id: "C2",
        order_id: "O1",
        queue: "shipment_exception",
        category: "carrier_delay",
        opened_at: "2026-03-04T10:00:00Z",
      },
    ]);
    await givenRows(
      warehouse,
      "case_events",
      caseEvents("C1", [
        ["2026-03-02T14:30:00Z", "created", "new_order_review"],
        ["2026-03-02T15:00:00Z", "transferred", "payment_hold"],
        ["2026-03-02T15:30:00Z", "resolved"],
      ]),
    );
    const result = await buildModels(warehouse, { models: caseFlowModels("order_lifecycle") });
    expect(result.failedTests).toEqual([]);
    expect(
      await rows(
        warehouse,
        `SELECT order_id, released_at, shipped_at, calendar, placed_to_released_actual_s, placed_to_released_business_s,
                placed_to_shipped_actual_s, placed_to_shipped_business_s, shipped_late, exception_cases, open_exception_cases,
                exception_path, exception_categories, has_agent_error_case, return_requested_at, refund_issued_at,
                return_to_refund_actual_s, anomaly
         FROM order_lifecycle WHERE order_id <> 'AS-OF' ORDER BY order_id`,
      ),
    ).toEqual([
      {
        order_id: "O1",
        released_at: "2026-03-02T16:00:00Z",
        shipped_at: "2026-03-03T14:00:00Z",
        calendar: "us_east_extended",
        placed_to_released_actual_s: 2 * H,
        placed_to_released_business_s: 2 * H,
        placed_to_shipped_actual_s: 24 * H,
        placed_to_shipped_business_s: 12 * H, // 09:00–20:00 Monday and 08:00–09:00 Tuesday
        shipped_late: true,
        exception_cases: 2,
        open_exception_cases: 1,
        exception_path: ["new_order_review", "payment_hold", "shipment_exception"],
        exception_categories: ["address_mismatch", "carrier_delay"],
        has_agent_error_case: true,
        return_requested_at: "2026-03-10T15:00:00Z",
        refund_issued_at: "2026-03-12T15:00:00Z",
        return_to_refund_actual_s: 48 * H,
        anomaly: null,
      },
      {
        order_id: "O2",
        released_at: null,
        shipped_at: null,
        calendar: "us_east_extended",
        placed_to_released_actual_s: null,
        placed_to_released_business_s: null,
        placed_to_shipped_actual_s: null,
        placed_to_shipped_business_s: null,
        shipped_late: null,
        exception_cases: 0,
        open_exception_cases: 0,
        exception_path: [],
        exception_categories: [],
        has_agent_error_case: false,
        return_requested_at: null,
        refund_issued_at: null,
        return_to_refund_actual_s: null,
        anomaly: null,
      },
      {
        order_id: "O3",
        released_at: "2026-03-02T15:00:00Z", // kept at the placing instant, and flagged
        shipped_at: null,
        calendar: "us_east_extended",
        placed_to_released_actual_s: 0,
        placed_to_released_business_s: 0,
        placed_to_shipped_actual_s: null,
        placed_to_shipped_business_s: null,
        shipped_late: null,
        exception_cases: 0,
        open_exception_cases: 0,
        exception_path: [],
        exception_categories: [],
        has_agent_error_case: false,
        return_requested_at: null,
        refund_issued_at: null,
        return_to_refund_actual_s: null,
        anomaly: "event before the order was placed",
      },
    ]);
  });
});
