/**
 * The fates of rows that do not simply load, when a file mixes them with rows that do: events already
 * stored, repeats in the file, rows waiting for a parent, and the release of a chain of waiting rows
 * (cases waiting for their order, their events waiting for the cases) by one load.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import type { FileLoadResult } from "../../ingest/load-file.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("fates");
const options = { ...DEFAULT_LOAD_OPTIONS, now: new Date("2026-03-10T00:00:00Z") };
const ORDERS = "order_id,placed_at,channel,order_value,currency,status,updated_at";
const ORDER_EVENTS = "event_id,order_id,event_type,occurred_at,detail";
const CASES = "case_id,order_id,queue,work_type,category,opened_at,status,updated_at";
const CASE_EVENTS = "event_id,case_id,occurred_at,event_type";

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await Warehouse.open(":memory:");
});
afterEach(() => warehouse.close());

const load = async (path: string) => (await ingestPaths(warehouse, [path], options))[0] as FileLoadResult;
const keys = async (sql: string) => (await warehouse.all<{ k: string }>(sql)).map((r) => r.k);

function accountedFor(result: FileLoadResult): boolean {
  return (
    result.rowsRead === result.rowsLoaded + result.rowsQuarantined + result.rowsDuplicate + result.rowsPending
  );
}

describe("a file that mixes rows that load with rows that do not", () => {
  test("stored events are duplicates whatever their values; repeats and missing parents are held back", async () => {
    await load(
      write("orders.csv", [
        ORDERS,
        "SO-1,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z",
        "SO-2,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z",
      ]),
    );
    const first = await load(
      write("order_events-1.csv", [
        ORDER_EVENTS,
        "E1,SO-1,placed,2026-03-01T09:00:00Z,",
        "E2,SO-2,placed,2026-03-01T09:00:00Z,",
      ]),
    );
    expect(first).toMatchObject({ rowsRead: 2, rowsLoaded: 2 });

    const second = await load(
      write("order_events-2.csv", [
        ORDER_EVENTS,
        "E1,SO-1,placed,2026-03-01T09:00:00Z,", // stored: duplicate
        "E2,SO-2,placed,2026-03-01T09:00:00Z,changed", // stored, different values: still a duplicate
        "E3,SO-1,validated,2026-03-01T09:05:00Z,", // loads
        "E3,SO-1,validated,2026-03-01T09:05:00Z,", // same again in the file: duplicate
        "E4,SO-2,validated,2026-03-01T09:06:00Z,a", // loads (the first of its key)
        "E4,SO-2,validated,2026-03-01T09:06:00Z,b", // same key, other values: quarantined
        "E5,SO-9,placed,2026-03-01T09:07:00Z,", // waits for SO-9
        "E6,SO-2,no_such_type,2026-03-01T09:08:00Z,", // quarantined
      ]),
    );
    expect(second).toMatchObject({
      rowsRead: 8,
      rowsLoaded: 2,
      rowsDuplicate: 3,
      rowsQuarantined: 2,
      rowsPending: 1,
    });
    expect(accountedFor(second)).toBe(true);
    expect(await keys("select event_id as k from raw.order_events order by 1")).toEqual([
      "E1",
      "E2",
      "E3",
      "E4",
    ]);
    expect(
      await warehouse.all(
        "select event_id, detail from raw.order_events where event_id in ('E2', 'E4') order by 1",
      ),
    ).toEqual([
      { event_id: "E2", detail: null },
      { event_id: "E4", detail: "a" },
    ]);
    expect(await warehouse.all("select event_id, _record, _waiting_for from pending.order_events")).toEqual([
      { event_id: "E5", _record: 7, _waiting_for: ["order_id SO-9 (not in orders yet)"] },
    ]);
    const quarantined = await warehouse.all<{ record: number; fields: string[]; reasons: string[] }>(
      "select record, fields, reasons from quarantine where load_id = 3 order by record",
    );
    expect(quarantined.map((q) => [q.record, q.fields])).toEqual([
      [6, ["event_id"]],
      [8, ["event_type"]],
    ]);
    expect(quarantined[0]?.reasons).toEqual([
      "event_id: duplicate key E4 in this file with different values; record 5 was kept",
    ]);
    expect(quarantined[1]?.reasons[0]).toMatch(/^event_type: "no_such_type" is not one of placed, /);
  });
});

describe("releasing rows that wait for a parent", () => {
  test("an order releases its waiting case and, in the same load, the case's waiting events", async () => {
    const events = await load(
      write("case_events.csv", [
        CASE_EVENTS,
        "CE1,C1,2026-03-01T10:00:00Z,created",
        "CE2,C1,2026-03-01T10:05:00Z,assigned",
        "CE3,C9,2026-03-01T10:05:00Z,created",
      ]),
    );
    expect(events).toMatchObject({ rowsRead: 3, rowsPending: 3 });
    const cases = await load(
      write("cases.csv", [
        CASES,
        "C1,SO-1,payment_hold,exception,fraud_flag,2026-03-01T10:00:00Z,open,2026-03-01T10:00:00Z",
      ]),
    );
    expect(cases).toMatchObject({ rowsRead: 1, rowsPending: 1, pendingReleased: 0 });

    const orders = await load(
      write("orders.csv", [ORDERS, "SO-1,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z"]),
    );
    expect(orders).toMatchObject({ rowsLoaded: 1, pendingReleased: 3 });
    expect(await keys("select case_id as k from raw.cases")).toEqual(["C1"]);
    expect(await keys("select event_id as k from raw.case_events order by 1")).toEqual(["CE1", "CE2"]);
    expect(await keys("select event_id as k from pending.case_events")).toEqual(["CE3"]);
    expect(await warehouse.all("select entity, key from pending_released order by entity, key")).toEqual([
      { entity: "case_events", key: "CE1" },
      { entity: "case_events", key: "CE2" },
      { entity: "cases", key: "C1" },
    ]);
  });

  test("a waiting row older than the stored version is released without replacing it", async () => {
    await load(
      write("cases-early.csv", [
        CASES,
        "C1,SO-1,payment_hold,exception,fraud_flag,2026-03-01T10:00:00Z,open,2026-03-01T10:00:00Z",
      ]),
    );
    // The same case, newer, without an order: it loads at once.
    await load(
      write("cases-late.csv", [
        CASES,
        "C1,,payment_hold,exception,fraud_flag,2026-03-01T10:00:00Z,resolved,2026-03-02T10:00:00Z",
      ]),
    );
    const orders = await load(
      write("orders.csv", [ORDERS, "SO-1,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z"]),
    );
    expect(orders).toMatchObject({ pendingReleased: 1 });
    expect(await warehouse.all("select case_id, status from raw.cases")).toEqual([
      { case_id: "C1", status: "resolved" },
    ]);
    expect(await keys("select case_id as k from pending.cases")).toEqual([]);
  });
});
