/**
 * Site benchmark: the dashboard site built from the demo year, then each page opened in Chromium.
 *   node bin/run-ts.js bench/site.ts [--reuse]
 * 1. `orderops demo` (a year at scale 1, seed 42) in bench/.data/site/, plus two simulated scenarios
 *    and a backtest, so the staffing page has data (skipped with --reuse when the warehouse is there);
 * 2. `orderops site`, timed;
 * 3. every page served from 127.0.0.1 and opened in a fresh browser context (no cache): the bytes the
 *    page requested (the sum over its requests, uncompressed as the test server sends them; gzip
 *    beside it), and the time from navigation start to the page's main chart drawn, median of five,
 *    navigated once the new window has settled (SETTLE_MS) and, beside it, the moment it opens.
 *    "Drawn" is timed inside the page (drawnAtProbe), not by polling for the chart from outside.
 * Targets (issue 8): every page interactive within 1 s locally, under 2 MB transferred.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { launchChromium } from "../test/helpers/browser.ts";
import { orderops } from "../test/helpers/cli.ts";
import { serveStatic } from "../test/helpers/static-server.ts";
import { machine, table, today, writeSection } from "./report.ts";

const PAGES = [
  { path: "/", name: "Executive summary", ready: ".main-chart svg" },
  { path: "/backlog", name: "Backlog and aging", ready: ".main-chart svg" },
  { path: "/throughput", name: "Throughput", ready: "#queue-flow svg" },
  { path: "/sla", name: "SLA", ready: ".main-chart svg" },
  { path: "/exceptions", name: "Exceptions", ready: ".main-chart svg" },
  { path: "/defects", name: "Defects and corrective actions", ready: ".main-chart svg" },
  { path: "/quality", name: "Quality", ready: ".main-chart svg" },
  { path: "/controls", name: "Controls", ready: ".main-chart svg" },
  { path: "/staffing", name: "Staffing scenarios", ready: ".main-chart svg" },
  { path: "/mbr", name: "Monthly business review", ready: ".mbr-month" },
  { path: "/glossary", name: "Glossary", ready: "[data-testid=glossary-entry]" },
];
// Five cold visits a page: the median holds up on a shared machine whose load moves from run to run.
const RUNS = 5;
/**
 * A fresh context (no cache) is a new browser window, and for about 1.5 s after a window opens Chromium
 * (156, headless) runs the renderer of its address-bar popup at about one core (measured: 1.4–1.55 CPU-s
 * in that time), exactly while a page navigated at once would load. A reader's browser is already open,
 * so each cold visit waits this long after the window opens before navigating; a visit navigated at once
 * is timed beside it ("window just opened").
 */
const SETTLE_MS = 2500;
const root = fileURLToPath(new URL("../", import.meta.url));
const dir = join(root, "bench", ".data", "site");

async function step(args: string[]): Promise<number> {
  const started = performance.now();
  const result = await orderops(args, { cwd: dir });
  if (result.code !== 0) {
    console.error(result.stderr);
    throw new Error(`orderops ${args.join(" ")} exited ${result.code}`);
  }
  return (performance.now() - started) / 1000;
}

const reuse = process.argv.includes("--reuse") && existsSync(join(dir, "warehouse.duckdb"));
if (!reuse) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  console.error("demo year (seed 42, scale 1)…");
  await step(["demo", "--seed", "42", "--out", "demo-site"]);
  for (const scenario of ["black-friday", "carrier-outage"]) {
    console.error(`simulate ${scenario}…`);
    await step(["simulate", join(root, "simulator", "scenarios", `${scenario}.yaml`), "--replications", "3"]);
  }
  console.error("backtest…");
  await step(["backtest", "--from", "2025-11-10", "--to", "2025-11-23", "--replications", "3"]);
}

console.error("site build…");
const buildSeconds = await step(["site", "--out", "site"]);
const siteDir = join(dir, "site");
const loaders = readdirSync(join(root, "reports", "src", "data")).filter((f) => /\.json\.ts$/.test(f)).length;
const siteBytes = (function size(d: string): number {
  return readdirSync(d).reduce((sum, n) => {
    const p = join(d, n);
    return sum + (statSync(p).isDirectory() ? size(p) : statSync(p).size);
  }, 0);
})(siteDir);

/**
 * A script run in each page before its own: when the page's ready selector first matches, it waits for
 * the frame that shows the element to be produced (an animation frame, then a task after it) and records
 * performance.now(), the milliseconds since navigation start, in window.__drawnAt. Polling for the
 * selector from outside (Playwright checks at 0, 20, 50, 100 ms, then every 100 and 500 ms, and one more
 * round trip to read the clock) reported 50–300 ms after the chart was on screen.
 */
