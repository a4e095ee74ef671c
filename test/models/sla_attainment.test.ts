import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { buildModels } from "../../models/runner.ts";
import { caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { caseFlowModels, givenAsOf, givenCases, rows } from "./case-flow-fixtures.ts";

// payment_hold counts 24×7; standard cases must resolve within 4 h (goal 95%), p1 within 1 h (98%).
// Periods are counted in the reporting zone, New York (EST, UTC−5, in early March 2026). Cases are
// standard work in payment_hold unless they say otherwise.
let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
  await givenAsOf(warehouse, "2026-03-06T12:00:00Z");
  await givenCases(warehouse, [
    // Met; due 13:00 Monday 2 March.
    { case_id: "R1", opened_at: "2026-03-02T14:00:00Z", resolved_at: "2026-03-02T15:00:00Z" },
    // 6 h, of which 3 waiting on the warehouse: a miss attributed to the warehouse; due Monday.
    { case_id: "R2", opened_at: "2026-03-02T14:00:00Z", resolved_at: "2026-03-02T20:00:00Z" },
    // Sunday 1 March: a miss of the operating team, in the ISO week that began on 23 February.
    { case_id: "R3", opened_at: "2026-03-01T15:00:00Z", resolved_at: "2026-03-01T22:00:00Z" },
    // p1, still open and past due since 06:00 Monday: breached on Monday.
    { case_id: "R4", priority: "p1", opened_at: "2026-03-02T10:00:00Z" },
    // Open, 2 h of 4 h used: not yet due, counted nowhere.
    { case_id: "R5", opened_at: "2026-03-06T10:00:00Z" },
    // Met on Tuesday, reopened, then missed on Tuesday: a first-cycle hit, an all-cycle miss.
    { case_id: "R6", opened_at: "2026-03-03T14:00:00Z", resolved_at: "2026-03-03T21:00:00Z" },
  ]);
  await givenRows(warehouse, "case_events", [
    ...caseEvents("R2", [
      ["2026-03-02T14:05:00Z", "worked"],
      ["2026-03-02T15:00:00Z", "pending_dependency", "warehouse"],
      ["2026-03-02T18:00:00Z", "dependency_returned"],
      ["2026-03-02T20:00:00Z", "resolved"],
    ]),
    ...caseEvents("R6", [
      ["2026-03-03T15:00:00Z", "resolved"],
      ["2026-03-03T16:00:00Z", "reopened"],
      ["2026-03-03T21:00:00Z", "resolved"],
    ]),
  ]);
});
afterEach(() => warehouse.close());

const attainment = () =>
  rows(
    warehouse,
    `SELECT priority_tier, period, period_start, cycles_due, met, breached, attainment, goal, goal_met,
            first_cycle_met, first_cycle_breached, misses_operating_team, misses_misrouting, misses_dependency, misses_by_owner
     FROM sla_attainment WHERE metric = 'resolution' AND queue = 'payment_hold' AND work_type = 'standard'
     ORDER BY priority_tier, period, period_start`,
  );

const team = (misses: number) => ({ attributed_to: "operating_team", owner_team: "payments_desk", misses });
const warehouseMiss = { attributed_to: "warehouse", owner_team: "warehouse_operations", misses: 1 };

describe("sla_attainment", () => {
  test("met and breached by the period the target fell due, with misses by reason and owner", async () => {
    const result = await buildModels(warehouse, { models: caseFlowModels("sla_attainment") });
    expect(result.failedTests).toEqual([]);
    const row = (
      priority_tier: string,
      period: string,
      period_start: string,
      met: number,
      breached: number,
      first: [number, number],
      misses: [number, number],
      byOwner: unknown[],
    ) => ({
      priority_tier,
      period,
      period_start,
      cycles_due: met + breached,
      met,
      breached,
      attainment: met / (met + breached),
      goal: priority_tier === "p1" ? 0.98 : 0.95,
      goal_met: false,
      first_cycle_met: first[0],
      first_cycle_breached: first[1],
      misses_operating_team: misses[0],
      misses_misrouting: 0,
      misses_dependency: misses[1],
      misses_by_owner: byOwner,
    });
    expect(await attainment()).toEqual([
      row("default", "day", "2026-03-01", 0, 1, [0, 1], [1, 0], [team(1)]),
      row("default", "day", "2026-03-02", 1, 1, [1, 1], [0, 1], [warehouseMiss]),
      row("default", "day", "2026-03-03", 1, 1, [1, 0], [1, 0], [team(1)]),
      row("default", "month", "2026-03-01", 2, 3, [2, 2], [2, 1], [team(2), warehouseMiss]),
      row("default", "week", "2026-02-23", 0, 1, [0, 1], [1, 0], [team(1)]),
      row("default", "week", "2026-03-02", 2, 2, [2, 1], [1, 1], [team(1), warehouseMiss]),
      row("p1", "day", "2026-03-02", 0, 1, [0, 1], [1, 0], [team(1)]),
      row("p1", "month", "2026-03-01", 0, 1, [0, 1], [1, 0], [team(1)]),
      row("p1", "week", "2026-03-02", 0, 1, [0, 1], [1, 0], [team(1)]),
    ]);
  });

  test("weeks start on the policy's week_starts_on", async () => {
    const loaded = structuredClone(await loadPolicy());
    loaded.policy.reporting.week_starts_on = "sun";
    await buildModels(warehouse, { models: caseFlowModels("sla_attainment"), policy: loaded });
    const weeks = (await attainment())
      .filter((r) => r.period === "week")
      .map((r) => [r.priority_tier, r.period_start, r.cycles_due]);
    // Sunday 1 March now starts the week that holds the Monday and Tuesday too.
    expect(weeks).toEqual([
      ["default", "2026-03-01", 5],
      ["p1", "2026-03-01", 1],
    ]);
  });

  test("first-touch attainment uses the first-touch goal", async () => {
    await buildModels(warehouse, { models: caseFlowModels("sla_attainment") });
    // R1 and R3 have no events: their resolution is their first touch, after 1 h and 7 h against 30 min.
    expect(
      await rows(
        warehouse,
        `SELECT period_start, met, breached, goal FROM sla_attainment
         WHERE metric = 'first_touch' AND period = 'day' AND priority_tier = 'default' ORDER BY period_start`,
      ),
    ).toEqual([
      { period_start: "2026-03-01", met: 0, breached: 1, goal: 0.95 },
      { period_start: "2026-03-02", met: 1, breached: 1, goal: 0.95 }, // R2 worked after 5 min, R1 did not
      { period_start: "2026-03-03", met: 0, breached: 2, goal: 0.95 },
      { period_start: "2026-03-06", met: 0, breached: 1, goal: 0.95 }, // R5: open, untouched after 2 h
    ]);
  });
});
