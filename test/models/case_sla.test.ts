import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Database } from "../../models/database.ts";
import { intCaseSlaWindows } from "../../models/intermediate/int_case_sla_windows.ts";
import { coldKysely } from "../../models/kysely-duckdb.ts";
import { caseSla } from "../../models/marts/case_sla.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels, runDataTests } from "../../models/runner.ts";
import { caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { caseFlowModels, givenAsOf, givenCases, rows } from "./case-flow-fixtures.ts";

// Early March 2026: New York is on EST (UTC−5) until 8 March. Calendars and targets are the shipped
// policy's: payment_hold is 24×7 (standard: resolve 4 h, first touch 30 min; p1: 1 h, 10 min),
// refund_validation counts 09:00–17:00 New York on weekdays (exception: 24 h, 8 h), new_order_review
// 08:00–20:00 Monday to Saturday (standard p2: 2 h, 30 min). Cases are standard work in payment_hold
// unless they say otherwise.
const H = 3600;

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
  await givenAsOf(warehouse, "2026-03-03T00:00:00Z");
});
afterEach(() => warehouse.close());

const buildSla = async () => {
  const result = await buildModels(warehouse, { models: caseFlowModels("case_sla") });
  expect(result.failedTests).toEqual([]);
};

const sla = (caseId: string, columns: string) =>
  rows(
    warehouse,
    `SELECT metric, cycle, ${columns} FROM case_sla WHERE case_id = $1 ORDER BY cycle, metric`,
    [caseId],
  );

