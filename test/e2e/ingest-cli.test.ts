/**
 * `orderops ingest` as a user runs it: exit codes, one-line errors, --json, the "in use" error for a
 * second writer, and a kill in the middle of a load leaving the warehouse as it was.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { Warehouse } from "../../ingest/warehouse.ts";
import { ORDEROPS_BIN, orderops } from "../helpers/cli.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("ingest-cli");
const ORDERS = "order_id,placed_at,channel,order_value,currency,status,updated_at";

async function inWarehouse<T>(db: string, fn: (w: Warehouse) => Promise<T>): Promise<T> {
  const w = await Warehouse.open(db, { readOnly: true });
  try {
    return await fn(w);
  } finally {
    w.close();
  }
}

describe("orderops ingest", () => {
  test("--json gives the per-file accounting and totals", async () => {
    const file = join(dir, "orders.csv");
    writeFileSync(
      file,
      `${ORDERS}\nSO-1,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z\nSO-2,yesterday,web,10,USD,placed,2026-03-01T09:00:00Z\n`,
    );
    const result = await orderops(["ingest", file, "--db", "json.duckdb", "--json"], { cwd: dir });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.totals).toEqual({
      read: 2,
      loaded: 1,
      quarantined: 1,
      duplicates: 0,
      pending: 0,
      released: 0,
    });
    expect(summary.files[0]).toMatchObject({
      entity: "orders",
      format: "csv",
      status: "loaded",
      rowsRead: 2,
    });
  });

  test.for([
    ["a missing file", ["ingest", "nope.csv"], /^orderops: nope\.csv: no such file or folder$/],
    ["an unknown entity", ["ingest", "widgets.csv"], /widgets\.csv: unknown entity "widgets"/],
    ["an unknown --entity", ["ingest", "x.csv", "--entity", "widgets"], /--entity widgets: unknown entity/],
    [
      "a bad --time-zone",
      ["ingest", "x.csv", "--time-zone", "Mars/Base"],
      /--time-zone Mars\/Base: not an IANA time zone/,
    ],
    [
      "a missing mapping",
      ["ingest", "x.csv", "--mapping", "none.yaml"],
      /none\.yaml: cannot read the mapping file/,
    ],
  ] as const)("%s is bad usage: exit 2 with a one-line reason", async ([, args, message]) => {
    writeFileSync(join(dir, "widgets.csv"), "a\n1\n");
    writeFileSync(join(dir, "x.csv"), "a\n1\n");
    const result = await orderops([...args, "--db", "usage.duckdb"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });

  test("a header missing required columns: exit 2, the warehouse untouched", async () => {
    const good = join(dir, "good", "orders.csv");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "good"), { recursive: true });
    writeFileSync(good, `${ORDERS}\nSO-1,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z\n`);
    writeFileSync(join(dir, "good", "cases.csv"), "case_id,queue\nC1,payment_hold\n");
    const result = await orderops(["ingest", join(dir, "good"), "--db", "untouched.duckdb"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "cases.csv: header is missing required columns work_type, category, opened_at, status, updated_at of cases",
    );
    // Even the valid orders file was not loaded: every file is checked before anything is written.
    expect(await inWarehouse(join(dir, "untouched.duckdb"), (w) => w.tableExists("main", "load_log"))).toBe(
      false,
    );
  });

  test("a second writer gets a clear 'in use' error", async () => {
    const db = join(dir, "busy.duckdb");
    const holder = await Warehouse.open(db);
    try {
      const file = join(dir, "orders.csv");
      const result = await orderops(["ingest", file, "--db", db], { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^orderops: warehouse .*busy\.duckdb is in use by another process \(PID \d+\); wait for it to finish or pass --db FILE\n$/,
      );
    } finally {
      holder.close();
    }
  });

  test("a kill in the middle of a load leaves the warehouse as it was; the rerun completes", async () => {
    const big = join(dir, "big", "case_events.csv");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(join(dir, "big"), { recursive: true });
    // Big enough that the load is still running 400 ms after it starts, even on a quiet machine.
    const gen = await Warehouse.open(":memory:");
    await gen.run(
      `COPY (SELECT 'E' || i AS event_id, 'C' || (i % 5000) AS case_id,
               TIMESTAMPTZ '2026-01-01 00:00:00+00' + INTERVAL (i) SECOND AS occurred_at, 'worked' AS event_type
             FROM range(1500000) t(i)) TO '${big}' (FORMAT csv, HEADER)`,
    );
    gen.close();
    const db = join(dir, "killed.duckdb");
    const child = spawn(process.execPath, [ORDEROPS_BIN, "ingest", big, "--db", db], {
      cwd: dir,
      env: { ...process.env, TZ: "UTC" },
    });
    await new Promise<void>((resolve) => {
      child.stderr.on("data", (d: Buffer) => {
        // The file's transaction has begun once the load announces it; give it a moment to write.
        if (d.toString().includes("loading 1/1")) setTimeout(resolve, 400);
      });
    });
    child.kill("SIGKILL");
    await new Promise((resolve) => child.on("close", resolve));

    const after = await inWarehouse(db, async (w) => ({
      loads: (await w.tableExists("main", "load_log"))
        ? (await w.one<{ n: number }>("select count(*) as n from load_log"))?.n
        : 0,
      pending: (await w.tableExists("pending", "case_events"))
        ? (await w.one<{ n: number }>("select count(*) as n from pending.case_events"))?.n
        : 0,
    }));
    expect(after).toEqual({ loads: 0, pending: 0 });

    const rerun = await orderops(["ingest", big, "--db", db, "--json"], { cwd: dir });
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout).totals).toMatchObject({
      read: 1500000,
      pending: 1500000,
      quarantined: 0,
    });
  }, 120_000);
});
