/**
 * The dashboard site, page by page, in Chromium: a small demo (3 weeks at half scale) with a simulation
 * run, a backtest and a crafted export whose free-text fields carry script payloads, built into a site
 * once. Every page is visited: its key numbers equal the marts' (queried here), nothing logs an error,
 * nothing is requested from another origin, no payload runs; screenshots go to the test's temp folder
 * (or to ORDEROPS_SCREENSHOTS when set, to keep them).
 */
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Warehouse } from "../../ingest/warehouse.ts";
import { METRICS } from "../../models/metrics.ts";
import { NETWORK_FETCH_LINE } from "../../reports/build-site.ts";
import { launchChromium } from "../helpers/browser.ts";
import { type CliResult, orderops } from "../helpers/cli.ts";
import { type StaticServer, serveStatic } from "../helpers/static-server.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = tempDir("site");
const screenshots = process.env.ORDEROPS_SCREENSHOTS ?? join(dir, "screenshots");

/** Free text that would run if a page rendered it as HTML. */
const IMG_PAYLOAD = "<img src=x onerror=window.__xss=1>";
const SCRIPT_PAYLOAD = "<script>window.__xss=2</script>";
/** Ends a script element the text might be inlined into, then opens one of its own. */
const BREAKOUT_PAYLOAD = "</script><script>window.__xss=3</script>";
const QUOTED_IMG_PAYLOAD = '<img src=x onerror="window.__xss=4">';
/** A defect reference a spreadsheet would run as a formula. */
const FORMULA_PAYLOAD = '=HYPERLINK("http://evil.example","click")';

const PAGES = [
  { path: "/", ready: ".main-chart svg" },
  { path: "/backlog", ready: ".main-chart svg" },
  { path: "/throughput", ready: "#queue-flow svg" },
  { path: "/sla", ready: ".main-chart svg" },
  { path: "/exceptions", ready: ".main-chart svg" },
  { path: "/defects", ready: ".main-chart svg" },
  { path: "/quality", ready: ".main-chart svg" },
  { path: "/controls", ready: ".main-chart svg" },
  { path: "/staffing", ready: ".main-chart svg" },
  { path: "/mbr", ready: ".mbr-month" },
  { path: "/glossary", ready: "[data-testid=glossary-entry]" },
] as const;

const steps: Record<string, CliResult> = {};
let siteBuildSeconds = 0;

function csvLine(values: string[]): string {
  return values.map((v) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v)).join(",");
}

/** A customer's e-mail address and phone number from the demo's orders, typed into free text below. */
interface Contact {
  email: string;
  phone: string;
}

/**
 * Cases the demo never makes: two repeat failure patterns (three system-defect cases each within a
 * week), whose defect reference and owner team are script payloads or a formula, and whose disposition
 * code is a payload too; a failed QA review whose comment is payloads and a customer's phone number; and
 * two open p1 cases, past due, whose latest notes are payloads with the customer's e-mail address and
 * phone number, and a formula.
 */