describe("case_sla", () => {
  test("compiles cold to one statement each, the as-of time a bound parameter", async () => {
    const { policy } = await loadPolicy();
    const context = {
      db: coldKysely<Database>(),
      policy,
      asOf: new Date("2026-03-03T00:00:00Z"),
      reportingTimeZone: "UTC",
    };
    const windows = intCaseSlaWindows.build(context).compile();
    expect(windows.sql).toMatch(/^with "cycles" as/);
    expect(windows.parameters).toContain("2026-03-03T00:00:00.000Z");
    expect(windows.sql).not.toContain("2026-03-03");
    expect(caseSla.build(context).compile().sql).toMatch(/^with "last_transfers" as/);
  });

  test("a transfer, a customer wait and a reopen: misrouting, paused time, moved due time, two cycles", async () => {
    // Created in payment_hold by mistake, moved to refund_validation an hour later, waits two hours on
    // the customer, resolved; reopened and resolved again. All on Monday 2 March, 09:00–16:30 New York.
    await givenCases(warehouse, [
      {
        case_id: "A",
        queue: "refund_validation",
        work_type: "exception",
        opened_at: "2026-03-02T14:00:00Z",
        resolved_at: "2026-03-02T21:00:00Z",
        closed_at: "2026-03-02T21:30:00Z",
      },
    ]);
    await givenRows(
      warehouse,
      "case_events",
      caseEvents("A", [
        ["2026-03-02T14:00:00Z", "created", "payment_hold"],
        ["2026-03-02T14:00:00Z", "assigned"],
        ["2026-03-02T15:00:00Z", "transferred", "refund_validation"],
        ["2026-03-02T16:00:00Z", "pending_dependency", "customer"],
        ["2026-03-02T18:00:00Z", "dependency_returned"],
        ["2026-03-02T19:00:00Z", "resolved"],
        ["2026-03-02T20:00:00Z", "reopened"],
        ["2026-03-02T21:00:00Z", "resolved"],
        ["2026-03-02T21:30:00Z", "closed"],
      ]),
    );
    await buildSla();
    expect(
      await sla(
        "A",
        "queue, target_business_s, stopped_at, elapsed_business_s, elapsed_actual_s, paused_business_s, misrouting_business_s, operating_team_business_s, original_due_at, due_at, state",
      ),
    ).toEqual([
      {
        metric: "first_touch", // the customer request at 16:00Z is the first action (assigning is not)
        cycle: 1,
        queue: "refund_validation",
        target_business_s: 8 * H,
        stopped_at: "2026-03-02T16:00:00Z",
        elapsed_business_s: 2 * H,
        elapsed_actual_s: 2 * H,
        paused_business_s: 0,
        misrouting_business_s: H,
        operating_team_business_s: H,
        original_due_at: "2026-03-02T22:00:00Z", // 17:00 New York the same day
        due_at: "2026-03-02T22:00:00Z",
        state: "met",
      },
      {
        metric: "resolution",
        cycle: 1,
        queue: "refund_validation",
        target_business_s: 24 * H,
        stopped_at: "2026-03-02T19:00:00Z",
        elapsed_business_s: 3 * H, // 5 business hours less the 2 paused
        elapsed_actual_s: 5 * H,
        paused_business_s: 2 * H,
        misrouting_business_s: H,
        operating_team_business_s: 2 * H,
        original_due_at: "2026-03-04T22:00:00Z", // three 8-hour days: Wednesday 17:00
        due_at: "2026-03-05T16:00:00Z", // moved out by the 2 paused hours: Thursday 11:00
        state: "met",
      },
      {
        metric: "first_touch", // reopened 15:00 New York; the resolution is the first action
        cycle: 2,
        queue: "refund_validation",
        target_business_s: 8 * H,
        stopped_at: "2026-03-02T21:00:00Z",
        elapsed_business_s: H,
        elapsed_actual_s: H,
        paused_business_s: 0,
        misrouting_business_s: 0,
        operating_team_business_s: H,
        original_due_at: "2026-03-03T20:00:00Z", // 2 h on Monday + 6 h on Tuesday
        due_at: "2026-03-03T20:00:00Z",
        state: "met",
      },
      {
        metric: "resolution",
        cycle: 2,
        queue: "refund_validation",
        target_business_s: 24 * H,
        stopped_at: "2026-03-02T21:00:00Z",
        elapsed_business_s: H,
        elapsed_actual_s: H,
        paused_business_s: 0,
        misrouting_business_s: 0,
        operating_team_business_s: H,
        original_due_at: "2026-03-05T20:00:00Z",
        due_at: "2026-03-05T20:00:00Z",
        state: "met",
      },
    ]);
  });

  test("breach attribution: a non-pausing dependency, misrouting, or the operating team", async () => {
    await givenCases(warehouse, [
      // Waits 3 h on the warehouse and resolves after 5 h: 1 h over, and 3 h was the warehouse's.
      { case_id: "W", opened_at: "2026-03-02T10:00:00Z", resolved_at: "2026-03-02T15:00:00Z" },
      // 2 h in the wrong queue, then 3 h in payment_hold: 1 h over, and 2 h was misrouting.
      { case_id: "M", opened_at: "2026-03-02T10:00:00Z", resolved_at: "2026-03-02T15:00:00Z" },
      // Over by 2 h with a customer wait that began after the due time: it moves nothing.
      { case_id: "T", opened_at: "2026-03-02T10:00:00Z", resolved_at: "2026-03-02T17:00:00Z" },
    ]);
    await givenRows(warehouse, "case_events", [
      ...caseEvents("W", [
        ["2026-03-02T10:00:00Z", "created", "payment_hold"],
        ["2026-03-02T10:10:00Z", "worked"],
        ["2026-03-02T10:30:00Z", "pending_dependency", "warehouse"],
        ["2026-03-02T13:30:00Z", "dependency_returned"],
        ["2026-03-02T15:00:00Z", "resolved"],
      ]),
      ...caseEvents("M", [
        ["2026-03-02T10:00:00Z", "created", "new_order_review"],
        ["2026-03-02T12:00:00Z", "transferred", "payment_hold"],
        ["2026-03-02T12:05:00Z", "worked"],
        ["2026-03-02T15:00:00Z", "resolved"],
      ]),
      ...caseEvents("T", [
        ["2026-03-02T10:00:00Z", "created", "payment_hold"],
        ["2026-03-02T10:05:00Z", "worked"],
        ["2026-03-02T15:00:00Z", "pending_dependency", "customer"],
        ["2026-03-02T16:00:00Z", "dependency_returned"],
        ["2026-03-02T17:00:00Z", "resolved"],
      ]),
    ]);
    await buildSla();
    const breaches = await rows(
      warehouse,
      `SELECT case_id, metric, state, elapsed_business_s, dependency_business_s, misrouting_business_s, paused_business_s,
              due_at, breached_at, breach_attributed_to, breach_owner_team, dependency_waits
       FROM case_sla WHERE case_id IN ('W', 'M', 'T') ORDER BY case_id, metric`,
    );
    expect(breaches).toEqual([
      {
        case_id: "M",
        metric: "first_touch", // first worked at 12:05, 2 h 5 min after opening; 2 h of it misrouted
        state: "breached",
        elapsed_business_s: 2 * H + 300,
        dependency_business_s: 0,
        misrouting_business_s: 2 * H,
        paused_business_s: 0,
        due_at: "2026-03-02T10:30:00Z",
        breached_at: "2026-03-02T10:30:00Z",
        breach_attributed_to: "misrouting",
        breach_owner_team: "payments_desk",
        dependency_waits: [],
      },
      {
        case_id: "M",
        metric: "resolution",
        state: "breached",
        elapsed_business_s: 5 * H,
        dependency_business_s: 0,
        misrouting_business_s: 2 * H,
        paused_business_s: 0,
        due_at: "2026-03-02T14:00:00Z",
        breached_at: "2026-03-02T14:00:00Z",
        breach_attributed_to: "misrouting",
        breach_owner_team: "payments_desk",
        dependency_waits: [],
      },
      {
        case_id: "T",
        metric: "first_touch",
        state: "met",
        elapsed_business_s: 300,
        dependency_business_s: 0,
        misrouting_business_s: 0,
        paused_business_s: 0,
        due_at: "2026-03-02T10:30:00Z",
        breached_at: null,
        breach_attributed_to: null,
        breach_owner_team: null,
        dependency_waits: [],
      },
      {
        case_id: "T",
        metric: "resolution",
        state: "breached",
        elapsed_business_s: 6 * H,
        dependency_business_s: 0,
        misrouting_business_s: 0,
        paused_business_s: H,
        due_at: "2026-03-02T14:00:00Z", // the pause began an hour after the due time: not moved
        breached_at: "2026-03-02T14:00:00Z",
        breach_attributed_to: "operating_team",
        breach_owner_team: "payments_desk",
        dependency_waits: [],
      },
      {
        case_id: "W",
        metric: "first_touch",
        state: "met",
        elapsed_business_s: 600,
        dependency_business_s: 0,
        misrouting_business_s: 0,
        paused_business_s: 0,
        due_at: "2026-03-02T10:30:00Z",
        breached_at: null,
        breach_attributed_to: null,
        breach_owner_team: null,
        dependency_waits: [],
      },
      {
        case_id: "W",
        metric: "resolution",
        state: "breached",
        elapsed_business_s: 5 * H,
        dependency_business_s: 3 * H,
        misrouting_business_s: 0,
        paused_business_s: 0,
        due_at: "2026-03-02T14:00:00Z",
        breached_at: "2026-03-02T14:00:00Z",
        breach_attributed_to: "warehouse",
        breach_owner_team: "warehouse_operations",
        dependency_waits: [
          { dependency: "warehouse", owner_team: "warehouse_operations", business_s: 3 * H },
        ],
      },
    ]);
  });

  test("open cycles on the data's as-of time: running, at risk, paused, open-breached", async () => {
    // The as-of time is 2026-03-03T00:00Z.
    await givenCases(warehouse, [
      { case_id: "D", priority: "p1", opened_at: "2026-03-02T20:00:00Z" }, // 4 h against 1 h
      { case_id: "E1", opened_at: "2026-03-02T20:30:00Z" }, // 3.5 h of 4 h: at risk
      { case_id: "E2", opened_at: "2026-03-02T22:00:00Z" }, // 2 h of 4 h: running
      { case_id: "F", opened_at: "2026-03-02T21:00:00Z" }, // waiting on the customer
    ]);
    await givenRows(warehouse, "case_events", [
      ...caseEvents("D", [["2026-03-02T20:05:00Z", "worked"]]),
      ...caseEvents("E1", [["2026-03-02T20:31:00Z", "worked"]]),
      ...caseEvents("E2", [["2026-03-02T22:01:00Z", "worked"]]),
      ...caseEvents("F", [
        ["2026-03-02T21:05:00Z", "worked"],
        ["2026-03-02T21:30:00Z", "pending_dependency", "customer"],
      ]),
    ]);
    await buildSla();
    expect(
      await rows(
        warehouse,
        `SELECT case_id, priority_tier, target_business_s, elapsed_business_s, paused_business_s, original_due_at, due_at,
                state, is_breached, breached_at, breach_attributed_to, stopped_at
         FROM case_sla WHERE metric = 'resolution' ORDER BY case_id`,
      ),
    ).toEqual([
      {
        case_id: "D",
        priority_tier: "p1",
        target_business_s: H,
        elapsed_business_s: 4 * H,
        paused_business_s: 0,
        original_due_at: "2026-03-02T21:00:00Z",
        due_at: "2026-03-02T21:00:00Z",
        state: "open_breached",
        is_breached: true,
        breached_at: "2026-03-02T21:00:00Z",
        breach_attributed_to: "operating_team",
        stopped_at: null,
      },
      {
        case_id: "E1",
        priority_tier: "default",
        target_business_s: 4 * H,
        elapsed_business_s: 3.5 * H,
        paused_business_s: 0,
        original_due_at: "2026-03-03T00:30:00Z",
        due_at: "2026-03-03T00:30:00Z",
        state: "at_risk",
        is_breached: false,
        breached_at: null,
        breach_attributed_to: null,
        stopped_at: null,
      },
      {
        case_id: "E2",
        priority_tier: "default",
        target_business_s: 4 * H,
        elapsed_business_s: 2 * H,
        paused_business_s: 0,
        original_due_at: "2026-03-03T02:00:00Z",
        due_at: "2026-03-03T02:00:00Z",
        state: "running",
        is_breached: false,
        breached_at: null,
        breach_attributed_to: null,
        stopped_at: null,
      },
      {
        case_id: "F",
        priority_tier: "default",
        target_business_s: 4 * H,
        elapsed_business_s: 0.5 * H,
        paused_business_s: 2.5 * H, // paused from 21:30 to the as-of time, so far
        original_due_at: "2026-03-03T01:00:00Z",
        due_at: "2026-03-03T03:30:00Z",
        state: "paused",
        is_breached: false,
        breached_at: null,
        breach_attributed_to: null,
        stopped_at: null,
      },
    ]);
  });

  test("business hours across a closed night, a priority tier, first touch not counting an assignment", async () => {
    // new_order_review, standard p2 (resolve 2 h, first touch 30 min), 08:00–20:00 New York. Opened
    // Friday 27 February 19:30 New York: 30 minutes of business time that evening, the rest on Saturday.
    await givenCases(warehouse, [
      {
        case_id: "I",
        queue: "new_order_review",
        priority: "p2",
        opened_at: "2026-02-28T00:30:00Z",
        resolved_at: "2026-02-28T14:00:00Z", // Saturday 09:00 New York
      },
    ]);
    await givenRows(
      warehouse,
      "case_events",
      caseEvents("I", [
        ["2026-02-28T00:31:00Z", "assigned"],
        ["2026-02-28T13:10:00Z", "worked"], // Saturday 08:10
        ["2026-02-28T14:00:00Z", "resolved"],
      ]),
    );
    await buildSla();
    expect(
      await sla(
        "I",
        "priority_tier, target_business_s, elapsed_business_s, elapsed_actual_s, due_at, state, breached_at",
      ),
    ).toEqual([
      {
        metric: "first_touch",
        cycle: 1,
        priority_tier: "p2",
        target_business_s: 1800,
        elapsed_business_s: 2400, // 30 min on Friday + 10 min on Saturday
        elapsed_actual_s: 12 * H + 2400,
        due_at: "2026-02-28T01:00:00Z", // reached exactly at Friday's close, so due then
        state: "breached",
        breached_at: "2026-02-28T01:00:00Z",
      },
      {
        metric: "resolution",
        cycle: 1,
        priority_tier: "p2",
        target_business_s: 2 * H,
        elapsed_business_s: 1.5 * H,
        elapsed_actual_s: 13.5 * H,
        due_at: "2026-02-28T14:30:00Z", // Saturday 09:30
        state: "met",
        breached_at: null,
      },
    ]);
  });

  test("a case exported without events, and a cancelled one", async () => {
    await givenCases(warehouse, [
      // No events: the resolution is the only evidence of a touch.
      { case_id: "J", opened_at: "2026-03-02T10:00:00Z", resolved_at: "2026-03-02T11:00:00Z" },
      {
        case_id: "G",
        queue: "refund_validation",
        opened_at: "2026-03-02T15:00:00Z",
        status: "cancelled",
        closed_at: "2026-03-02T16:00:00Z",
      },
    ]);
    await buildSla();
    expect(
      await rows(
        warehouse,
        "SELECT case_id, metric, elapsed_business_s, state, is_breached FROM case_sla WHERE case_id IN ('G', 'J') ORDER BY case_id, metric",
      ),
    ).toEqual([
      { case_id: "G", metric: "first_touch", elapsed_business_s: H, state: "cancelled", is_breached: false },
      { case_id: "G", metric: "resolution", elapsed_business_s: H, state: "cancelled", is_breached: false },
      { case_id: "J", metric: "first_touch", elapsed_business_s: H, state: "breached", is_breached: true },
      { case_id: "J", metric: "resolution", elapsed_business_s: H, state: "met", is_breached: false },
    ]);
  });

  test("a broken invariant fails the build's data tests, naming the model and the test", async () => {
    await givenCases(warehouse, [
      { case_id: "J", opened_at: "2026-03-02T10:00:00Z", resolved_at: "2026-03-02T11:00:00Z" },
    ]);
    await buildSla();
    await warehouse.run("UPDATE case_sla SET misrouting_business_s = misrouting_business_s + 60");
    const failed = (await runDataTests(warehouse, [caseSla])).filter((t) => t.failures > 0);
    expect(failed.map((t) => [t.model, t.test])).toEqual([
      ["case_sla", "the reading splits into dependency, misrouting and operating-team time"],
    ]);
  });
});
