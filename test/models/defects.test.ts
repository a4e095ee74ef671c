import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("defects", "root_cause_mix");

/** A system-defect case: [id, source_system, defect_ref, opened_at, resolved_at | null, owner_team | null, order]. */
type DefectCase = [string, string, string, string, string | null, string | null, string | null];

async function givenDefectCases(rows: DefectCase[], queue = "allocation_failure") {
  await givenRows(
    warehouse,
    "orders",
    [...new Set(rows.flatMap((r) => (r[6] ? [r[6]] : [])))].map((order_id) => ({
      order_id,
      placed_at: "2026-01-01T00:00:00Z",
    })),
  );
  await givenRows(
    warehouse,
    "cases",
    rows.map(([case_id, source_system, defect_ref, opened_at, resolved_at, owner_team, order_id]) => ({
      case_id,
      queue,
      root_cause: "system_defect",
      source_system,
      defect_ref,
      opened_at,
      resolved_at,
      owner_team,
      order_id,
    })),
  );
}

describe("defects", () => {
  test("a source system and defect reference recurring min_occurrences times within the window is a pattern", async () => {
    // The shipped policy: 3 occurrences within 14 days.
    const { policy } = await loadPolicy();
    expect(policy.defects).toEqual({ min_occurrences: 3, window: 14 * 86_400 });
    await givenDefectCases([
      // wms DEF-1: three within 14 days (1, 5, 10 March), then again in April, still open.
      ["W1", "wms", "DEF-1", "2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z", "wms_engineering", "O1"],
      ["W2", "wms", "DEF-1", "2026-03-05T09:00:00Z", "2026-03-06T09:00:00Z", "wms_engineering", "O2"],
      ["W3", "wms", "DEF-1", "2026-03-10T09:00:00Z", "2026-03-11T09:00:00Z", "fulfilment", "O2"],
      ["W4", "wms", " DEF-1 ", "2026-04-20T09:00:00Z", null, null, "O3"], // the reference is trimmed
      // oms DEF-2: three cases, but never three within 14 days.
      ["M1", "oms", "DEF-2", "2026-01-01T09:00:00Z", "2026-01-02T09:00:00Z", null, null],
      ["M2", "oms", "DEF-2", "2026-01-20T09:00:00Z", "2026-01-21T09:00:00Z", null, null],
      ["M3", "oms", "DEF-2", "2026-02-10T09:00:00Z", "2026-02-11T09:00:00Z", null, null],
    ]);
    // payments DEF-3: three in three days in February, all finished: contained 14 days after the last.
    await givenDefectCases(
      [
        ["P1", "payments", "DEF-3", "2026-02-01T09:00:00Z", "2026-02-04T09:00:00Z", null, null],
        ["P2", "payments", "DEF-3", "2026-02-02T09:00:00Z", "2026-02-04T09:00:00Z", null, null],
        ["P3", "payments", "DEF-3", "2026-02-03T09:00:00Z", "2026-02-20T09:00:00Z", null, null],
      ],
      "payment_hold",
    );
    // Same reference, another root cause: not a system defect, not counted.
    await givenRows(warehouse, "cases", [
      {
        case_id: "X1",
        root_cause: "agent_error",
        source_system: "payments",
        defect_ref: "DEF-3",
        opened_at: "2026-02-02T10:00:00Z",
      },
    ]);

    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await warehouse.all(
      `SELECT source_system, defect_ref, occurrences, peak_in_window, strftime(first_seen_at, '%m-%d') AS first_seen,
              strftime(detected_at, '%m-%d') AS detected, strftime(last_seen_at, '%m-%d') AS last_seen, months_seen,
              orders_affected, open_cases, queues, status, strftime(contained_at, '%m-%d %H:%M') AS contained_at,
              owner, owner_source
       FROM defects ORDER BY first_seen_at`,
    );
    expect(rows).toEqual([
      {
        source_system: "payments",
        defect_ref: "DEF-3",
        occurrences: 3,
        peak_in_window: 3,
        first_seen: "02-01",
        detected: "02-03",
        last_seen: "02-03",
        months_seen: 1,
        orders_affected: 0,
        open_cases: 0,
        queues: ["payment_hold"],
        status: "contained",
        // Its last case finished on 20 February, after the window closed on 17 February.
        contained_at: "02-20 09:00",
        // No case names an owner team: the accountable owner of the queue its cases sit in.
        owner: "head_of_payments_operations",
        owner_source: "queue_accountable",
      },
      {
        source_system: "wms",
        defect_ref: "DEF-1",
        occurrences: 4,
        peak_in_window: 3,
        first_seen: "03-01",
        detected: "03-10",
        last_seen: "04-20",
        months_seen: 2,
        orders_affected: 3,
        open_cases: 1,
        queues: ["allocation_failure"],
        status: "open",
        contained_at: null,
        owner: "wms_engineering",
        owner_source: "case_owner_team",
      },
    ]);
  });

  test("a pattern with no open case is still open within one window of its last occurrence", async () => {
    await givenDefectCases([
      ["W1", "wms", "DEF-1", "2026-03-01T09:00:00Z", "2026-03-01T10:00:00Z", null, null],
      ["W2", "wms", "DEF-1", "2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z", null, null],
      ["W3", "wms", "DEF-1", "2026-03-03T09:00:00Z", "2026-03-03T10:00:00Z", null, null],
    ]);
    // The data's as-of time: 10 March, 7 days after the last occurrence.
    await givenRows(warehouse, "orders", [{ order_id: "late", placed_at: "2026-03-10T00:00:00Z" }]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(await warehouse.all("SELECT status, open_cases FROM defects")).toEqual([
      { status: "open", open_cases: 0 },
    ]);
  });
});

describe("root_cause_mix", () => {
  test("cases by month, queue and root cause, the four causes kept apart and unrecorded causes counted", async () => {
    const base = { queue: "refund_validation", opened_at: "2026-03-02T12:00:00Z" };
    await givenRows(warehouse, "cases", [
      {
        ...base,
        case_id: "A1",
        root_cause: "agent_error",
        status: "resolved",
        resolved_at: "2026-03-03T12:00:00Z",
      },
      { ...base, case_id: "A2", root_cause: "agent_error" },
      { ...base, case_id: "U1", root_cause: "unclear_policy" },
      { ...base, case_id: "S1", root_cause: "system_defect", source_system: "returns", defect_ref: "R-9" },
      { ...base, case_id: "D1", root_cause: "upstream_data" },
      { ...base, case_id: "N1" },
      // 1 April 03:00Z is still 31 March in New York.
      { ...base, case_id: "M1", root_cause: "agent_error", opened_at: "2026-04-01T03:00:00Z" },
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "America/New_York" });
    expect(result.failedTests).toEqual([]);
    expect(
      await warehouse.all(
        "SELECT month, root_cause, cases, completed_cases, share FROM root_cause_mix ORDER BY month, cases DESC, root_cause",
      ),
    ).toEqual([
      { month: "2026-03", root_cause: "agent_error", cases: 3, completed_cases: 1, share: 3 / 7 },
      { month: "2026-03", root_cause: "system_defect", cases: 1, completed_cases: 0, share: 1 / 7 },
      { month: "2026-03", root_cause: "unassigned", cases: 1, completed_cases: 0, share: 1 / 7 },
      { month: "2026-03", root_cause: "unclear_policy", cases: 1, completed_cases: 0, share: 1 / 7 },
      { month: "2026-03", root_cause: "upstream_data", cases: 1, completed_cases: 0, share: 1 / 7 },
    ]);
  });
});
