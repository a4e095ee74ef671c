import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const timeline = (caseId: string) =>
  warehouse.all(
    `SELECT cycle, span_seq, strftime(span_start, '%H:%M') AS start, strftime(span_end, '%H:%M') AS "end", queue, state,
            dependency, started_by, anomaly
     FROM int_case_timeline WHERE case_id = $1 ORDER BY span_seq`,
    [caseId],
  );

describe("int_case_timeline", () => {
  test("queues, dependency waits, resolution and a reopen as spans", async () => {
    await givenRows(warehouse, "cases", [
      {
        case_id: "C1",
        queue: "refund_validation",
        opened_at: "2026-03-02T09:00:00Z",
        resolved_at: "2026-03-02T16:00:00Z",
        closed_at: "2026-03-02T16:00:00Z",
      },
    ]);
    await givenRows(
      warehouse,
      "case_events",
      caseEvents("C1", [
        ["2026-03-02T09:00:00Z", "created", "payment_hold"],
        ["2026-03-02T09:00:00Z", "assigned"],
        ["2026-03-02T10:00:00Z", "transferred", "refund_validation", { from_queue: "payment_hold" }],
        ["2026-03-02T11:00:00Z", "pending_dependency", "customer"],
        ["2026-03-02T13:00:00Z", "dependency_returned"],
        ["2026-03-02T14:00:00Z", "resolved"],
        ["2026-03-02T15:00:00Z", "reopened"],
        ["2026-03-02T16:00:00Z", "resolved"],
        ["2026-03-02T16:30:00Z", "closed"],
      ]),
    );
    const result = await buildModels(warehouse);
    expect(result.failedTests).toEqual([]);
    expect(await timeline("C1")).toEqual([
      {
        cycle: 1,
        span_seq: 1,
        start: "09:00",
        end: "09:00",
        queue: "payment_hold",
        state: "open",
        dependency: null,
        started_by: "opened",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 2,
        start: "09:00",
        end: "09:00",
        queue: "payment_hold",
        state: "open",
        dependency: null,
        started_by: "created",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 3,
        start: "09:00",
        end: "10:00",
        queue: "payment_hold",
        state: "open",
        dependency: null,
        started_by: "assigned",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 4,
        start: "10:00",
        end: "11:00",
        queue: "refund_validation",
        state: "open",
        dependency: null,
        started_by: "transferred",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 5,
        start: "11:00",
        end: "13:00",
        queue: "refund_validation",
        state: "pending",
        dependency: "customer",
        started_by: "pending_dependency",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 6,
        start: "13:00",
        end: "14:00",
        queue: "refund_validation",
        state: "open",
        dependency: null,
        started_by: "dependency_returned",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 7,
        start: "14:00",
        end: "15:00",
        queue: "refund_validation",
        state: "resolved",
        dependency: null,
        started_by: "resolved",
        anomaly: null,
      },
      {
        cycle: 2,
        span_seq: 8,
        start: "15:00",
        end: "16:00",
        queue: "refund_validation",
        state: "open",
        dependency: null,
        started_by: "reopened",
        anomaly: null,
      },
      {
        cycle: 2,
        span_seq: 9,
        start: "16:00",
        end: "16:30",
        queue: "refund_validation",
        state: "resolved",
        dependency: null,
        started_by: "resolved",
        anomaly: null,
      },
      {
        cycle: 2,
        span_seq: 10,
        start: "16:30",
        end: null,
        queue: "refund_validation",
        state: "closed",
        dependency: null,
        started_by: "closed",
        anomaly: null,
      },
    ]);
  });

  test("tolerates missing and early events: flagged, not dropped", async () => {
    await givenRows(warehouse, "cases", [
      // No events at all: the snapshot gives the opening and the resolution (and, the status being
      // resolved, not a closing at its closed_at).
      {
        case_id: "C2",
        opened_at: "2026-03-02T09:00:00Z",
        status: "resolved",
        resolved_at: "2026-03-02T12:00:00Z",
        closed_at: "2026-03-02T12:00:00Z",
      },
      // An event stamped before the case opened, and no resolution event although the case is closed.
      {
        case_id: "C3",
        queue: "allocation_failure",
        opened_at: "2026-03-02T09:00:00Z",
        resolved_at: "2026-03-02T11:00:00Z",
        closed_at: "2026-03-02T11:00:00Z",
      },
    ]);
    await givenRows(warehouse, "case_events", caseEvents("C3", [["2026-03-02T08:55:00Z", "assigned"]]));
    const result = await buildModels(warehouse);
    expect(result.failedTests).toEqual([]);
    expect(await timeline("C2")).toEqual([
      {
        cycle: 1,
        span_seq: 1,
        start: "09:00",
        end: "12:00",
        queue: "payment_hold",
        state: "open",
        dependency: null,
        started_by: "opened",
        anomaly: null,
      },
      {
        cycle: 1,
        span_seq: 2,
        start: "12:00",
        end: null,
        queue: "payment_hold",
        state: "resolved",
        dependency: null,
        started_by: "resolved",
        anomaly: "resolution taken from the case snapshot",
      },
    ]);
    expect((await timeline("C3")).map((s) => [s.start, s.started_by, s.state, s.anomaly])).toEqual([
      ["09:00", "opened", "open", null],
      ["09:00", "assigned", "open", "event before the case opened"],
      ["11:00", "closed", "closed", "resolution taken from the case snapshot"],
    ]);
  });
});
