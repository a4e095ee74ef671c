import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ensureIngestSchema } from "../../ingest/schema.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await Warehouse.open(":memory:");
  await ensureIngestSchema(warehouse);
});
afterEach(() => warehouse.close());

async function givenCase(
  id: string,
  queue: string,
  opened: string,
  status: string,
  resolved: string | null = null,
) {
  await warehouse.run(
    `INSERT INTO raw.cases (case_id, queue, work_type, category, opened_at, resolved_at, closed_at, status, updated_at, _load_id)
     VALUES ($1, $2, 'exception', 'other', $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5, $3::TIMESTAMPTZ, 1)`,
    [id, queue, opened, resolved, status],
  );
}

/** [event_id, case_id, occurred_at, event_type, to_queue, dependency, from_queue] */
async function givenEvents(
  rows: [string, string, string, string, string | null, string | null, string | null][],
) {
  for (const [id, caseId, at, type, to, dependency, from] of rows) {
    await warehouse.run(
      `INSERT INTO raw.case_events (event_id, case_id, occurred_at, event_type, to_queue, dependency, from_queue, _load_id)
       VALUES ($1, $2, $3::TIMESTAMPTZ, $4, $5, $6, $7, 1)`,
      [id, caseId, at, type, to, dependency, from],
    );
  }
}

const timeline = (caseId: string) =>
  warehouse.all(
    `SELECT cycle, span_seq, strftime(span_start, '%H:%M') AS start, strftime(span_end, '%H:%M') AS "end", queue, state,
            dependency, started_by, anomaly
     FROM int_case_timeline WHERE case_id = $1 ORDER BY span_seq`,
    [caseId],
  );

describe("int_case_timeline", () => {
  test("queues, dependency waits, resolution and a reopen as spans", async () => {
    await givenCase("C1", "refund_validation", "2026-03-02T09:00:00Z", "closed", "2026-03-02T16:00:00Z");
    await givenEvents([
      ["E1", "C1", "2026-03-02T09:00:00Z", "created", "payment_hold", null, null],
      ["E2", "C1", "2026-03-02T09:00:00Z", "assigned", null, null, null],
      ["E3", "C1", "2026-03-02T10:00:00Z", "transferred", "refund_validation", null, "payment_hold"],
      ["E4", "C1", "2026-03-02T11:00:00Z", "pending_dependency", null, "customer", null],
      ["E5", "C1", "2026-03-02T13:00:00Z", "dependency_returned", null, null, null],
      ["E6", "C1", "2026-03-02T14:00:00Z", "resolved", null, null, null],
      ["E7", "C1", "2026-03-02T15:00:00Z", "reopened", null, null, null],
      ["E8", "C1", "2026-03-02T16:00:00Z", "resolved", null, null, null],
      ["E9", "C1", "2026-03-02T16:30:00Z", "closed", null, null, null],
    ]);
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
    // No events at all: the snapshot gives the opening and the resolution.
    await givenCase("C2", "payment_hold", "2026-03-02T09:00:00Z", "resolved", "2026-03-02T12:00:00Z");
    // An event stamped before the case opened, and no resolution event although the case is closed.
    await givenCase("C3", "allocation_failure", "2026-03-02T09:00:00Z", "closed", "2026-03-02T11:00:00Z");
    await givenEvents([["E1", "C3", "2026-03-02T08:55:00Z", "assigned", null, null, null]]);
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
