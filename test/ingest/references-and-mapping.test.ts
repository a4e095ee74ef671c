import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import { IngestInputError } from "../../ingest/load-file.ts";
import { loadMapping } from "../../ingest/mapping.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("refs");
const NOW = new Date("2026-03-10T00:00:00Z");
const options = { ...DEFAULT_LOAD_OPTIONS, now: NOW };

function write(name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

let warehouse: Warehouse;
beforeEach(async () => {
  warehouse = await Warehouse.open(":memory:");
});
afterEach(() => warehouse.close());

const count = async (sql: string) =>
  (await warehouse.one<{ n: number }>(`select count(*) as n from (${sql})`))?.n;

describe("references to parents", () => {
  const ORDERS = "order_id,placed_at,channel,order_value,currency,status,updated_at";
  const CASES = "case_id,order_id,queue,work_type,category,opened_at,status,updated_at";

  test("a child whose parent has not arrived waits as pending, and loads when the parent does", async () => {
    const cases = write(
      "cases-early.csv",
      `${CASES}\nC1,SO-1,payment_hold,exception,fraud_flag,2026-03-01T10:00:00Z,open,2026-03-01T10:00:00Z\nC2,,payment_hold,exception,fraud_flag,2026-03-01T10:00:00Z,open,2026-03-01T10:00:00Z\n`,
    );
    const [early] = await ingestPaths(warehouse, [cases], options);
    expect(early).toMatchObject({ rowsRead: 2, rowsLoaded: 1, rowsPending: 1, rowsQuarantined: 0 });
    expect(await warehouse.all("select case_id, _waiting_for from pending.cases")).toEqual([
      { case_id: "C1", _waiting_for: ["order_id SO-1 (not in orders yet)"] },
    ]);

    const orders = write(
      "orders-late.csv",
      `${ORDERS}\nSO-1,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z\n`,
    );
    const [late] = await ingestPaths(warehouse, [orders], options);
    expect(late).toMatchObject({ entity: "orders", rowsLoaded: 1, pendingReleased: 1 });
    expect(await warehouse.all("select case_id, order_id from raw.cases order by case_id")).toEqual([
      { case_id: "C1", order_id: "SO-1" },
      { case_id: "C2", order_id: null },
    ]);
    expect(await count("select * from pending.cases")).toBe(0);
    expect(await warehouse.all("select entity, key from pending_released")).toEqual([
      { entity: "cases", key: "C1" },
    ]);
  });

  test("in one drop, parents load first whatever the file order, so nothing waits", async () => {
    const drop = join(dir, "drop");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(drop, { recursive: true });
    writeFileSync(
      join(drop, "cases.csv"),
      `${CASES}\nC9,SO-9,payment_hold,exception,fraud_flag,2026-03-01T10:00:00Z,open,2026-03-01T10:00:00Z\n`,
    );
    writeFileSync(
      join(drop, "orders.csv"),
      `${ORDERS}\nSO-9,2026-03-01T09:00:00Z,web,10,USD,placed,2026-03-01T09:00:00Z\n`,
    );
    const results = await ingestPaths(warehouse, [drop], options);
    expect(results.map((r) => [r.entity, r.rowsLoaded, r.rowsPending])).toEqual([
      ["orders", 1, 0],
      ["cases", 1, 0],
    ]);
  });
});

describe("timestamps", () => {
  const EVENTS = "event_id,case_id,occurred_at,event_type";

  test("an observed time beyond the tolerance after the load is quarantined; planned times may be future", async () => {
    const file = write(
      "case_events.csv",
      `${EVENTS}\nE1,C1,2026-03-10T05:00:00Z,created\nE2,C1,2026-03-10T07:00:00Z,assigned\n`,
    );
    const [r] = await ingestPaths(warehouse, [file], { ...options, futureToleranceS: 6 * 3600 });
    expect(r).toMatchObject({ rowsRead: 2, rowsQuarantined: 1, rowsPending: 1 });
    const [q] = await warehouse.all<{ reasons: string[] }>("select reasons from quarantine");
    expect(q?.reasons[0]).toBe(
      'occurred_at: "2026-03-10T07:00:00Z" is in the future (later than the load time 2026-03-10T00:00:00.000Z plus 21600 s tolerance)',
    );
    const shifts = write(
      "shifts.csv",
      "shift_id,agent_id,starts_at,ends_at\nS1,A1,2026-04-01T08:00:00Z,2026-04-01T16:00:00Z\n",
    );
    const [s] = await ingestPaths(warehouse, [shifts], options);
    expect(s).toMatchObject({ rowsQuarantined: 0, rowsPending: 1 });
  });

  test("without an offset a timestamp is quarantined, unless the drop declares its zone", async () => {
    const file = write(
      "order_events.csv",
      "event_id,order_id,event_type,occurred_at\nOE1,SO-1,placed,2026-03-08 02:30:00\n",
    );
    const [strict] = await ingestPaths(warehouse, [file], options);
    expect(strict).toMatchObject({ rowsQuarantined: 1 });
    const again = write(
      "order_events-zoned.csv",
      "event_id,order_id,event_type,occurred_at\nOE1,SO-1,placed,2026-03-07 21:30:00\n",
    );
    const [zoned] = await ingestPaths(warehouse, [again], { ...options, timeZone: "America/New_York" });
    expect(zoned).toMatchObject({ rowsQuarantined: 0, rowsPending: 1 });
    const row = await warehouse.one<{ occurred_at: Date }>("select occurred_at from pending.order_events");
    expect(row?.occurred_at.toISOString()).toBe("2026-03-08T02:30:00.000Z");
  });
});

describe("roster and list fields", () => {
  test("skills lists and IANA zones are checked; a versionless snapshot is replaced when it changes", async () => {
    const file = write(
      "agents.csv",
      'agent_id,name,role,time_zone,skills\nA1,Ann Lee,handler,Europe/Berlin,payment_hold|refund_validation\nA2,Bo Chen,handler,Mars/Olympus,payment_hold\nA3,Cy Diaz,handler,UTC,"[""payment_hold"", ""bogus_queue""]"\n',
    );
    const [r] = await ingestPaths(warehouse, [file], options);
    expect(r).toMatchObject({ rowsRead: 3, rowsLoaded: 1, rowsQuarantined: 2 });
    expect(await warehouse.all("select agent_id, skills from raw.agents")).toEqual([
      { agent_id: "A1", skills: ["payment_hold", "refund_validation"] },
    ]);
    const reasons = (
      await warehouse.all<{ reasons: string[] }>("select reasons from quarantine order by record")
    ).map((q) => q.reasons[0]);
    expect(reasons).toEqual([
      'time_zone: "Mars/Olympus" is not an IANA time zone (e.g. Europe/Berlin)',
      "skills: bogus_queue is not one of new_order_review, payment_hold, allocation_failure, fulfillment_release, shipment_exception, return_authorization, refund_validation",
    ]);
    const changed = write(
      "agents-2.csv",
      "agent_id,name,role,time_zone,skills\nA1,Ann Lee,team_lead,Europe/Berlin,payment_hold\n",
    );
    const same = write(
      "agents-3.csv",
      "agent_id,name,role,time_zone,skills\nA1,Ann Lee,team_lead,Europe/Berlin,payment_hold\n\n",
    );
    expect((await ingestPaths(warehouse, [changed], options))[0]).toMatchObject({ rowsLoaded: 1 });
    expect((await ingestPaths(warehouse, [same], options))[0]).toMatchObject({
      rowsLoaded: 0,
      rowsDuplicate: 1,
    });
    expect(await warehouse.all("select role from raw.agents")).toEqual([{ role: "team_lead" }]);
  });
});

describe("compressed files", () => {
  test("gzipped CSV and NDJSON load like plain ones", async () => {
    const csv = write(
      "order_events.csv.gz",
      gzipSync("event_id,order_id,event_type,occurred_at\nOE1,SO-1,placed,2026-03-01T10:00:00Z\n"),
    );
    const ndjson = write(
      "order_events-2.ndjson.gz",
      gzipSync(
        `${JSON.stringify({ event_id: "OE2", order_id: "SO-1", event_type: "shipped", occurred_at: "2026-03-02T10:00:00Z" })}\nnot json\n`,
      ),
    );
    const results = await ingestPaths(warehouse, [csv, ndjson], options);
    expect(results.map((r) => [r.format, r.rowsRead, r.rowsPending, r.rowsQuarantined])).toEqual([
      // Files of one entity load in name order: "order_events-2…" sorts before "order_events.…".
      ["ndjson", 2, 1, 1],
      ["csv", 1, 1, 0],
    ]);
    expect(await warehouse.all("select line, reasons, original from quarantine")).toEqual([
      { line: 2, reasons: ["line 2: not a JSON object"], original: "not json" },
    ]);
  });
});

describe("mapping a foreign export", () => {
  const mappingPath = fileURLToPath(
    new URL("../../docs/examples/marketplace-orders.mapping.yaml", import.meta.url),
  );
  const header =
    "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,order_delivered_customer_date,order_estimated_delivery_date";

  test("the documented marketplace example loads orders and derives their events", async () => {
    const file = write(
      "olist_orders_dataset.csv",
      [
        header,
        "e481f51c,9ef432eb,delivered,2017-10-02 10:56:33,2017-10-02 11:07:15,2017-10-04 19:55:00,2017-10-10 21:25:13,2017-10-18 00:00:00",
        "53cdb2fc,b0830fb4,canceled,2017-07-24 20:41:37,,,,2017-08-13 00:00:00",
        "47770eb9,41ce2a54,lost,2017-08-08 08:38:49,2017-08-08 08:55:23,,,2017-08-22 00:00:00",
      ].join("\n"),
    );
    const mapping = await loadMapping(mappingPath);
    const results = await ingestPaths(warehouse, [file], { ...options, mapping });
    expect(results.map((r) => [r.entity, r.rowsRead, r.rowsLoaded, r.rowsQuarantined])).toEqual([
      ["orders", 3, 2, 1],
      ["order_events", 7, 5, 0],
    ]);
    expect(
      await warehouse.all(
        "select order_id, status, channel, currency, strftime(placed_at, '%Y-%m-%dT%H:%M:%SZ') as placed_at from raw.orders order by order_id",
      ),
    ).toEqual([
      {
        order_id: "53cdb2fc",
        status: "cancelled",
        channel: "marketplace",
        currency: "BRL",
        placed_at: "2017-07-24T23:41:37Z",
      },
      {
        order_id: "e481f51c",
        status: "delivered",
        channel: "marketplace",
        currency: "BRL",
        placed_at: "2017-10-02T13:56:33Z",
      },
    ]);
    expect(await warehouse.all("select event_id from raw.order_events order by occurred_at")).toEqual([
      { event_id: "53cdb2fc:placed" },
      { event_id: "e481f51c:placed" },
      { event_id: "e481f51c:payment_released" },
      { event_id: "e481f51c:shipped" },
      { event_id: "e481f51c:delivered" },
    ]);
    // The order with an unknown status is quarantined; its two events wait for it.
    expect(await warehouse.all("select reasons from quarantine")).toEqual([
      {
        reasons: [
          'status: "lost" is not one of placed, held, allocated, released, shipped, delivered, cancelled, returned',
        ],
      },
    ]);
    expect(await count("select * from pending.order_events")).toBe(2);
  });

  test("mapping errors name the file and the key", async () => {
    const bad = write(
      "bad.mapping.yaml",
      "entity: orders\ncolumns:\n  order_id: order_id\n  placed_at: { from: x, colour: red }\n",
    );
    await expect(loadMapping(bad)).rejects.toThrow(`${bad}:4: columns.placed_at.colour: unknown key`);
    const unknown = write(
      "bad2.mapping.yaml",
      "entity: orders\ncolumns:\n  order_id: order_id\n  order_nr: order_nr\n  placed: when\n",
    );
    // Every issue, each on its own line with the line it is on.
    await expect(loadMapping(unknown)).rejects.toThrow(
      `${unknown}:4: columns.order_nr: orders has no field order_nr\n${unknown}:5: columns.placed: orders has no field placed`,
    );
    const derived = write(
      "bad4.mapping.yaml",
      "entity: orders\ncolumns:\n  order_id: order_id\nevents:\n  - entity: order_events\n    id: x\n    columns: { colour: c }\n    milestones: { placed: p }\n",
    );
    await expect(loadMapping(derived)).rejects.toThrow(
      `${derived}:7: events[0].columns.colour: order_events has no field colour`,
    );
    const yaml = write("bad3.mapping.yaml", "entity: orders\ncolumns: [\n");
    await expect(loadMapping(yaml)).rejects.toThrow(/bad3\.mapping\.yaml:\d+: not valid YAML/);
    await expect(loadMapping(yaml)).rejects.toBeInstanceOf(IngestInputError);
  });

  test("a file lacking a column the mapping reads is refused before anything loads", async () => {
    const file = write("olist-short.csv", "order_id,customer_id\nx,y\n");
    const mapping = await loadMapping(mappingPath);
    await expect(ingestPaths(warehouse, [file], { ...options, mapping })).rejects.toThrow(
      /olist-short\.csv: header is missing columns the mapping reads order_approved_at, order_delivered_carrier_date/,
    );
  });
});
