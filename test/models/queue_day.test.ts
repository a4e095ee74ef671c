import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Database } from "../../models/database.ts";
import { coldKysely } from "../../models/kysely-duckdb.ts";
import { queueDay } from "../../models/marts/queue_day.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { MODELS } from "../../models/registry.ts";
import { buildModels, dependencyOrder, runDataTests } from "../../models/runner.ts";
import { caseEvents, givenRows, openWarehouse } from "../helpers/raw-rows.ts";
import { caseFlowModels, givenAsOf, givenCases, rows } from "./case-flow-fixtures.ts";

// payment_hold and shipment_exception count days in New York (EST, UTC−5 in early March 2026),
// allocation_failure in Berlin (CET, UTC+1). payment_hold's aging bands are <4h, 4h–8h, 8h–1d, 1d–3d,
// ≥3d; its backlog turns amber at 30 open or 8 h old, red at 80 or 1 day. Cases are standard work in
// payment_hold unless they say otherwise.
const H = 3600;
const band = (counts: number[]) =>
  ["<4h", "4h–8h", "8h–1d", "1d–3d", "≥3d"].map((label, i) => ({
    band_order: i + 1,
    label,
    cases: counts[i] ?? 0,
  }));

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await openWarehouse();
});
afterEach(() => warehouse.close());

const models = caseFlowModels("queue_day");