function drawnAtProbe(ready: string): string {
  return `(() => {
    const seen = () => {
      if (window.__drawnAt !== undefined || !document.querySelector(${JSON.stringify(ready)})) return;
      window.__drawnAt = null;
      requestAnimationFrame(() => setTimeout(() => { window.__drawnAt = performance.now(); }, 0));
    };
    new MutationObserver(seen).observe(document, { childList: true, subtree: true });
  })();`;
}

async function drawnAt(tab: import("playwright-core").Page): Promise<number> {
  await tab.waitForFunction(() => typeof (window as { __drawnAt?: unknown }).__drawnAt === "number", null, {
    timeout: 30_000,
  });
  return tab.evaluate(() => (window as unknown as { __drawnAt: number }).__drawnAt);
}

const server = await serveStatic(siteDir);
const browser = await launchChromium();
const rows: {
  page: string;
  requests: number;
  bytes: number;
  gzip: number;
  ms: number;
  busy: number;
  cpu: number;
  warm: number;
  fresh: number;
}[] = [];

/** A cold visit navigated as soon as its window opens: milliseconds to the main chart. */
async function visitInFreshWindow(page: (typeof PAGES)[number]): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    await context.addInitScript(drawnAtProbe(page.ready));
    const tab = await context.newPage();
    await tab.goto(`${server.origin}${page.path}`, { waitUntil: "commit" });
    return await drawnAt(tab);
  } finally {
    await context.close();
  }
}

const loadBefore = loadavg()[0] ?? 0;
try {
  for (const page of PAGES) {
    const times: number[] = [];
    const busy: number[] = [];
    const cpu: number[] = [];
    const warm: number[] = [];
    const fresh: number[] = [];
    let requests = 0;
    let bytes = 0;
    let gzip = 0;
    for (let run = 0; run < RUNS; run++) {
      fresh.push(await visitInFreshWindow(page));
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addInitScript(drawnAtProbe(page.ready));
      const tab = await context.newPage();
      await new Promise((settled) => setTimeout(settled, SETTLE_MS));
      // Main-thread busy time (tasks: script, style, layout, paint) up to the main chart: the part of
      // the wait that is the page's own work rather than the network or other processes.
      const cdp = await context.newCDPSession(tab);
      await cdp.send("Performance.enable");
      // The same tasks in the main thread's CPU time: what they cost on an idle machine, whatever the
      // load on this one (a task that waits for a core counts in the wall-clock figure above, not here).
      const cdpCpu = await context.newCDPSession(tab);
      await cdpCpu.send("Performance.enable", { timeDomain: "threadTicks" });
      const before = server.log.length;
      await tab.goto(`${server.origin}${page.path}`, { waitUntil: "commit" });
      times.push(await drawnAt(tab));
      const { metrics } = await cdp.send("Performance.getMetrics");
      busy.push((metrics.find((m) => m.name === "TaskDuration")?.value ?? 0) * 1000);
      const { metrics: cpuMetrics } = await cdpCpu.send("Performance.getMetrics");
      cpu.push((cpuMetrics.find((m) => m.name === "TaskDuration")?.value ?? 0) * 1000);
      if (run === 0) {
        await tab.waitForLoadState("networkidle");
        const served = server.log.slice(before).filter((r) => r.status === 200);
        requests = served.length;
        bytes = served.reduce((sum, r) => sum + r.bytes, 0);
        gzip = served.reduce((sum, r) => {
          const file = join(siteDir, r.path === "/" ? "index.html" : r.path);
          const path = existsSync(file) && statSync(file).isFile() ? file : `${file}.html`;
          return sum + gzipSync(readFileSync(path)).length;
        }, 0);
      }
      // The same page again in the same context: what a reader coming from another page of the site
      // waits, the libraries and styles in the browser's cache (hashed assets are immutable).
      await tab.goto(`${server.origin}${page.path}`, { waitUntil: "commit" });
      warm.push(await drawnAt(tab));
      await context.close();
    }
    const median = (values: number[]) =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
    rows.push({
      page: page.name,
      requests,
      bytes,
      gzip,
      ms: median(times),
      busy: median(busy),
      cpu: median(cpu),
      warm: median(warm),
      fresh: median(fresh),
    });
    console.error(
      `${page.name}: ${requests} requests, ${(bytes / 1e6).toFixed(2)} MB, ${Math.round(median(times))} ms (busy ${Math.round(median(busy))} ms, CPU ${Math.round(median(cpu))} ms), from the cache ${Math.round(median(warm))} ms, window just opened ${Math.round(median(fresh))} ms`,
    );
  }
} finally {
  await browser.close();
  await server.close();
}

