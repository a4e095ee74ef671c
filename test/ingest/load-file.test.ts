import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import { IngestInputError } from "../../ingest/load-file.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("ingest");
const CASE_HEADER =
  "case_id,order_id,queue,work_type,category,opened_at,resolved_at,status,disposition_code,updated_at";
const ORDER_HEADER =
  "order_id,placed_at,channel,order_value,currency,status,customer_name,customer_email,updated_at";

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await Warehouse.open(":memory:");
});
afterEach(() => warehouse.close());

const load = (paths: string[]) => ingestPaths(warehouse, paths, DEFAULT_LOAD_OPTIONS);

describe("loading a messy cases file", () => {
  // 9 records: 3 good, 1 exact duplicate, 1 conflicting duplicate key, 3 invalid, 1 structurally broken line.
  const messy = [
    `\uFEFF${CASE_HEADER}`,
    'C1,,payment_hold,exception,fraud_flag,2026-01-05T10:00:00Z,2026-01-05T12:00:00Z,resolved,"said ""hi"", then <script>alert(1)</script>",2026-01-05T12:00:00Z',
    'C2,,payment_hold,exception,fraud_flag,2026-01-05T10:00:00+02:00,,open,"line one\nline two",2026-01-05T10:00:00Z',
    "C3,,allocation_failure,standard,oversell,2026-01-05T11:00:00Z,,open,,2026-01-05T11:00:00Z",
    "C3,,allocation_failure,standard,oversell,2026-01-05T11:00:00Z,,open,,2026-01-05T11:00:00Z",
    "C3,,allocation_failure,standard,backorder_conflict,2026-01-05T11:00:00Z,,open,,2026-01-05T10:00:00Z",
    "C4,,nowhere,exception,fraud_flag,2026-01-05T10:00:00Z,,open,,2026-01-05T10:00:00Z",
    "C5,,payment_hold,exception,fraud_flag,2026-01-05 10:00,,open,,2026-01-05T10:00:00Z",
    "C6,,payment_hold,exception,fraud_flag,2026-01-05T10:00:00Z,2026-01-04T10:00:00Z,resolved,,2026-01-05T10:00:00Z",
    "C7,too,few",
  ].join("\n");

  test("every row read is loaded, quarantined or skipped as a duplicate", async () => {
    const [result] = await load([write("cases.csv", messy)]);
    expect(result).toMatchObject({
      rowsRead: 9,
      rowsLoaded: 3,
      rowsQuarantined: 5,
      rowsDuplicate: 1,
      status: "loaded",
    });
    expect(result?.rowsRead).toBe(
      (result?.rowsLoaded ?? 0) + (result?.rowsQuarantined ?? 0) + (result?.rowsDuplicate ?? 0),
    );
    const log = await warehouse.one(
      "select rows_read, rows_loaded, rows_quarantined, rows_duplicate from load_log",
    );
    expect(log).toEqual({ rows_read: 9, rows_loaded: 3, rows_quarantined: 5, rows_duplicate: 1 });
  });

  test("free text survives byte for byte, quotes, newlines and markup included", async () => {
    await load([write("cases.csv", messy)]);
    const rows = await warehouse.all<{ case_id: string; disposition_code: string }>(
      "select case_id, disposition_code from raw.cases order by case_id",
    );
    expect(rows.map((r) => r.case_id)).toEqual(["C1", "C2", "C3"]);
    expect(rows[0]?.disposition_code).toBe('said "hi", then <script>alert(1)</script>');
    expect(rows[1]?.disposition_code).toBe("line one\nline two");
  });

  test("timestamps with offsets become instants", async () => {
    await load([write("cases.csv", messy)]);
    const row = await warehouse.one<{ opened_at: Date }>(
      "select opened_at from raw.cases where case_id = 'C2'",
    );
    expect(row?.opened_at.toISOString()).toBe("2026-01-05T08:00:00.000Z");
  });

  test("each quarantined row says where, which field and why, and keeps the original", async () => {
    await load([write("cases.csv", messy)]);
    const rows = await warehouse.all<{
      record: number | null;
      line: number | null;
      fields: string[];
      reasons: string[];
      original: string;
    }>("select record, line, fields, reasons, original from quarantine order by coalesce(record, 1000)");
    expect(rows.map((r) => [r.record, r.fields])).toEqual([
      [5, ["case_id"]],
      [6, ["queue"]],
      [7, ["opened_at"]],
      [8, ["resolved_at"]],
      [
        null,
        ["category", "disposition_code", "opened_at", "resolved_at", "status", "updated_at", "work_type"],
      ],
    ]);
    expect(rows[0]?.reasons[0]).toBe(
      "case_id: duplicate key C3 in this file with different values; record 3 was kept",
    );
    expect(rows[1]?.reasons[0]).toMatch(/^queue: "nowhere" is not one of new_order_review, payment_hold/);
    expect(rows[2]?.reasons[0]).toMatch(
      /^opened_at: "2026-01-05 10:00" is not an ISO 8601 timestamp with a UTC offset/,
    );
    expect(rows[3]?.reasons).toEqual(["resolved_at: is before opened_at"]);
    // DuckDB counts records as lines (header = 1): the quoted line break in C2 does not count.
    expect(rows[4]?.line).toBe(10);
    expect(rows[4]?.original).toBe("C7,too,few");
    expect(JSON.parse(rows[1]?.original ?? "{}")).toMatchObject({ case_id: "C4", queue: "nowhere" });
  });

  test("loading the same file again changes nothing and says so", async () => {
    const path = write("cases.csv", messy);
    await load([path]);
    const before = await warehouse.all("select * from raw.cases order by case_id");
    const [again] = await load([path]);
    expect(again).toMatchObject({ status: "unchanged", rowsLoaded: 0, rowsDuplicate: 9 });
    expect(await warehouse.all("select * from raw.cases order by case_id")).toEqual(before);
    expect((await warehouse.one<{ n: number }>("select count(*) as n from quarantine"))?.n).toBe(5);
  });
});

