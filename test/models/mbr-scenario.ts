/**
 * A small operation over February and March 2026 for the KPI and MBR marts. payment_hold works 24×7
 * (calendar always_on) and its exception cases must resolve within 8 hours, so business time equals
 * wall-clock time there and every SLA verdict can be read off the timestamps.
 */
import type { Warehouse } from "../../ingest/warehouse.ts";
import { allDimensions, givenRows, orderEvents } from "../helpers/raw-rows.ts";

export async function givenFebruaryAndMarch(warehouse: Warehouse): Promise<void> {
  await givenRows(warehouse, "orders", [
    // Placed 09:00 New York on Monday 2 March (the order desk's business hours), released 2 h and 4 h later.
    { order_id: "O1", placed_at: "2026-03-02T14:00:00Z", status: "shipped" },
    { order_id: "O2", placed_at: "2026-03-02T14:00:00Z", status: "shipped" },
    // The data's last record (its as-of time): Friday 6 March, 14:00Z.
    { order_id: "O3", placed_at: "2026-03-06T14:00:00Z" },
  ]);
  await givenRows(warehouse, "order_events", [
    ...orderEvents("O1", [
      ["2026-03-02T14:00:00Z", "placed"],
      ["2026-03-02T16:00:00Z", "released"],
      ["2026-03-03T14:00:00Z", "shipped"],
      ["2026-03-04T14:00:00Z", "return_requested"],
      ["2026-03-05T14:00:00Z", "refund_issued"],
    ]),
    ...orderEvents("O2", [
      ["2026-03-02T14:00:00Z", "placed"],
      ["2026-03-02T18:00:00Z", "released"],
      ["2026-03-03T14:00:00Z", "shipped"],
    ]),
    ...orderEvents("O3", [["2026-03-06T14:00:00Z", "placed"]]),
  ]);
  const resolved = (case_id: string, opened_at: string, resolved_at: string, fields = {}) => ({
    case_id,
    opened_at,
    resolved_at,
    ...fields,
  });
  await givenRows(warehouse, "cases", [
    // February in payment_hold: one resolved after 24 h (breached), one after 1 h (met).
    resolved("F1", "2026-02-02T14:00:00Z", "2026-02-03T14:00:00Z"),
    resolved("F2", "2026-02-02T15:00:00Z", "2026-02-02T16:00:00Z"),
    // March: both met; C2's root cause is an agent error on O2.
    resolved("C1", "2026-03-02T14:00:00Z", "2026-03-02T16:00:00Z", { order_id: "O1" }),
    resolved("C2", "2026-03-03T14:00:00Z", "2026-03-03T15:00:00Z", {
      order_id: "O2",
      root_cause: "agent_error",
    }),
    // Open since 1 March: five days old at the as-of time, in payment_hold's oldest aging band (≥ 3d).
    { case_id: "C3", opened_at: "2026-03-01T14:00:00Z" },
  ]);
  // A repeat defect in allocation_failure (Berlin office hours), recurring in February and March.
  const defect = (case_id: string, day: string) =>
    resolved(case_id, `${day}T09:00:00Z`, `${day}T10:00:00Z`, {
      queue: "allocation_failure",
      root_cause: "system_defect",
      source_system: "wms",
      defect_ref: "DEF-1",
      owner_team: "wms_engineering",
    });
  await givenRows(warehouse, "cases", [
    defect("D1", "2026-02-20"),
    defect("D2", "2026-02-25"),
    defect("D3", "2026-03-02"),
  ]);
  await givenRows(warehouse, "qa_reviews", [
    { review_id: "Q1", case_id: "C1", reviewed_at: "2026-03-04T12:00:00Z", ...allDimensions(90) },
    { review_id: "Q2", case_id: "C2", reviewed_at: "2026-03-04T12:00:00Z", ...allDimensions(80) },
    // A calibration session: two reviewers 10 points apart, so the variance of their means is 50.
    {
      review_id: "K1",
      case_id: "C1",
      reviewer_id: "R1",
      reviewed_at: "2026-03-05T12:00:00Z",
      calibration_session_id: "S",
      ...allDimensions(80),
    },
    {
      review_id: "K2",
      case_id: "C1",
      reviewer_id: "R2",
      reviewed_at: "2026-03-05T12:00:00Z",
      calibration_session_id: "S",
      ...allDimensions(90),
    },
  ]);
}