const counts = (
  await orderops(
    [
      "query",
      "select (select count(*) from stg_orders) as orders, (select count(*) from stg_cases) as cases, (select count(*) from queue_day) as queue_days, (select count(*) from sim_run) as sim_runs",
      "--format",
      "json",
    ],
    { cwd: dir },
  )
).stdout;
const loadAfter = loadavg()[0] ?? 0;
const data = (JSON.parse(counts) as Record<string, number>[])[0] ?? {};
const heaviest = rows.reduce((a, b) => (b.bytes > a.bytes ? b : a));
const slowest = rows.reduce((a, b) => (b.ms > a.ms ? b : a));
const within = rows.filter((r) => r.ms <= 1000).length;
const withinWarm = rows.filter((r) => r.warm <= 1000).length;
const withinFresh = rows.filter((r) => r.fresh <= 1000).length;
const slowestFresh = rows.reduce((a, b) => (b.fresh > a.fresh ? b : a));
const slowestWarm = rows.reduce((a, b) => (b.warm > a.warm ? b : a));
const floor = rows.find((r) => r.page === "Glossary") ?? rows[0] ?? { ms: 0, busy: 0, cpu: 0 };
const mostCpu = rows.reduce((a, b) => (b.cpu > a.cpu ? b : a));
const mb = (n: number) => (n / 1e6).toFixed(2);

writeSection(
  "site",
  `## Site

${today()} on ${machine()}. \`node bin/run-ts.js bench/site.ts\`: the demo year (seed 42, scale 1:
${(data.orders ?? 0).toLocaleString("en-US")} orders, ${(data.cases ?? 0).toLocaleString("en-US")} cases, ${(data.queue_days ?? 0).toLocaleString("en-US")} queue-days) with ${data.sim_runs ?? 0} simulated
scenarios and a backtest; Chromium (headless) on the same machine, each page in a fresh context (no cache),
navigated ${SETTLE_MS / 1000} s after its window opened (below).

- **Site build** (\`orderops site\`): **${buildSeconds.toFixed(1)} s** for ${PAGES.length} pages and ${loaders} data loaders; the built site is ${mb(siteBytes)} MB.
- **Heaviest page**: ${heaviest.page}, **${mb(heaviest.bytes)} MB** requested (${mb(heaviest.gzip)} MB gzipped) — target under 2 MB.
- **Slowest page to interactive**: ${slowest.page}, **${Math.round(slowest.ms)} ms** from navigation start to its main chart drawn, first visit (median of ${RUNS}); ${Math.round(slowestFresh.fresh)} ms (${slowestFresh.page}) navigating the moment the window opens; **${Math.round(slowestWarm.warm)} ms** (${slowestWarm.page}) at the slowest when the site's libraries are already in the browser's cache, as when coming from another page — target 1 s.

${table(
  rows.map((r) => ({
    page: r.page,
    requests: r.requests,
    "MB requested": mb(r.bytes),
    "MB gzipped": mb(r.gzip),
    "ms to main chart": Math.round(r.ms),
    "main-thread busy ms": Math.round(r.busy),
    "main-thread CPU ms": Math.round(r.cpu),
    "ms from the cache": Math.round(r.warm),
    "ms, window just opened": Math.round(r.fresh),
  })),
)}

"Ms to main chart" is a first visit in a new browser context (an empty cache), navigated ${SETTLE_MS / 1000} s after
its window opened: for about 1.5 s after a window opens, Chromium runs the renderer of the window's
address-bar popup at about one core of this 2-core machine, which a reader's already open browser does not
do. "Window just opened" is the same visit navigated at once (${withinFresh} of ${rows.length} pages within 1 s that way). The time is taken inside the page: the frame after the chart's element first appears, in
milliseconds since navigation start (polling for it from outside, as before, read 50–300 ms late).
"Requested" is the sum of the bytes of every file the page loaded (HTML, scripts, styles, JSON artefacts),
as the test server sends them, uncompressed; a server that compresses sends about the gzipped figure.
"Main-thread busy" is Chromium's TaskDuration up to the main chart (script, style, layout, paint, and
handling each response) in wall-clock time; "main-thread CPU" is the same tasks in the thread's CPU time,
which a loaded machine stretches far less: the page's own work. The rest of the wait is the local server and
the other processes on the machine. Plot and Inputs arrive as one module each (docs/site.md, "Loading
fast"). The 1 s target is ${within === rows.length ? "met" : "not met"} on a first visit on this machine (${within} of ${rows.length} pages within it; ${withinWarm} of
${rows.length} from the cache; the most main-thread CPU a page takes is ${Math.round(mostCpu.cpu)} ms, ${mostCpu.page}). The
glossary, which draws no chart and loads no charting library, takes ${Math.round(floor.ms)} ms (${Math.round(floor.busy)} ms busy,
${Math.round(floor.cpu)} ms CPU) here: the floor this machine puts under every page. Load average (1 min) on this
${cpus().length}-core machine: ${loadBefore.toFixed(1)} when the page loads started, ${loadAfter.toFixed(1)} when they ended.`,
);
console.error("written to docs/benchmarks.md (section site)");
