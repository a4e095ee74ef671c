/**
 * End to end, through the CLI: `orderops demo` in an empty folder, the warehouse's numbers checked
 * against the generated export files (read independently with DuckDB), then the built site opened in
 * Chromium. One file, so the site is built once and its tests run in order.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Warehouse } from "../../ingest/warehouse.ts";
import { NETWORK_FETCH_LINE } from "../../reports/build-site.ts";
import { launchChromium } from "../helpers/browser.ts";
import { type CliResult, orderops } from "../helpers/cli.ts";
import { type StaticServer, serveStatic } from "../helpers/static-server.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("e2e");
let demo: CliResult;

beforeAll(async () => {
  demo = await orderops(["demo", "--seed", "7", "--weeks", "3", "--scale", "0.5"], { cwd: dir });
}, 180_000);

/** Reads the generated files with DuckDB directly, not through orderops' ingest. */
async function fromFiles<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const w = await Warehouse.open(":memory:");
  try {
    return await w.all<T>(sql.replaceAll("{data}", join(dir, "demo-data")));
  } finally {
    w.close();
  }
}

async function fromWarehouse<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  return Warehouse.open(join(dir, "warehouse.duckdb"), { readOnly: true }).then(async (w) => {
    try {
      return await w.all<T>(sql);
    } finally {
      w.close();
    }
  });
}

describe("orderops demo", () => {
  test("runs end to end with no configuration and reports each step", () => {
    expect(demo.stderr).toContain("[1/4] simulating 3 weeks of the demo operation (seed 7, scale 0.5)");
    expect(demo.stderr).toContain("[4/4] building the site into dist/");
    expect(demo.code).toBe(0);
  });

  test("loads every generated row of every entity, none quarantined or waiting", async () => {
    const entities = [
      "agents",
      "orders",
      "order_events",
      "cases",
      "case_events",
      "qa_reviews",
      "adjustments",
      "shifts",
    ];
    const files = await fromFiles<Record<string, number>>(
      `select ${entities.map((e) => `(select count(*) from read_csv('{data}/${e}.csv')) as ${e}`).join(", ")}`,
    );
    const log = await fromWarehouse<{
      entity: string;
      rows_read: number;
      rows_loaded: number;
      rows_quarantined: number;
      rows_pending: number;
    }>("select entity, rows_read, rows_loaded, rows_quarantined, rows_pending from load_log order by entity");
    expect(files[0]?.orders).toBeGreaterThan(2000);
    expect(log).toEqual(
      [...entities].sort().map((entity) => ({
        entity,
        rows_read: files[0]?.[entity],
        rows_loaded: files[0]?.[entity],
        rows_quarantined: 0,
        rows_pending: 0,
      })),
    );
  });

  test("queue_day's last carryover per queue is what the cases file says is still open", async () => {
    const expected = await fromFiles(
      `select queue, count(*) filter (where status in ('open', 'pending')) as still_open
       from read_csv('{data}/cases.csv') group by queue order by queue`,
    );
    const actual = await fromWarehouse(
      "select queue, arg_max(carryover, day) as still_open from queue_day group by queue order by queue",
    );
    expect(actual).toEqual(expected);
    const [receipts] = await fromWarehouse<{ receipts: number }>(
      "select sum(receipts) as receipts from queue_day",
    );
    const [cases] = await fromFiles<{ n: number }>("select count(*) as n from read_csv('{data}/cases.csv')");
    expect(receipts?.receipts).toBeGreaterThanOrEqual(cases?.n ?? Number.POSITIVE_INFINITY);
  });

  test("orderops query prints mart rows", async () => {
    const result = await orderops(
      ["query", "select * from queue_day order by queue, day limit 5", "--format", "json"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(5);
    expect(rows[0]).toMatchObject({ queue: "allocation_failure" });
    // The demo operation starts on Monday 3 November 2025.
    expect(rows[0]?.day).toBe("2025-11-03");
  });

  test("the site builds without going to the network", async () => {
    const result = await orderops(["site", "--out", "dist-check", "--verbose"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("render /index");
    expect(result.stderr.split("\n").filter((l) => NETWORK_FETCH_LINE.test(l.trim()))).toEqual([]);
    // Eleven pages and their data loaders, and possibly a wait for another build of this checkout
    // (site-pages.test.ts) to release the build lock.
  }, 600_000);

  test("no personal value of the input reaches the built site", async () => {
    const personal = await fromFiles<{ v: string }>(
      `select distinct unnest([customer_name, customer_email, customer_phone, ship_address]) as v from read_csv('{data}/orders.csv')
       union select name from read_csv('{data}/agents.csv')`,
    );
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((n) =>
        statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
      );
    })(join(dir, "dist"));
    const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
    const leaked = personal.map((p) => p.v).filter((v) => v && v.length > 5 && text.includes(v));
    expect(personal.length).toBeGreaterThan(1000);
    expect(leaked).toEqual([]);
  }, 120_000);
});

describe("the built site in Chromium", () => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    server = await serveStatic(join(dir, "dist"));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test("renders the queue flow chart with the mart's numbers, no console errors, no other origins", async () => {
    const page = await browser.newPage();
    const foreign: string[] = [];
    const errors: string[] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (url.protocol.startsWith("http") && url.origin !== server.origin) foreign.push(r.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    // The queue flow chart is on the throughput page (site-pages.test.ts visits every page).
    await page.goto(`${server.origin}/throughput`, { waitUntil: "networkidle" });
    await page.waitForSelector("#queue-flow svg [aria-label='rect'] rect, #queue-flow svg rect", {
      timeout: 15_000,
    });

    const bars = await page.locator("#queue-flow svg rect").count();
    expect(bars).toBeGreaterThan(50);
    const [totals] = await fromWarehouse<{ receipts: number; completions: number }>(
      "select sum(receipts) as receipts, sum(completions) as completions from queue_day",
    );
    expect(await page.getByTestId("total-receipts").textContent()).toBe(
      totals?.receipts.toLocaleString("en-US"),
    );
    expect(await page.getByTestId("total-completions").textContent()).toBe(
      totals?.completions.toLocaleString("en-US"),
    );
    expect(errors).toEqual([]);
    expect(server.log.filter((r) => r.status !== 200)).toEqual([]);
    expect(foreign).toEqual([]);
    await page.screenshot({ path: join(dir, "queue-flow.png"), fullPage: true });
    await page.close();
  });
});
