import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { aCase, caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("open_case_notes");

describe("open_case_notes", () => {
  test("each open case's latest note, by the case's event order, with the note count", async () => {
    await givenRows(warehouse, "cases", [
      aCase({ case_id: "OPEN", opened_at: "2026-03-02T09:00:00Z", priority: "p1" }),
      aCase({ case_id: "QUIET", opened_at: "2026-03-02T09:00:00Z" }),
      aCase({ case_id: "DONE", opened_at: "2026-03-02T09:00:00Z", resolved_at: "2026-03-03T09:00:00Z" }),
    ]);
    await givenRows(warehouse, "case_events", [
      ...caseEvents("OPEN", [
        ["2026-03-02T09:00:00Z", "created", "payment_hold"],
        ["2026-03-02T10:00:00Z", "note", null, { actor_id: "AG-1", note: "first look" }],
        // Two notes at one instant: the case's event order (here, as given) decides the latest.
        ["2026-03-02T11:00:00Z", "pending_dependency", "warehouse", { actor_id: "AG-2", note: "asked WMS" }],
        [
          "2026-03-02T11:00:00Z",
          "note",
          null,
          {
            actor_id: "AG-3",
            note: "</script><script>window.__xss=1</script> mail me at ops.lead@example.com",
          },
        ],
        // A later event without a note, and a blank note, do not replace the latest note.
        ["2026-03-02T12:00:00Z", "worked"],
        ["2026-03-02T13:00:00Z", "note", null, { note: "  " }],
      ]),
      // An open case with no note, and a finished case with one: neither is here.
      ...caseEvents("QUIET", [["2026-03-02T09:00:00Z", "created", "payment_hold"]]),
      ...caseEvents("DONE", [["2026-03-02T10:00:00Z", "note", null, { note: "x" }]]),
    ]);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(await warehouse.all("SELECT * FROM open_case_notes")).toEqual([
      {
        case_id: "OPEN",
        queue: "payment_hold",
        work_type: "exception",
        priority: "p1",
        notes: 3,
        latest_note_at: new Date("2026-03-02T11:00:00Z"),
        latest_note_by: "AG-3",
        latest_note_event_type: "note",
        // Contact details typed into a note never reach the mart; markup stays as written.
        latest_note: "</script><script>window.__xss=1</script> mail me at [email]",
      },
    ]);
  });

  test("a note that is only a phone number shows its placeholder", async () => {
    await givenRows(warehouse, "cases", [aCase({ case_id: "C1", opened_at: "2026-03-02T09:00:00Z" })]);
    await givenRows(
      warehouse,
      "case_events",
      caseEvents("C1", [["2026-03-02T10:00:00Z", "note", null, { note: "397-383-8716" }]]),
    );
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    expect(await warehouse.all("SELECT case_id, notes, latest_note FROM open_case_notes")).toEqual([
      { case_id: "C1", notes: 1, latest_note: "[phone]" },
    ]);
  });
});
