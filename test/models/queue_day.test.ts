import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ensureIngestSchema } from "../../ingest/schema.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import type { Database } from "../../models/database.ts";
import { coldKysely } from "../../models/kysely-duckdb.ts";
import { queueDay } from "../../models/marts/queue_day.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { MODELS } from "../../models/registry.ts";
import { buildModels, dependencyOrder } from "../../models/runner.ts";

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await Warehouse.open(":memory:");
  await ensureIngestSchema(warehouse);
});
afterEach(() => warehouse.close());

/** Hand-built cases: [id, queue, opened_at, status, resolved_at]. */
async function givenCases(rows: [string, string, string, string, string | null][]) {
  for (const [id, queue, opened, status, resolved] of rows) {
    await warehouse.run(
      `INSERT INTO raw.cases (case_id, queue, work_type, category, opened_at, resolved_at, closed_at, status, updated_at, _load_id)
       VALUES ($1, $2, 'exception', 'other', $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, $4::TIMESTAMPTZ, $5, $3::TIMESTAMPTZ, 1)`,
      [id, queue, opened, resolved, status],
    );
  }
}

describe("queue_day", () => {
  test("compiles cold, with no database, to one statement with bound parameters", async () => {
    const { policy } = await loadPolicy();
    const compiled = queueDay
      .build({
        db: coldKysely<Database>(),
        policy,
        asOf: new Date("2026-03-05T00:00:00Z"),
        reportingTimeZone: "America/New_York",
      })
      .compile();
    expect(compiled.sql).toMatch(/^with "case_days" as/);
    expect(compiled.parameters).toContain("America/New_York");
    expect(compiled.sql).not.toContain("America/New_York");
  });

  test("counts receipts, completions, cancellations, carryover and recovery per queue per day", async () => {
    await givenCases([
      ["A", "payment_hold", "2026-03-02T09:00:00Z", "resolved", "2026-03-02T10:00:00Z"], // in and out on day 1
      ["B", "payment_hold", "2026-03-02T22:00:00Z", "closed", "2026-03-03T09:00:00Z"], // carried to day 2
      ["C", "payment_hold", "2026-03-02T23:00:00Z", "cancelled", "2026-03-04T09:00:00Z"], // cancelled day 3
      ["D", "payment_hold", "2026-03-03T12:00:00Z", "open", null], // still open
      ["E", "shipment_exception", "2026-03-04T08:00:00Z", "resolved", "2026-03-04T08:30:00Z"],
    ]);
    const result = await buildModels(warehouse, { reportingTimeZone: "UTC" });
    expect(result.failedTests).toEqual([]);
    const rows = await warehouse.all(
      "select queue, day, open_start, receipts, completions, cancellations, carryover, recovered, recovery_rate from queue_day order by queue, day",
    );
    expect(rows).toEqual([
      {
        queue: "payment_hold",
        day: "2026-03-02",
        open_start: 0,
        receipts: 3,
        completions: 1,
        cancellations: 0,
        carryover: 2,
        recovered: 0,
        recovery_rate: null,
      },
      {
        queue: "payment_hold",
        day: "2026-03-03",
        open_start: 2,
        receipts: 1,
        completions: 1,
        cancellations: 0,
        carryover: 2,
        recovered: 1,
        recovery_rate: 0.5,
      },
      {
        queue: "payment_hold",
        day: "2026-03-04",
        open_start: 2,
        receipts: 0,
        completions: 0,
        cancellations: 1,
        carryover: 1,
        recovered: 1,
        recovery_rate: 0.5,
      },
      {
        queue: "shipment_exception",
        day: "2026-03-02",
        open_start: 0,
        receipts: 0,
        completions: 0,
        cancellations: 0,
        carryover: 0,
        recovered: 0,
        recovery_rate: null,
      },
      {
        queue: "shipment_exception",
        day: "2026-03-03",
        open_start: 0,
        receipts: 0,
        completions: 0,
        cancellations: 0,
        carryover: 0,
        recovered: 0,
        recovery_rate: null,
      },
      {
        queue: "shipment_exception",
        day: "2026-03-04",
        open_start: 0,
        receipts: 1,
        completions: 1,
        cancellations: 0,
        carryover: 0,
        recovered: 0,
        recovery_rate: null,
      },
    ]);
  });

  test("days are counted in the reporting time zone", async () => {
    // 02:00Z on 3 March is still 2 March in New York.
    await givenCases([["A", "payment_hold", "2026-03-03T02:00:00Z", "open", null]]);
    await buildModels(warehouse, { reportingTimeZone: "America/New_York" });
    expect(await warehouse.all("select day, receipts from queue_day")).toEqual([
      { day: "2026-03-02", receipts: 1 },
    ]);
  });

  test("a broken invariant fails the build's data tests, naming the model and test", async () => {
    await givenCases([["A", "payment_hold", "2026-03-02T09:00:00Z", "open", null]]);
    await buildModels(warehouse, { reportingTimeZone: "UTC" });
    await warehouse.run("UPDATE queue_day SET carryover = carryover + 1");
    const { runDataTests } = await import("../../models/runner.ts");
    const failed = (await runDataTests(warehouse, [queueDay])).filter((t) => t.failures > 0);
    expect(failed.map((t) => t.test)).toEqual([
      "flow conservation: open_start + receipts - completions - cancellations = carryover",
      "last day's carryover equals the cases still open in stg_cases",
    ]);
    expect(failed[0]?.model).toBe("queue_day");
    expect(failed[0]?.sample[0]).toMatchObject({ queue: "payment_hold", carryover: 2 });
  });
});

describe("the runner", () => {
  test("orders models after the models they read", () => {
    const names = dependencyOrder(MODELS).map((m) => m.name);
    expect(names.indexOf("stg_cases")).toBeLessThan(names.indexOf("queue_day"));
  });

  test("reports a dependency cycle", () => {
    const a = { ...queueDay, name: "stg_orders" as const, dependsOn: ["stg_cases" as const] };
    const b = { ...queueDay, name: "stg_cases" as const, dependsOn: ["stg_orders" as const] };
    expect(() => dependencyOrder([a, b])).toThrow(
      /model dependency cycle: stg_cases → stg_orders → stg_cases/,
    );
  });
});