function writeCraftedExports(into: string, contact: Contact): void {
  mkdirSync(into, { recursive: true });
  const header =
    "case_id,order_id,queue,work_type,category,priority,opened_at,resolved_at,closed_at,status,disposition_code,root_cause,source_system,defect_ref,owner_team,assignee_id,escalation_level,updated_at";
  const rows = [0, 1, 2].flatMap((i) => {
    const opened = `2025-11-1${i}T10:00:00-05:00`;
    const resolved = `2025-11-1${i}T11:00:00-05:00`;
    return [
      csvLine([
        `XSS-000${i}`,
        "",
        "allocation_failure",
        "exception",
        "oversell",
        "p3",
        opened,
        resolved,
        "",
        "resolved",
        IMG_PAYLOAD,
        "system_defect",
        "oms",
        IMG_PAYLOAD,
        SCRIPT_PAYLOAD,
        "",
        "0",
        resolved,
      ]),
      csvLine([
        `XSS-010${i}`,
        "",
        "fulfillment_release",
        "exception",
        "warehouse_mismatch",
        "p3",
        opened,
        resolved,
        "",
        "resolved",
        SCRIPT_PAYLOAD,
        "system_defect",
        "wms",
        FORMULA_PAYLOAD,
        "=owner()",
        "",
        "0",
        resolved,
      ]),
    ];
  });
  const openCases = ["XSS-0200", "XSS-0201"].map((id) =>
    csvLine([
      id,
      "",
      "payment_hold",
      "exception",
      "payment_mismatch",
      "p1",
      "2025-11-12T10:00:00-05:00",
      "",
      "",
      "open",
      "",
      "",
      "",
      "",
      "",
      "",
      "0",
      "2025-11-13T09:00:00-05:00",
    ]),
  );
  writeFileSync(join(into, "cases-crafted.csv"), `${[header, ...rows, ...openCases].join("\n")}\n`);
  const eventHeader =
    "event_id,case_id,occurred_at,event_type,actor_id,from_queue,to_queue,dependency,escalation_level,evidence_attached,note";
  const event = (id: string, caseId: string, at: string, type: string, note: string, toQueue = "") =>
    csvLine([id, caseId, at, type, type === "created" ? "" : "AG-1003", "", toQueue, "", "", "", note]);
  const events = [
    event("CE-XSS-1", "XSS-0200", "2025-11-12T10:00:00-05:00", "created", "", "payment_hold"),
    event("CE-XSS-2", "XSS-0200", "2025-11-12T12:00:00-05:00", "note", "an earlier note"),
    event(
      "CE-XSS-3",
      "XSS-0200",
      "2025-11-13T09:00:00-05:00",
      "note",
      `${BREAKOUT_PAYLOAD} ${QUOTED_IMG_PAYLOAD} customer wrote from ${contact.email}, call ${contact.phone}`,
    ),
    event("CE-XSS-4", "XSS-0201", "2025-11-12T10:00:00-05:00", "created", "", "payment_hold"),
    event("CE-XSS-5", "XSS-0201", "2025-11-13T09:00:00-05:00", "note", FORMULA_PAYLOAD),
  ];
  writeFileSync(join(into, "case_events-crafted.csv"), `${[eventHeader, ...events].join("\n")}\n`);
  const reviewHeader =
    "review_id,case_id,reviewer_id,agent_id,reviewed_at,calibration_session_id,order_accuracy,policy_adherence,documentation,disposition_accuracy,communication,data_handling,routing_correct,escalated_on_time,error_type,comment";
  const review = csvLine([
    "QA-XSS-1",
    "XSS-0000",
    "AG-1015",
    "AG-1003",
    "2025-11-12T09:00:00-05:00",
    "",
    "80",
    "80",
    "80",
    "80",
    "80",
    "80",
    "true",
    "",
    "none",
    `${IMG_PAYLOAD} ${SCRIPT_PAYLOAD} call ${contact.phone}`,
  ]);
  writeFileSync(join(into, "qa_reviews-crafted.csv"), `${reviewHeader}\n${review}\n`);
}

/** The first demo order's customer e-mail address and phone number, read from the generated file. */
async function demoContact(): Promise<Contact> {
  const w = await Warehouse.open(":memory:");
  try {
    const [row] = await w.all<{ email: string; phone: string }>(
      `select customer_email as email, customer_phone as phone from read_csv('${join(dir, "demo-data")}/orders.csv')
       where customer_email is not null and customer_phone is not null limit 1`,
    );
    if (!row) throw new Error("the demo wrote no order with a customer e-mail address and phone number");
    return row;
  } finally {
    w.close();
  }
}

/** The free text the crafted exports put in front of readers, as the pages must show it. */
const QA_COMMENT_SHOWN = `${IMG_PAYLOAD} ${SCRIPT_PAYLOAD} call [phone]`;
const CASE_NOTE_SHOWN = `${BREAKOUT_PAYLOAD} ${QUOTED_IMG_PAYLOAD} customer wrote from [email], call [phone]`;

async function run(name: string, args: string[]): Promise<void> {
  const result = await orderops(args, { cwd: dir });
  steps[name] = result;
  if (result.code !== 0)
    throw new Error(`orderops ${args.join(" ")} exited ${result.code}:\n${result.stderr}`);
}

