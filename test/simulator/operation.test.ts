/**
 * The demo operation: deterministic, consistent with the contract and with itself, messy only when
 * asked (and then exactly as messy as it says), and behaving like an operation under a peak.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import { loadOperationConfig, type OperationConfig } from "../../simulator/operation/config.ts";
import { type GeneratedDrop, generateOperation } from "../../simulator/operation/generate.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("operation");
let config: OperationConfig;
let drop: GeneratedDrop;
let warehouse: Warehouse;

const generate = async (
  name: string,
  weeks: number,
  extra: Partial<Parameters<typeof generateOperation>[0]> = {},
) =>
  generateOperation({
    outDir: join(dir, name),
    config,
    policy: await loadPolicy(),
    seed: 7,
    scale: 0.5,
    weeks,
    format: "csv",
    ...extra,
  });

beforeAll(async () => {
  config = await loadOperationConfig();
  // Six weeks from 3 November 2025: four ordinary weeks, then Black Friday to Cyber Monday and the
  // first holiday-season week.
  drop = await generate("six-weeks", 6);
  warehouse = await Warehouse.open(":memory:");
  await ingestPaths(warehouse, [join(dir, "six-weeks")], {
    ...DEFAULT_LOAD_OPTIONS,
    now: new Date("2026-11-01T00:00:00Z"),
  });
  return () => warehouse.close();
}, 120_000);

const one = async <T extends Record<string, unknown>>(sql: string) => (await warehouse.one<T>(sql)) as T;

describe("the generated operation", () => {
  test("every entity is written, and loads with nothing quarantined or waiting", async () => {
    expect(drop.files.map((f) => f.entity).sort()).toEqual(
      [
        "adjustments",
        "agents",
        "case_events",
        "cases",
        "order_events",
        "orders",
        "qa_reviews",
        "shifts",
      ].sort(),
    );
    for (const file of drop.files) expect(file.rows, file.entity).toBeGreaterThan(0);
    const log = await one<{ read: number; loaded: number; quarantined: number; pending: number }>(
      "select sum(rows_read) as read, sum(rows_loaded) as loaded, sum(rows_quarantined) as quarantined, sum(rows_pending) as pending from load_log",
    );
    expect(log).toEqual({ read: log.loaded, loaded: log.read, quarantined: 0, pending: 0 });
  });

  test("same seed, same bytes", async () => {
    const a = await generate("same-a", 1);
    const b = await generate("same-b", 1);
    for (const [i, file] of a.files.entries()) {
      expect(readFileSync(b.files[i]?.path ?? "").equals(readFileSync(file.path)), file.entity).toBe(true);
    }
  });

  test("timestamps carry the operation's local offset", () => {
    const header = readFileSync(join(dir, "six-weeks", "orders.csv"), "utf8").split("\n")[1] ?? "";
    // New York in November is UTC-5.
    expect(header).toMatch(/2025-11-0\dT\d\d:\d\d:\d\d-05:00/);
  });

  test("order lifecycles are valid: shipped after released after allocated after placed", async () => {
    const broken = await one<{ n: number }>(`
      with t as (
        select order_id,
          min(occurred_at) filter (where event_type = 'placed') as placed,
          min(occurred_at) filter (where event_type = 'allocated') as allocated,
          min(occurred_at) filter (where event_type = 'released') as released,
          min(occurred_at) filter (where event_type = 'shipped') as shipped,
          min(occurred_at) filter (where event_type = 'delivered') as delivered,
          count(*) filter (where event_type = 'placed') as placings
        from raw.order_events group by order_id)
      select count(*) as n from t
      where placings <> 1 or allocated < placed or released < allocated or shipped < released or delivered < shipped
         or (shipped is not null and released is null)`);
    expect(broken.n).toBe(0);
  });

  test("case events agree with case snapshots; reviews point to closed cases", async () => {
    const mismatched = await one<{ n: number }>(`
      select count(*) as n from raw.cases c
      left join (select case_id,
                        -- a reopened case's resolution is its latest, and only if it came after the reopen
                        nullif(greatest(max(occurred_at) filter (where event_type = 'resolved'),
                                        max(occurred_at) filter (where event_type = 'reopened')),
                               max(occurred_at) filter (where event_type = 'reopened')) as resolved,
                        max(occurred_at) filter (where event_type = 'closed') as closed,
                        min(occurred_at) filter (where event_type = 'created') as created
                 from raw.case_events group by case_id) e using (case_id)
      where e.created <> c.opened_at or c.resolved_at is distinct from e.resolved
         or c.closed_at is distinct from e.closed or (c.status = 'closed') <> (e.closed is not null)`);
    expect(mismatched.n).toBe(0);
    const reviews = await one<{ bad: number; total: number }>(`
      select count(*) filter (where c.status <> 'closed' or r.reviewed_at < c.closed_at) as bad, count(*) as total
      from raw.qa_reviews r join raw.cases c using (case_id)`);
    expect(reviews.total).toBeGreaterThan(50);
    expect(reviews.bad).toBe(0);
  });

  test("exception rates match the operation's configuration within sampling error", async () => {
    const rates = await one<{ orders: number; payment_hold: number; shipment_exception: number }>(`
      select (select count(*) from raw.orders) as orders,
        (select count(*) from raw.order_events where event_type = 'payment_hold') as payment_hold,
        (select count(*) from raw.order_events where event_type = 'shipment_exception') as shipment_exception`);
    const holdRate = rates.payment_hold / rates.orders;
    // Binomial standard error at these volumes is about 0.001; allow four.
    expect(Math.abs(holdRate - config.rates.payment_hold)).toBeLessThan(
      4 * Math.sqrt((0.04 * 0.96) / rates.orders),
    );
    expect(rates.shipment_exception / rates.orders).toBeGreaterThan(0.01);
  });

  test("queues back up in the Black Friday peak: the open backlog then is larger than in ordinary weeks", async () => {
    // Open cases at each day's end in the reporting zone, computed straight from the case snapshots.
    const backlog = await warehouse.all<{ period: string; open: number }>(`
      with days as (select unnest(generate_series(DATE '2025-11-04', DATE '2025-12-13', INTERVAL 1 DAY))::DATE as day),
      open_at_end as (
        select d.day, count(c.case_id) as open from days d
        left join raw.cases c on c.opened_at < timezone('America/New_York', d.day + INTERVAL 1 DAY)
          and coalesce(c.resolved_at, c.closed_at, TIMESTAMPTZ '9999-01-01') >= timezone('America/New_York', d.day + INTERVAL 1 DAY)
        group by d.day)
      select case when day < DATE '2025-11-24' then 'ordinary' else 'peak' end as period, round(avg(open), 1) as open
      from open_at_end where day < DATE '2025-11-24' or day between DATE '2025-11-28' AND DATE '2025-12-04'
      group by 1 order by 1`);
    const [ordinary, peak] = backlog;
    expect(ordinary?.period).toBe("ordinary");
    expect(peak?.open ?? 0).toBeGreaterThan(1.5 * (ordinary?.open ?? 0));
  });
});

describe("messy exports on purpose", () => {
  test("the quarantine holds exactly the rows damaged on purpose", async () => {
    const messy = await generate("messy", 1, { defectRate: 0.02, format: "ndjson" });
    const injected = JSON.parse(
      readFileSync(join(dir, "messy", "_expected-quarantine.json"), "utf8"),
    ) as Record<string, number>;
    expect(Object.values(injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    const w = await Warehouse.open(":memory:");
    try {
      await ingestPaths(w, [join(dir, "messy")], {
        ...DEFAULT_LOAD_OPTIONS,
        now: new Date("2026-11-01T00:00:00Z"),
      });
      const quarantined = await w.all<{ entity: string; n: number }>(
        "select entity, sum(rows_quarantined) as n from load_log group by entity having n > 0 order by entity",
      );
      expect(Object.fromEntries(quarantined.map((q) => [q.entity, q.n]))).toEqual(messy.injectedDefects);
    } finally {
      w.close();
    }
  });
});
