import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("control_exceptions");

const day = (d: number, hour = 12) =>
  `2026-03-${String(d).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00Z`;

/** An adjustment requested by P1 on 1 March, approved by P2 and executed by P3 on 2 March, unless stated. */
const adjustment = (adjustment_id: string, fields: Record<string, string | number | null>) => ({
  adjustment_id,
  order_id: "O1",
  requested_by: "P1",
  requested_at: day(1),
  approved_by: "P2",
  approved_at: day(2, 9),
  executed_by: "P3",
  executed_at: day(2, 10),
  evidence_ref: "photo-1",
  ...fields,
});

describe("control_exceptions", () => {
  test("each broken rule is a row naming the record, the rule, the people and the amount", async () => {
    await givenRows(warehouse, "orders", [
      { order_id: "O1", placed_at: day(1, 8), order_value: 1000, currency: "USD" },
      { order_id: "O2", placed_at: day(1, 8), order_value: 300, currency: "EUR" },
      { order_id: "O3", placed_at: day(1, 8), order_value: 100, currency: "USD" },
      { order_id: "O4", placed_at: day(1, 8), order_value: 9000, currency: "JPY" },
    ]);
    await givenRows(warehouse, "cases", [
      { case_id: "C3", order_id: "O2", opened_at: day(1, 9) },
      { case_id: "C4", order_id: "O3", opened_at: day(1, 9) },
    ]);
    await givenRows(warehouse, "case_events", [
      // C3's evidence came after the money moved; C4's before.
      { event_id: "E3", case_id: "C3", occurred_at: day(5), event_type: "note", evidence_attached: true },
      { event_id: "E4", case_id: "C4", occurred_at: day(1, 10), event_type: "note", evidence_attached: true },
    ]);
    await givenRows(warehouse, "adjustments", [
      // 600 USD is above the USD threshold (500), and its requester approved it.
      adjustment("ADJ1", { amount: 600, approved_by: "P1", executed_by: "P2" }),
      // 700 USD with no approver; with ADJ1 it takes the money moved on O1 (1,000) to 1,300.
      adjustment("ADJ2", {
        kind: "credit",
        amount: 700,
        approved_by: null,
        approved_at: null,
        executed_at: day(3),
      }),
      // The approver executed it; a refund-kind with no evidence before execution.
      adjustment("ADJ3", {
        kind: "partial_refund",
        order_id: "O2",
        case_id: "C3",
        amount: 50,
        currency: "EUR",
        requested_by: "P4",
        approved_by: "P5",
        executed_by: "P5",
        evidence_ref: null,
      }),
      // Clean: evidence on its case before execution.
      adjustment("ADJ4", { order_id: "O3", case_id: "C4", amount: 80, evidence_ref: null }),
      // In GBP on a USD order (below the GBP threshold of 400).
      adjustment("ADJ5", { order_id: "O3", amount: 40, currency: "GBP" }),
      // JPY is not listed: every amount needs an approver. Pending (not executed): not yet a breach.
      adjustment("ADJ6", {
        kind: "fee_waiver",
        order_id: "O4",
        amount: 20,
        currency: "JPY",
        approved_by: null,
        approved_at: null,
        executed_by: null,
        executed_at: null,
      }),
      adjustment("ADJ7", {
        kind: "credit",
        order_id: "O4",
        amount: 30,
        currency: "JPY",
        approved_by: null,
        approved_at: null,
      }),
      // An executor with no execution time.
      adjustment("ADJ8", { kind: "credit", order_id: "O3", amount: 10, executed_at: null }),
      // Executed before it was approved (ingest quarantines these; a raw row shows the rule still holds).
      adjustment("ADJ9", { order_id: "O3", amount: 10, approved_at: day(4), executed_at: day(3) }),
      // A refund with no evidence reference and no case to carry evidence.
      adjustment("ADJ11", { amount: 5, executed_at: day(2, 11), evidence_ref: null }),
      // An approver with no approval time, not executed.
      adjustment("ADJ10", {
        order_id: "O3",
        amount: 5,
        approved_at: null,
        executed_by: null,
        executed_at: null,
      }),
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await warehouse.all(
      "SELECT adjustment_id, rule_type, rule, people, amount, currency, threshold FROM control_exceptions ORDER BY adjustment_id, rule",
    );
    const flag = (
      adjustment_id: string,
      rule_type: string,
      rule: string,
      people: string[],
      amount: number,
      currency = "USD",
      threshold: number | null = null,
    ) => ({ adjustment_id, rule_type, rule, people, amount, currency, threshold });
    expect(rows).toEqual([
      flag("ADJ1", "segregation_of_duties", "requester_is_not_approver", ["P1"], 600),
      flag("ADJ1", "approval", "second_approver_missing", ["P1", "P2"], 600, "USD", 500),
      flag("ADJ10", "outside_policy", "approval_record_incomplete", ["P1", "P2"], 5),
      flag("ADJ11", "evidence", "evidence_missing", ["P1", "P2", "P3"], 5),
      flag("ADJ2", "outside_policy", "exceeds_order_value", ["P1", "P3"], 700),
      flag("ADJ2", "approval", "second_approver_missing", ["P1", "P3"], 700, "USD", 500),
      flag("ADJ3", "segregation_of_duties", "approver_is_not_executor", ["P5"], 50, "EUR"),
      flag("ADJ3", "evidence", "evidence_missing", ["P4", "P5"], 50, "EUR"),
      flag("ADJ5", "outside_policy", "currency_differs_from_order", ["P1", "P2", "P3"], 40, "GBP"),
      flag("ADJ7", "approval", "second_approver_missing", ["P1", "P3"], 30, "JPY", 0),
      flag("ADJ8", "outside_policy", "execution_record_incomplete", ["P1", "P2", "P3"], 10),
      flag("ADJ9", "outside_policy", "executed_before_approval", ["P2", "P3"], 10),
    ]);
    expect(
      await warehouse.all(
        "SELECT detail, requested_by, approved_by, executed_by, order_id, month FROM control_exceptions WHERE adjustment_id = 'ADJ1' ORDER BY rule",
      ),
    ).toEqual([
      {
        detail: "P1 is both requested_by and approved_by",
        requested_by: "P1",
        approved_by: "P1",
        executed_by: "P2",
        order_id: "O1",
        month: "2026-03",
      },
      {
        detail: "executed 600.00 USD above the threshold of 500.00 approved by its own requester P1",
        requested_by: "P1",
        approved_by: "P1",
        executed_by: "P2",
        order_id: "O1",
        month: "2026-03",
      },
    ]);
  });
});