beforeAll(async () => {
  await run("demo", ["demo", "--seed", "11", "--weeks", "3", "--scale", "0.5"]);
  writeCraftedExports(join(dir, "crafted"), await demoContact());
  await run("ingest", ["ingest", join(dir, "crafted")]);
  await run("build", ["build"]);
  await run("simulate", [
    "simulate",
    join(process.cwd(), "simulator/scenarios/carrier-outage.yaml"),
    "--replications",
    "2",
  ]);
  await run("backtest", ["backtest", "--from", "2025-11-10", "--to", "2025-11-16", "--replications", "2"]);
  const started = performance.now();
  await run("site", ["site", "--out", "site", "--verbose"]);
  siteBuildSeconds = (performance.now() - started) / 1000;
}, 900_000);

async function mart<T extends Record<string, unknown>>(sql: string): Promise<T[]> {
  const w = await Warehouse.open(join(dir, "warehouse.duckdb"), { readOnly: true });
  try {
    return await w.all<T>(sql);
  } finally {
    w.close();
  }
}

async function one<T extends Record<string, unknown>>(sql: string): Promise<T> {
  const [row] = await mart<T>(sql);
  if (!row) throw new Error(`no row: ${sql}`);
  return row;
}

// The site's formats (reports/src/components/format.js), restated.
const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);
const duration = (s: number) =>
  s < 3600
    ? `${Math.round(s / 60)} min`
    : s < 172800
      ? `${(s / 3600).toFixed(1)} h`
      : `${(s / 86400).toFixed(1)} d`;

// Browser work on a shared machine: generous timeouts, never timed assertions.
describe("the site build", { timeout: 120_000 }, () => {
  test("the crafted exports load, with their payloads, and the marts carry them", async () => {
    expect(steps.ingest?.stderr).not.toMatch(/quarantined [1-9]/);
    const patterns = await mart<{ defect_ref: string; owner: string }>(
      "select defect_ref, owner from defects where defect_ref like '%<%' or defect_ref like '=%'",
    );
    expect(patterns).toEqual(
      expect.arrayContaining([
        { defect_ref: IMG_PAYLOAD, owner: SCRIPT_PAYLOAD },
        { defect_ref: FORMULA_PAYLOAD, owner: "=owner()" },
      ]),
    );
    // The QA comment and the case's disposition reach qa_review_findings as written, contact details
    // replaced; the open cases' latest notes reach open_case_notes the same way.
    expect(
      await mart("select comment, disposition_code from qa_review_findings where review_id = 'QA-XSS-1'"),
    ).toEqual([{ comment: QA_COMMENT_SHOWN, disposition_code: IMG_PAYLOAD }]);
    expect(
      await mart(
        "select case_id, notes, latest_note from open_case_notes where case_id like 'XSS-%' order by case_id",
      ),
    ).toEqual([
      { case_id: "XSS-0200", notes: 2, latest_note: CASE_NOTE_SHOWN },
      { case_id: "XSS-0201", notes: 1, latest_note: FORMULA_PAYLOAD },
    ]);
  });

  test("builds every page without going to the network", () => {
    const log = steps.site?.stderr ?? "";
    for (const page of [
      "index",
      "backlog",
      "throughput",
      "sla",
      "exceptions",
      "defects",
      "quality",
      "controls",
      "staffing",
      "mbr",
      "glossary",
    ]) {
      expect(log).toContain(`render /${page}`);
    }
    expect(log.split("\n").filter((l) => NETWORK_FETCH_LINE.test(l.trim()))).toEqual([]);
    console.info(`site build: ${siteBuildSeconds.toFixed(1)} s`);
  });

  test("no personal value of the input reaches any file of the built site", async () => {
    const personal = await mart<{ v: string }>(
      `select distinct unnest([customer_name, customer_email, customer_phone, ship_address]) as v from read_csv('${join(dir, "demo-data")}/orders.csv')
       union select name from read_csv('${join(dir, "demo-data")}/agents.csv')`,
    );
    const files = (function walk(d: string): string[] {
      return readdirSync(d).flatMap((n) =>
        statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)],
      );
    })(join(dir, "site"));
    const pages = files.filter((f) => f.endsWith(".html"));
    expect(pages).toHaveLength(PAGES.length);
    const text = files.map((f) => readFileSync(f, "utf8")).join("\n");
    const leaked = personal.map((p) => p.v).filter((v) => v && v.length > 5 && text.includes(v));
    expect(personal.length).toBeGreaterThan(1000);
    expect(leaked).toEqual([]);
  });

  test("every metric definition names columns the warehouse has", async () => {
    const columns = new Set(
      (
        await mart<{ c: string }>(
          "select table_name || '.' || column_name as c from duckdb_columns() where schema_name = 'main'",
        )
      ).map((r) => r.c),
    );
    const missing = METRICS.flatMap((m) =>
      m.source.filter((s) => !columns.has(s)).map((s) => `${m.id}: ${s}`),
    );
    expect(missing).toEqual([]);
  });
});

