import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { buildModels } from "../../models/runner.ts";
import { modelsFor } from "../helpers/models.ts";
import { aCase, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { givenFebruaryAndMarch } from "./mbr-scenario.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = modelsFor("mbr_month");

describe("mbr_month", () => {
  test("what is late, why, what is systemic, who owns the fix, and whether risk is growing", async () => {
    await givenFebruaryAndMarch(warehouse);
    const result = await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await warehouse.all("SELECT * EXCLUDE (kpis) FROM mbr_month ORDER BY month");
    expect(rows).toEqual([
      {
        month: "2026-02",
        partial_month: true, // the data starts on 2 February
        // F1 breached, F2 met: 50% against payment_hold's 90% goal.
        late_queues: [
          {
            queue: "payment_hold",
            cycles_due: 2,
            met: 1,
            breached: 1,
            attainment: 0.5,
            goal: 0.9,
            responsible: "payments_desk",
            accountable: "head_of_payments_operations",
          },
        ],
        late_queue_count: 1,
        top_miss_reasons: [
          { attributed_to: "operating_team", owner_team: "payments_desk", misses: 1, share: 1 },
        ],
        resolution_misses: 1,
        // DEF-1 has been seen in one month only.
        systemic_defects: [],
        fix_owners: ["head_of_payments_operations"],
        resolution_attainment: 2 / 3,
        previous_resolution_attainment: null,
        aged_backlog: 0,
        previous_aged_backlog: null,
        risk_state: "insufficient_data",
        risk_reason: "no attainment or aged backlog to compare with the previous month",
      },
      {
        month: "2026-03",
        partial_month: true,
        // C3 is open past its due time: payment_hold at 2 of 3.
        late_queues: [
          expect.objectContaining({ queue: "payment_hold", met: 2, breached: 1, attainment: 2 / 3 }),
        ],
        late_queue_count: 1,
        top_miss_reasons: [
          { attributed_to: "operating_team", owner_team: "payments_desk", misses: 1, share: 1 },
        ],
        resolution_misses: 1,
        systemic_defects: [
          {
            source_system: "wms",
            defect_ref: "DEF-1",
            occurrences_in_month: 1,
            months_seen_to_date: 2,
            first_seen_at: new Date("2026-02-20T09:00:00Z"),
            status: "open",
            owner: "wms_engineering",
          },
        ],
        fix_owners: ["head_of_payments_operations", "wms_engineering"],
        resolution_attainment: 0.8,
        previous_resolution_attainment: 2 / 3,
        aged_backlog: 1,
        previous_aged_backlog: 0,
        // Aged backlog up, attainment up: one worsened, one improved.
        risk_state: "mixed",
        risk_reason: "aged backlog 0 → 1, resolution attainment 66.7% → 80.0%",
      },
    ]);
  });

  test("each KPI with its month-over-month change, in the KPI's own direction", async () => {
    await givenFebruaryAndMarch(warehouse);
    await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    const [march] = await warehouse.all<{ kpis: Record<string, unknown>[] }>(
      "SELECT kpis FROM mbr_month WHERE month = '2026-03'",
    );
    const byKpi = Object.fromEntries((march?.kpis ?? []).map((k) => [k.kpi, k]));
    expect(byKpi.sla_resolution_attainment).toEqual({
      kpi: "sla_resolution_attainment",
      unit: "share",
      better: "higher",
      value: 0.8,
      previous_month_value: 2 / 3,
      mom_change: 0.8 - 2 / 3,
      mom_change_pct: 0.8 / (2 / 3) - 1,
      previous_year_value: null,
      yoy_change: null,
      yoy_change_pct: null,
      mom_direction: "better",
    });
    // More open cases is worse; a KPI new this month has nothing to compare with.
    expect(byKpi.backlog_open_cases).toMatchObject({
      value: 1,
      previous_month_value: 0,
      mom_direction: "worse",
    });
    expect(byKpi.qa_score).toMatchObject({ value: 85, previous_month_value: null, mom_direction: null });
  });

  test("risk grows when the aged backlog rises while attainment falls", async () => {
    await givenFebruaryAndMarch(warehouse);
    // Four more March cases in payment_hold resolved after a day: attainment falls to 4 of 9.
    await givenRows(
      warehouse,
      "cases",
      ["L1", "L2", "L3", "L4"].map((case_id) =>
        aCase({ case_id, opened_at: "2026-03-03T14:00:00Z", resolved_at: "2026-03-04T14:00:00Z" }),
      ),
    );
    await buildModels(warehouse, { models, reportingTimeZone: "UTC" });
    expect(
      await warehouse.all(
        "SELECT resolution_attainment, aged_backlog, risk_state FROM mbr_month WHERE month = '2026-03'",
      ),
    ).toEqual([{ resolution_attainment: 4 / 9, aged_backlog: 1, risk_state: "growing" }]);
  });
});