describe("snapshots and personal data", () => {
  test("a newer updated_at replaces the row; an older or equal one is skipped", async () => {
    write(
      "orders.csv",
      `${ORDER_HEADER}\nSO-1,2026-01-05T10:00:00Z,web,10.50,USD,placed,Ann Lee,ann@example.com,2026-01-05T10:00:00Z\n`,
    );
    await load([join(dir, "orders.csv")]);
    const newer = write(
      "orders-update.csv",
      `${ORDER_HEADER}\nSO-1,2026-01-05T10:00:00Z,web,10.50,USD,shipped,Ann Lee,ann@example.com,2026-01-06T10:00:00Z\n`,
    );
    const older = write(
      "orders-late.csv",
      `${ORDER_HEADER}\nSO-1,2026-01-05T10:00:00Z,web,10.50,USD,held,Ann Lee,ann@example.com,2026-01-05T11:00:00Z\n`,
    );
    const [updated] = await load([newer]);
    const [stale] = await load([older]);
    expect(updated).toMatchObject({ rowsRead: 1, rowsLoaded: 1 });
    expect(stale).toMatchObject({ rowsRead: 1, rowsLoaded: 0, rowsDuplicate: 1 });
    expect(await warehouse.all("select order_id, status from raw.orders")).toEqual([
      { order_id: "SO-1", status: "shipped" },
    ]);
  });

  test("personal fields are stored hashed, never in clear, and masked in the quarantine too", async () => {
    const path = write(
      "orders.csv",
      `${ORDER_HEADER}\nSO-1,2026-01-05T10:00:00Z,web,10.50,USD,placed,Ann Lee,ann@example.com,2026-01-05T10:00:00Z\nSO-2,2026-01-05T10:00:00Z,web,-1,USD,placed,Bo Chen,bo@example.com,2026-01-05T10:00:00Z\n`,
    );
    await load([path]);
    const stored = await warehouse.one<{ customer_name: string; customer_email: string }>(
      "select customer_name, customer_email from raw.orders",
    );
    expect(stored?.customer_name).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(stored?.customer_email).toMatch(/^sha256:[0-9a-f]{64}$/);
    const everything =
      JSON.stringify(await warehouse.all("select * from raw.orders")) +
      JSON.stringify(await warehouse.all("select * from quarantine"));
    for (const secret of ["Ann Lee", "ann@example.com", "Bo Chen", "bo@example.com"])
      expect(everything).not.toContain(secret);
    const q = await warehouse.one<{ reasons: string[] }>("select reasons from quarantine");
    expect(q?.reasons).toEqual(["order_value: -1 is below the minimum 0"]);
  });
});

describe("formats", () => {
  test("NDJSON and Parquet load through the same checks", async () => {
    const ndjson = write(
      "cases.ndjson",
      [
        JSON.stringify({
          case_id: "N1",
          queue: "payment_hold",
          work_type: "exception",
          category: "fraud_flag",
          opened_at: "2026-01-05T10:00:00Z",
          status: "open",
          escalation_level: 1,
          updated_at: "2026-01-05T10:00:00Z",
        }),
        JSON.stringify({
          case_id: "N2",
          queue: "payment_hold",
          work_type: "exception",
          category: "fraud_flag",
          opened_at: "2026-01-05T10:00:00Z",
          status: "open",
          escalation_level: 9,
          updated_at: "2026-01-05T10:00:00Z",
        }),
      ].join("\n"),
    );
    const [n] = await load([ndjson]);
    expect(n).toMatchObject({ format: "ndjson", rowsRead: 2, rowsLoaded: 1, rowsQuarantined: 1 });

    const parquet = join(dir, "cases.parquet");
    await warehouse.run(
      `COPY (SELECT 'P1' AS case_id, 'allocation_failure' AS queue, 'standard' AS work_type, 'oversell' AS category,
        TIMESTAMPTZ '2026-01-06 09:00:00+00' AS opened_at, 'open' AS status, TIMESTAMPTZ '2026-01-06 09:00:00+00' AS updated_at)
       TO '${parquet}' (FORMAT parquet)`,
    );
    const [p] = await load([parquet]);
    expect(p).toMatchObject({ format: "parquet", rowsRead: 1, rowsLoaded: 1 });
    expect(await warehouse.all("select case_id, escalation_level from raw.cases order by case_id")).toEqual([
      { case_id: "N1", escalation_level: 1 },
      { case_id: "P1", escalation_level: null },
    ]);
  });
});

describe("input the user must fix", () => {
  test("a header missing required columns names the file and columns, and loads nothing", async () => {
    const path = write("cases.csv", "case_id,queue\nC1,payment_hold\n");
    await expect(load([path])).rejects.toThrow(IngestInputError);
    await expect(load([path])).rejects.toThrow(
      `${path}: header is missing required columns work_type, category, opened_at, status, updated_at of cases`,
    );
    // Checked before anything is written: not even the ingest tables exist.
    expect(await warehouse.tableExists("main", "load_log")).toBe(false);
  });

  test("a file whose name names no entity is refused before anything loads", async () => {
    const good = write("orders.csv", `${ORDER_HEADER}\n`);
    const bad = write("widgets.csv", "a\n1\n");
    await expect(load([good, bad])).rejects.toThrow(/widgets\.csv: unknown entity "widgets"/);
    expect(await warehouse.tableExists("main", "load_log")).toBe(false);
  });
});