describe("every page in Chromium", { timeout: 120_000 }, () => {
  let browser: Browser;
  let server: StaticServer;
  beforeAll(async () => {
    mkdirSync(screenshots, { recursive: true });
    server = await serveStatic(join(dir, "site"));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  interface Visit {
    page: Page;
    errors: string[];
    foreign: string[];
    failed: { path: string; status: number }[];
    /** Every path the page requested from the site, in order. */
    requested: string[];
  }

  /** Opens a page, waits for its main content, and records errors and requests. */
  async function visit(
    path: string,
    ready: string,
    options: { colorScheme?: "light" | "dark" } = {},
  ): Promise<Visit> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      colorScheme: options.colorScheme ?? "light",
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const errors: string[] = [];
    const foreign: string[] = [];
    page.on("request", (r) => {
      const url = new URL(r.url());
      if (url.protocol.startsWith("http") && url.origin !== server.origin) foreign.push(r.url());
      if (!url.protocol.startsWith("http") && !["data:", "blob:"].includes(url.protocol))
        foreign.push(r.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(e.message));
    const before = server.log.length;
    await page.goto(`${server.origin}${path}`, { waitUntil: "networkidle" });
    await page.waitForSelector(ready, { timeout: 15_000 });
    await scrollThrough(page);
    const renderErrors = await page.locator(".observablehq--error").allTextContents();
    errors.push(...renderErrors);
    const served = server.log.slice(before);
    return {
      page,
      errors,
      foreign,
      failed: served.filter((r) => r.status !== 200),
      requested: served.map((r) => r.path),
    };
  }

  /**
   * Scrolls to the foot of the page a part of a screen at a time, as a reader does: the sections below
   * the main chart are drawn as they come into view (Framework's `visibility()`, docs/site.md). Passes
   * again until a pass draws nothing more (the page no longer grows), then returns to the top.
   */
  async function scrollThrough(page: Page): Promise<void> {
    const frames = () =>
      page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    let height = -1;
    for (let pass = 0; pass < 20; pass++) {
      const now = await page.evaluate(() => document.documentElement.scrollHeight);
      if (now === height) break;
      height = now;
      for (let top = 0; top <= height; top += 600) {
        await page.evaluate((y) => window.scrollTo(0, y), top);
        await frames();
      }
      await page.waitForLoadState("networkidle");
      await frames();
    }
    await page.evaluate(() => window.scrollTo(0, 0));
  }

  async function closeVisit(v: Visit): Promise<void> {
    await v.page.context().close();
  }

  const text = (page: Page, testid: string) => page.getByTestId(testid).first().textContent();

  test.for(PAGES)(
    "$path renders with no error, no other origin, no script from the data",
    async ({ path, ready }) => {
      const v = await visit(path, ready);
      const { page } = v;
      expect(v.errors).toEqual([]);
      expect(v.foreign).toEqual([]);
      expect(v.failed).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      // The libraries arrive as one module each (reports/build-site.ts bundles them), not as Plot's
      // thirty-odd d3 modules.
      const libraries = v.requested.filter((p) => p.startsWith("/_node/"));
      expect(libraries.every((p) => /^\/_node\/@observablehq\/(plot|inputs)@/.test(p))).toBe(true);
      // The site's own modules arrive merged (reports/build-site.ts, mergeModules): Framework's client
      // as one module and the components as one per library they import, not a dozen modules.
      const own = v.requested.filter((p) => /^\/_(observablehq|import)\/.*\.js$/.test(p));
      expect(own.filter((p) => !/\/merged(-[a-z0-9-]+)?\.[0-9a-f]{8}\.js$/.test(p))).toEqual([]);
      expect(own.length).toBeLessThanOrEqual(4);
      // The artefacts the build preloads in the page's head are the responses its cells read, not a
      // second request each (reports/build-site.ts, preloadFirstArtefacts): every file loads once.
      const files = await page.evaluate(() =>
        performance
          .getEntriesByType("resource")
          .map((e) => new URL(e.name).pathname)
          .filter((p) => p.startsWith("/_file/")),
      );
      expect(files.length).toBeGreaterThan(0);
      expect(files.filter((p, i) => files.indexOf(p) !== i)).toEqual([]);
      const policy = await one<{ policy_version: string }>("select policy_version from build_info");
      expect(await text(page, "freshness")).toContain(`policy ${policy.policy_version}`);
      // Accessible labels: every chart has an aria-label, every table a caption.
      const unlabelled = await page.$$eval(".chart-card", (cards) =>
        cards
          .filter((c) => !c.querySelector("svg[aria-label]"))
          .map((c) => c.querySelector("h2")?.textContent),
      );
      expect(unlabelled).toEqual([]);
      const uncaptioned = await page.$$eval(
        ".data-table table",
        (tables) => tables.filter((t) => !(t as HTMLTableElement).caption?.textContent?.trim()).length,
      );
      expect(uncaptioned).toBe(0);
      await page.screenshot({
        path: join(screenshots, `${path === "/" ? "index" : path.slice(1)}.png`),
        fullPage: true,
      });
      await closeVisit(v);
    },
  );

  test("executive summary: risk, late queues, attainment and open backlog are the marts'", async () => {
    const months = await mart<{
      month: string;
      partial_month: boolean;
      risk_state: string;
      late_queue_count: number;
      resolution_attainment: number | null;
    }>(
      "select month, partial_month, risk_state, late_queue_count, resolution_attainment from mbr_month order by month",
    );
    const month = months.filter((m) => !m.partial_month).at(-1) ?? months.at(-1);
    const open = await one<{ n: number }>(
      "select sum(carryover) as n from (select carryover from queue_day qualify day = max(day) over (partition by queue))",
    );
    const v = await visit("/", ".main-chart svg");
    expect(await text(v.page, "risk-state")).toBe(month?.risk_state.replaceAll("_", " "));
    expect(await text(v.page, "late-queues")).toBe(int(month?.late_queue_count ?? -1));
    expect(await text(v.page, "resolution-attainment")).toBe(pct(month?.resolution_attainment ?? null));
    expect(await text(v.page, "open-now")).toBe(int(open.n));
    await closeVisit(v);
  });

  test("backlog, throughput and SLA numbers are the marts'", async () => {
    const last = await one<{ open: number; oldest: number }>(
      "select sum(carryover) as open, max(oldest_open_age_s) as oldest from queue_day where day = (select max(day) from queue_day)",
    );
    const flow = await one<{ receipts: number; completions: number; recovered: number; open_start: number }>(
      "select sum(receipts) as receipts, sum(completions) as completions, sum(recovered) as recovered, sum(open_start) as open_start from queue_day",
    );
    const sla = await one<{ met: number; breached: number }>(
      "select sum(met) as met, sum(breached) as breached from sla_attainment where period = 'week' and metric = 'resolution'",
    );
    const risk = await one<{ n: number }>(
      `select count(*) as n from case_sla where state in ('running', 'paused', 'at_risk', 'open_breached')
       and (state in ('at_risk', 'open_breached') or target_used >= 0.75)`,
    );
    let v = await visit("/backlog", ".main-chart svg");
    expect(await text(v.page, "open-now")).toBe(int(last.open));
    expect(await text(v.page, "oldest-open")).toBe(duration(last.oldest));
    await closeVisit(v);
    v = await visit("/throughput", "#queue-flow svg");
    expect(await text(v.page, "total-receipts")).toBe(int(flow.receipts));
    expect(await text(v.page, "total-completions")).toBe(int(flow.completions));
    expect(await text(v.page, "open-now")).toBe(int(last.open));
    expect(await text(v.page, "recovery-rate")).toBe(pct(flow.recovered / flow.open_start));
    await closeVisit(v);
    v = await visit("/sla", ".main-chart svg");
    expect(await text(v.page, "resolution-attainment")).toBe(pct(sla.met / (sla.met + sla.breached)));
    expect(await text(v.page, "resolution-misses")).toBe(int(sla.breached));
    expect(await text(v.page, "at-risk-now")).toBe(int(Math.min(risk.n, 1000)));
    await closeVisit(v);
  });

  test("exceptions, defects, quality and controls numbers are the marts'", async () => {
    const themes = await one<{ cases: number; inventory: number }>(
      "select sum(cases) as cases, sum(cases) filter (where family = 'inventory') as inventory from exception_themes",
    );
    const defects = await one<{ patterns: number; open: number }>(
      "select count(*) as patterns, count(*) filter (where status = 'open') as open from defects",
    );
    const qa = await one<{ reviews: number; passes: number }>(
      "select sum(reviews) as reviews, sum(passes) as passes from qa_scorecard",
    );
    const controls = await one<{ all: number; sod: number }>(
      "select count(*) as all, count(*) filter (where rule_type = 'segregation_of_duties') as sod from control_exceptions",
    );
    const escalations = await one<{ n: number }>(
      "select count(*) as n from escalation_compliance where is_exception",
    );
    let v = await visit("/exceptions", ".main-chart svg");
    expect(await text(v.page, "exception-cases")).toBe(int(themes.cases));
    expect(await text(v.page, "inventory-cases")).toBe(int(themes.inventory ?? 0));
    await closeVisit(v);
    v = await visit("/defects", ".main-chart svg");
    expect(await text(v.page, "defect-patterns")).toBe(int(defects.patterns));
    expect(await text(v.page, "open-defects")).toBe(int(defects.open));
    await closeVisit(v);
    v = await visit("/quality", ".main-chart svg");
    expect(await text(v.page, "qa-reviews")).toBe(int(qa.reviews));
    expect(await text(v.page, "qa-pass-rate")).toBe(pct(qa.passes / qa.reviews));
    await closeVisit(v);
    v = await visit("/controls", ".main-chart svg");
    expect(await text(v.page, "control-exceptions")).toBe(int(controls.all));
    expect(await text(v.page, "sod-exceptions")).toBe(int(controls.sod));
    expect(await text(v.page, "escalation-exceptions")).toBe(int(escalations.n));
    await closeVisit(v);
  });

  test("staffing, the monthly review and the glossary show the marts' and the definitions' rows", async () => {
    const runs = await one<{ n: number }>("select count(*) as n from sim_run");
    const backtest = await one<{ mae: number }>(
      "select mae from sim_backtest_summary where queue = 'all' and measure = 'sla_attainment'",
    );
    const months = await one<{ n: number }>("select count(*) as n from mbr_month");
    let v = await visit("/staffing", ".main-chart svg");
    expect(await text(v.page, "sim-runs")).toBe(int(runs.n));
    expect(await text(v.page, "backtest-attainment-mae")).toBe(`${(backtest.mae * 100).toFixed(1)} pts MAE`);
    // The Erlang baseline is drawn: one dashed line per staff group.
    expect(await v.page.locator(".main-chart svg [stroke-dasharray]").count()).toBeGreaterThan(0);
    expect(await v.page.getByTestId("erlang-shifts").locator("tbody tr").count()).toBeGreaterThan(0);
    await closeVisit(v);
    v = await visit("/mbr", ".mbr-month");
    // The newest month is drawn first, the others a frame later.
    await expect.poll(() => v.page.locator(".mbr-month").count()).toBe(months.n);
    await closeVisit(v);
    v = await visit("/glossary", "[data-testid=glossary-entry]");
    expect(await v.page.getByTestId("glossary-entry").count()).toBe(METRICS.length);
    await closeVisit(v);
  });

  /** No payload became markup: nothing ran, and no element the payloads describe exists. */
  async function expectInert(page: Page): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(
      await page.$$eval("script", (scripts) => scripts.filter((s) => s.text.includes("__xss")).length),
    ).toBe(0);
  }

  /** Clicks a table's Download CSV button and returns the file's text. */
  async function downloadCsv(page: Page, testid: string): Promise<string> {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page
        .getByTestId(testid)
        .getByRole("button", { name: /Download CSV/ })
        .click(),
    ]);
    return readFileSync(await download.path(), "utf8");
  }

  test("free text from the exports is shown as text, and downloads as formula-safe CSV", async () => {
    let v = await visit("/defects", ".main-chart svg");
    let table = v.page.getByTestId("defects-table");
    await expect.poll(() => table.getByText(IMG_PAYLOAD, { exact: true }).count()).toBeGreaterThan(0);
    expect(await table.getByText(SCRIPT_PAYLOAD, { exact: true }).count()).toBeGreaterThan(0);
    await expectInert(v.page);
    let csv = await downloadCsv(v.page, "defects-table");
    expect(csv).toContain(`"'${FORMULA_PAYLOAD.replaceAll('"', '""')}"`);
    expect(csv).toContain("'=owner()");
    expect(csv).toContain(IMG_PAYLOAD);
    await closeVisit(v);

    // Quality: the failed review's comment and its case's disposition, found through the table's search.
    v = await visit("/quality", ".main-chart svg");
    table = v.page.getByTestId("qa-findings");
    await table.getByRole("searchbox").fill("QA-XSS-1");
    await expect.poll(() => table.getByText(QA_COMMENT_SHOWN, { exact: true }).count()).toBe(1);
    expect(await table.getByText(IMG_PAYLOAD, { exact: true }).count()).toBe(1);
    await expectInert(v.page);
    csv = await downloadCsv(v.page, "qa-findings");
    expect(csv).toContain(QA_COMMENT_SHOWN);
    expect(csv.trim().split("\r\n")).toHaveLength(2);
    await closeVisit(v);

    // SLA: the latest note of each past-due case, the formula one prefixed in the download.
    v = await visit("/sla", ".main-chart svg");
    table = v.page.getByTestId("sla-at-risk");
    await table.getByRole("searchbox").fill("XSS-02");
    await expect.poll(() => table.getByText(CASE_NOTE_SHOWN, { exact: true }).count()).toBeGreaterThan(0);
    expect(await table.getByText(FORMULA_PAYLOAD, { exact: true }).count()).toBeGreaterThan(0);
    expect(await table.getByText("an earlier note").count()).toBe(0);
    await expectInert(v.page);
    csv = await downloadCsv(v.page, "sla-at-risk");
    expect(csv).toContain(`"'${FORMULA_PAYLOAD.replaceAll('"', '""')}"`);
    expect(csv).toContain(`"${CASE_NOTE_SHOWN.replaceAll('"', '""')}"`);
    await closeVisit(v);
  });

  test("filters live in the URL and carry across pages", async () => {
    const expected = await one<{ receipts: number }>(
      "select sum(receipts) as receipts from queue_day where queue = 'payment_hold' and day >= '2025-11-10'",
    );
    const v = await visit("/throughput?queue=payment_hold&from=2025-11-10", "#queue-flow svg");
    expect(await text(v.page, "total-receipts")).toBe(int(expected.receipts));
    const slaLink = v.page.locator("#observablehq-sidebar a", { hasText: "SLA" });
    expect(await slaLink.getAttribute("href")).toBe("/sla?from=2025-11-10&queue=payment_hold");
    await slaLink.click();
    await v.page.waitForSelector(".main-chart svg");
    expect(new URL(v.page.url()).search).toBe("?from=2025-11-10&queue=payment_hold");
    const queueSelect = v.page.locator(".filters select").first();
    expect(await queueSelect.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe(
      "payment_hold",
    );
    // Choosing a work type writes it to the URL and to the links.
    await v.page.locator(".filters select").nth(1).selectOption("exception");
    await expect.poll(() => new URL(v.page.url()).searchParams.get("work_type")).toBe("exception");
    expect(
      await v.page.locator("#observablehq-sidebar a", { hasText: "Quality" }).getAttribute("href"),
    ).toContain("work_type=exception");
    await closeVisit(v);
  });

  test("dark theme, and the monthly review prints a page per month", async () => {
    const dark = await visit("/", ".main-chart svg", { colorScheme: "dark" });
    const background = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r = 255, g = 255, b = 255] = (background.match(/\d+/g) ?? []).map(Number);
    expect(r + g + b).toBeLessThan(200);
    await dark.page.screenshot({ path: join(screenshots, "index-dark.png") });
    await closeVisit(dark);
    const v = await visit("/mbr", ".mbr-month");
    await v.page.emulateMedia({ media: "print" });
    expect(
      await v.page
        .locator(".mbr-month")
        .first()
        .evaluate((s) => getComputedStyle(s).breakAfter),
    ).toBe("page");
    expect(await v.page.locator("#observablehq-sidebar").evaluate((s) => getComputedStyle(s).display)).toBe(
      "none",
    );
    expect(await v.page.locator(".filters").evaluate((s) => getComputedStyle(s).display)).toBe("none");
    await closeVisit(v);
  });
});