describe("queue_day", () => {
  test("compiles cold, with no database, to one statement with bound parameters", async () => {
    const { policy } = await loadPolicy();
    const compiled = queueDay
      .build({
        db: coldKysely<Database>(),
        policy,
        asOf: new Date("2026-03-05T00:00:00Z"),
        reportingTimeZone: "UTC",
      })
      .compile();
    expect(compiled.sql).toMatch(/^with "stays" as/);
    expect(compiled.parameters).toContain("America/New_York");
    expect(compiled.sql).not.toContain("America/New_York");
  });

  test("flow, backlog by age, oldest age, control state and SLA attainment per queue per day", async () => {
    await givenCases(warehouse, [
      { case_id: "A", opened_at: "2026-03-02T09:00:00Z", resolved_at: "2026-03-02T10:00:00Z" }, // in and out on day 1
      { case_id: "B", opened_at: "2026-03-02T22:00:00Z", closed_at: "2026-03-03T09:00:00Z" }, // carried to day 2
      {
        case_id: "C",
        opened_at: "2026-03-02T23:00:00Z",
        status: "cancelled",
        closed_at: "2026-03-04T09:00:00Z",
      }, // cancelled day 3
      { case_id: "D", opened_at: "2026-03-03T12:00:00Z" }, // still open
      {
        case_id: "E",
        queue: "shipment_exception",
        opened_at: "2026-03-04T08:00:00Z",
        resolved_at: "2026-03-04T08:30:00Z",
      },
    ]);
    // The as-of time is the last thing the data mentions: C's cancellation, 2026-03-04T09:00Z.
    const result = await buildModels(warehouse, { models });
    expect(result.failedTests).toEqual([]);
    const got = await rows(
      warehouse,
      `SELECT queue, day, open_start, receipts, new_cases, transfers_in, reopened, completions, cancellations, transfers_out,
              carryover, recovered, recovery_rate, backlog_by_age, oldest_open_age_s, sla_due, sla_met, sla_breached,
              sla_attainment, backlog_state
       FROM queue_day ORDER BY queue, day`,
    );
    const flat = { new_cases: 0, transfers_in: 0, reopened: 0, transfers_out: 0 };
    expect(got).toEqual([
      {
        queue: "payment_hold",
        day: "2026-03-02",
        open_start: 0,
        receipts: 3,
        ...flat,
        new_cases: 3,
        completions: 1,
        cancellations: 0,
        carryover: 2,
        recovered: 0,
        recovery_rate: null,
        backlog_by_age: band([0, 2]), // B 7 h, C 6 h old at midnight New York
        oldest_open_age_s: 7 * H,
        sla_due: 2, // A met (due 08:00), B breached (due 21:00 New York)
        sla_met: 1,
        sla_breached: 1,
        sla_attainment: 0.5,
        backlog_state: "green",
      },
      {
        queue: "payment_hold",
        day: "2026-03-03",
        open_start: 2,
        receipts: 1,
        ...flat,
        new_cases: 1,
        completions: 1,
        cancellations: 0,
        carryover: 2,
        recovered: 1, // B, from the opening backlog
        recovery_rate: 0.5,
        backlog_by_age: band([0, 0, 1, 1]), // D 17 h, C 30 h
        oldest_open_age_s: 30 * H,
        sla_due: 1, // D, still open, past due since 11:00 New York
        sla_met: 0,
        sla_breached: 1,
        sla_attainment: 0,
        backlog_state: "red", // oldest ≥ 1 day
      },
      {
        queue: "payment_hold",
        day: "2026-03-04",
        open_start: 2,
        receipts: 0,
        ...flat,
        completions: 0,
        cancellations: 1,
        carryover: 1,
        recovered: 0, // a cancellation is not a completion
        recovery_rate: 0,
        backlog_by_age: band([0, 0, 1]), // D, 21 h old at the as-of time (the day has not ended)
        oldest_open_age_s: 21 * H,
        sla_due: 0,
        sla_met: 0,
        sla_breached: 0,
        sla_attainment: null,
        backlog_state: "amber", // oldest ≥ 8 h
      },
      ...["2026-03-02", "2026-03-03"].map((day) => ({
        queue: "shipment_exception",
        day,
        open_start: 0,
        receipts: 0,
        ...flat,
        completions: 0,
        cancellations: 0,
        carryover: 0,
        recovered: 0,
        recovery_rate: null,
        backlog_by_age: ["<8h", "8h–1d", "1d–3d", "3d–7d", "≥7d"].map((label, i) => ({
          band_order: i + 1,
          label,
          cases: 0,
        })),
        oldest_open_age_s: null,
        sla_due: 0,
        sla_met: 0,
        sla_breached: 0,
        sla_attainment: null,
        backlog_state: "green",
      })),
      {
        queue: "shipment_exception",
        day: "2026-03-04",
        open_start: 0,
        receipts: 1,
        ...flat,
        new_cases: 1,
        completions: 1,
        cancellations: 0,
        carryover: 0,
        recovered: 0,
        recovery_rate: null,
        backlog_by_age: ["<8h", "8h–1d", "1d–3d", "3d–7d", "≥7d"].map((label, i) => ({
          band_order: i + 1,
          label,
          cases: 0,
        })),
        oldest_open_age_s: null,
        sla_due: 0, // E falls due on 5 March, after the last day
        sla_met: 0,
        sla_breached: 0,
        sla_attainment: null,
        backlog_state: "green",
      },
    ]);
  });

  test("days are counted in each queue's calendar zone", async () => {
    // 23:30Z on 2 March is still the 2nd in New York and already the 3rd in Berlin.
    await givenCases(warehouse, [
      { case_id: "NY", opened_at: "2026-03-02T23:30:00Z" },
      { case_id: "BER", queue: "allocation_failure", opened_at: "2026-03-02T23:30:00Z" },
    ]);
    await buildModels(warehouse, { models });
    expect(
      await rows(warehouse, "SELECT queue, day, time_zone, receipts FROM queue_day ORDER BY queue, day"),
    ).toEqual([
      { queue: "allocation_failure", day: "2026-03-02", time_zone: "Europe/Berlin", receipts: 0 },
      { queue: "allocation_failure", day: "2026-03-03", time_zone: "Europe/Berlin", receipts: 1 },
      { queue: "payment_hold", day: "2026-03-02", time_zone: "America/New_York", receipts: 1 },
      { queue: "payment_hold", day: "2026-03-03", time_zone: "America/New_York", receipts: 0 },
    ]);
  });

  test("transfers and reopens: counted in and out, and flow conserves", async () => {
    await givenCases(warehouse, [
      { case_id: "T", opened_at: "2026-03-02T14:00:00Z", resolved_at: "2026-03-03T16:00:00Z" },
    ]);
    await givenRows(
      warehouse,
      "case_events",
      caseEvents("T", [
        ["2026-03-02T14:00:00Z", "created", "new_order_review"],
        ["2026-03-02T16:00:00Z", "transferred", "payment_hold"],
        ["2026-03-02T18:00:00Z", "resolved"],
        ["2026-03-03T15:00:00Z", "reopened"],
        ["2026-03-03T16:00:00Z", "resolved"],
      ]),
    );
    const result = await buildModels(warehouse, { models });
    expect(result.failedTests).toEqual([]);
    expect(
      await rows(
        warehouse,
        `SELECT queue, day, open_start, new_cases, transfers_in, reopened, receipts, completions, transfers_out, carryover
         FROM queue_day ORDER BY queue, day`,
      ),
    ).toEqual([
      {
        queue: "new_order_review",
        day: "2026-03-02",
        open_start: 0,
        new_cases: 1,
        transfers_in: 0,
        reopened: 0,
        receipts: 1,
        completions: 0,
        transfers_out: 1,
        carryover: 0,
      },
      {
        queue: "new_order_review",
        day: "2026-03-03",
        open_start: 0,
        new_cases: 0,
        transfers_in: 0,
        reopened: 0,
        receipts: 0,
        completions: 0,
        transfers_out: 0,
        carryover: 0,
      },
      {
        queue: "payment_hold",
        day: "2026-03-02",
        open_start: 0,
        new_cases: 0,
        transfers_in: 1,
        reopened: 0,
        receipts: 1,
        completions: 1,
        transfers_out: 0,
        carryover: 0,
      },
      {
        queue: "payment_hold",
        day: "2026-03-03",
        open_start: 0,
        new_cases: 0,
        transfers_in: 0,
        reopened: 1,
        receipts: 1,
        completions: 1,
        transfers_out: 0,
        carryover: 0,
      },
    ]);
  });

  test("a queue whose policy ages on business time", async () => {
    // Opened Monday 18:00 New York in new_order_review (08:00–20:00): at midnight, and at the as-of time
    // (Tuesday 05:00), it is 2 business hours old, though 6 and 11 hours have passed.
    await givenCases(warehouse, [
      { case_id: "X", queue: "new_order_review", opened_at: "2026-03-02T23:00:00Z" },
    ]);
    await givenAsOf(warehouse, "2026-03-03T10:00:00Z");
    const loaded = await loadPolicy();
    const onBusinessTime = structuredClone(loaded);
    onBusinessTime.policy.queues.new_order_review.aging.clock = "business";
    const expected = (clock: string, ages: [number, number]) =>
      ["2026-03-02", "2026-03-03"].map((day, i) => ({ day, aging_clock: clock, oldest_open_age_s: ages[i] }));
    const query = "SELECT day, aging_clock, oldest_open_age_s FROM queue_day ORDER BY day";
    await buildModels(warehouse, { models, policy: onBusinessTime });
    expect(await rows(warehouse, query)).toEqual(expected("business", [2 * H, 2 * H]));
    await buildModels(warehouse, { models, policy: loaded });
    expect(await rows(warehouse, query)).toEqual(expected("actual", [6 * H, 11 * H]));
  });

  test("a broken invariant fails the build's data tests, naming the model and test", async () => {
    await givenCases(warehouse, [{ case_id: "A", opened_at: "2026-03-02T09:00:00Z" }]);
    await buildModels(warehouse, { models });
    await warehouse.run("UPDATE queue_day SET carryover = carryover + 1");
    const failed = (await runDataTests(warehouse, [queueDay])).filter((t) => t.failures > 0);
    expect(failed.map((t) => t.test)).toEqual([
      "flow conservation: open_start + receipts - completions - cancellations - transfers_out = carryover",
      "the aging bands hold the whole carryover",
      "last day's carryover equals the cases whose timeline ends open in the queue",
    ]);
    expect(failed[0]?.model).toBe("queue_day");
    expect(failed[0]?.sample[0]).toMatchObject({ queue: "payment_hold", carryover: 2 });
  });
});

describe("the runner", () => {
  test("orders models after the models they read", () => {
    const names = dependencyOrder(MODELS).map((m) => m.name);
    expect(names.indexOf("stg_cases")).toBeLessThan(names.indexOf("queue_day"));
    expect(names.indexOf("case_sla")).toBeLessThan(names.indexOf("queue_day"));
  });

  test("reports a dependency cycle", () => {
    const a = { ...queueDay, name: "stg_orders" as const, dependsOn: ["stg_cases" as const] };
    const b = { ...queueDay, name: "stg_cases" as const, dependsOn: ["stg_orders" as const] };
    expect(() => dependencyOrder([a, b])).toThrow(
      /model dependency cycle: stg_cases → stg_orders → stg_cases/,
    );
  });
});
