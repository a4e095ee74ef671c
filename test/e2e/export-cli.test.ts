/**
 * `orderops export` through the CLI: a warehouse built from hand-built rows is exported, and the Parquet
 * is read back with DuckDB's own reader, Hive partitioning on, as Spark or Trino would read the folders.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ensureIngestSchema } from "../../ingest/schema.ts";
import { Warehouse, withWarehouse } from "../../ingest/warehouse.ts";
import { MODELS } from "../../models/registry.ts";
import { buildModels } from "../../models/runner.ts";
import { orderops } from "../helpers/cli.ts";
import { givenRows } from "../helpers/raw-rows.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("export");
const db = join(dir, "warehouse.duckdb");
const out = join(dir, "parquet");
const MARTS = MODELS.filter((m) => m.layer === "marts")
  .map((m) => m.name)
  .sort();

beforeAll(async () => {
  await withWarehouse(db, async (warehouse) => {
    await ensureIngestSchema(warehouse);
    await warehouse.run(
      `INSERT INTO load_log VALUES (1, 'cases', 'test', 'csv', 'x', now(), 0, 0, 0, 0, 0, 0)`,
    );
    await givenRows(warehouse, "orders", [
      { order_id: "O1", placed_at: "2026-02-27T10:00:00Z" },
      { order_id: "O2", placed_at: "2026-03-02T10:00:00Z" },
    ]);
    await givenRows(warehouse, "cases", [
      {
        case_id: "C1",
        order_id: "O1",
        opened_at: "2026-02-27T12:00:00Z",
        status: "resolved",
        resolved_at: "2026-03-02T12:00:00Z",
      },
      {
        case_id: "C2",
        order_id: "O2",
        opened_at: "2026-03-03T12:00:00Z",
        category: "oversell",
        queue: "allocation_failure",
      },
    ]);
    await givenRows(warehouse, "qa_reviews", [
      { review_id: "R1", case_id: "C1", reviewed_at: "2026-03-04T12:00:00Z" },
    ]);
    await givenRows(warehouse, "adjustments", [
      {
        adjustment_id: "ADJ1",
        order_id: "O1",
        amount: 900,
        requested_at: "2026-03-02T12:00:00Z",
        executed_by: "P1",
        executed_at: "2026-03-03T12:00:00Z",
      },
    ]);
    const build = await buildModels(warehouse, { reportingTimeZone: "UTC" });
    expect(build.failedTests).toEqual([]);
  });
}, 120_000);

async function readBack<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const w = await Warehouse.open(":memory:");
  try {
    return await w.all<T>(sql.replaceAll("{out}", out));
  } finally {
    w.close();
  }
}

describe("orderops export", () => {
  test("writes every mart, partitioned by month where it has a date, and a manifest", async () => {
    const result = await orderops(["export", "--db", db, "--out", out], { cwd: dir });
    expect(result.stderr).toContain(`${MARTS.length} marts written to ${out}/`);
    expect(result.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...MARTS, "manifest.json"].sort());
    // A month column of its own, or the month of its first date.
    expect(readdirSync(join(out, "exception_themes")).sort()).toEqual(["month=2026-02", "month=2026-03"]);
    expect(readdirSync(join(out, "queue_day")).sort()).toEqual(["month=2026-02", "month=2026-03"]);
    // No date: one file. Empty: one file with every column, which readers accept.
    expect(readdirSync(join(out, "defects"))).toEqual(["data_0.parquet"]);
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.marts.map((m: { mart: string }) => m.mart)).toEqual(MARTS);
    expect(manifest.marts.find((m: { mart: string }) => m.mart === "queue_day")).toMatchObject({
      partitioned_by: "day",
      path: "queue_day",
      files: 2,
    });
    expect(manifest.as_of).toBe("2026-03-04T12:00:00.000Z");
  });

  test("DuckDB reads every mart back as it is, with hive_partitioning, row for row", async () => {
    for (const mart of MARTS) {
      const inWarehouse = await withWarehouse(db, (w) => w.all(`SELECT * FROM "${mart}"`), {
        readOnly: true,
      });
      const exported = await readBack(
        `SELECT * FROM read_parquet('{out}/${mart}/**/*.parquet', hive_partitioning = true)`,
      );
      expect(exported.length, mart).toBe(inWarehouse.length);
    }
    // Values survive, the partition column comes back as text YYYY-MM.
    const themes = await readBack(
      `SELECT queue, category, week_start, month, cases, typeof(month) AS month_type
       FROM read_parquet('{out}/exception_themes/**/*.parquet', hive_partitioning = true) ORDER BY week_start`,
    );
    expect(themes).toEqual([
      {
        queue: "payment_hold",
        category: "other",
        week_start: "2026-02-23",
        month: "2026-02",
        cases: 1,
        month_type: "VARCHAR",
      },
      {
        queue: "allocation_failure",
        category: "oversell",
        week_start: "2026-03-02",
        month: "2026-03",
        cases: 1,
        month_type: "VARCHAR",
      },
    ]);
    const days = await readBack(
      `SELECT day, month, receipts FROM read_parquet('{out}/queue_day/**/*.parquet', hive_partitioning = true)
       WHERE queue = 'payment_hold' ORDER BY day`,
    );
    expect(days[0]).toEqual({ day: "2026-02-27", month: "2026-02", receipts: 1 });
    expect(days.every((d) => String(d.day).startsWith(String(d.month)))).toBe(true);
    // A list-of-struct column and an empty mart keep their types.
    expect(
      await readBack(
        `SELECT count(*) AS n, any_value(typeof(reviewer_deviations)) AS t FROM read_parquet('{out}/qa_calibration/**/*.parquet', hive_partitioning = true)`,
      ),
    ).toEqual([{ n: 0, t: null }]);
    expect(
      await readBack(
        `SELECT rule, people FROM read_parquet('{out}/control_exceptions/**/*.parquet', hive_partitioning = true) ORDER BY rule`,
      ),
    ).toEqual([
      { rule: "evidence_missing", people: ["P1"] },
      { rule: "exceeds_order_value", people: ["P1"] },
      { rule: "second_approver_missing", people: ["P1"] },
    ]);
  });

  test("a second export replaces each mart's folder: no stale partition lingers", async () => {
    const stale = join(out, "queue_day", "month=1999-01");
    mkdirSync(stale, { recursive: true });
    writeFileSync(join(stale, "data_0.parquet"), "not parquet");
    const result = await orderops(["export", "--db", db, "--out", out, "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(existsSync(stale)).toBe(false);
    expect(JSON.parse(result.stdout).marts).toHaveLength(MARTS.length);
  });

  test("bad usage exits 2 with a one-line reason", async () => {
    const noOut = await orderops(["export", "--db", db], { cwd: dir });
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out");
    const noDb = await orderops(["export", "--db", join(dir, "missing.duckdb"), "--out", out], { cwd: dir });
    expect(noDb.code).toBe(2);
    expect(noDb.stderr).toContain("missing.duckdb");
  });
});
