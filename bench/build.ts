/**
 * Model-build benchmark: every model and data test on the ingest benchmark's warehouse, then one more
 * day's drop loaded through ingest and built incrementally, against a full rebuild of the same data.
 *   node bin/run-ts.js bench/ingest.ts 1000000     (once: leaves bench/.data/ingest.duckdb)
 *   node bin/run-ts.js bench/build.ts
 * Steps, all in this process (peak memory is the process's, DuckDB included):
 * 1. full build of the ingest benchmark's data as loaded (cases and orders, no case events);
 * 2. the same cases given a history: ~5.5 case events each (assignments, work, waits on the customer
 *    and the warehouse, transfers, escalations, resolutions), written straight into raw.case_events as
 *    one load (this measures the build, not ingest), then a full build;
 * 3. one more day's drop (cases.csv and case_events.csv of the day after the data ends) through
 *    `ingestPaths`, then an incremental build;
 * 4. a full build of the same data, and the marts of (3) and (4) compared row for row.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { QUEUES } from "../ingest/contracts/cases.ts";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../ingest/ingest.ts";
import { Warehouse } from "../ingest/warehouse.ts";
import { MODELS } from "../models/registry.ts";
import { type BuildResult, buildModels } from "../models/runner.ts";
import { machine, peakRssMiB, table, today, writeSection } from "./report.ts";

const dataDir = fileURLToPath(new URL("./.data/", import.meta.url));
const source = join(dataDir, "ingest.duckdb");
if (!existsSync(source)) {
  console.error(`${source} is missing: run \`node bin/run-ts.js bench/ingest.ts 1000000\` first`);
  process.exit(2);
}
const db = join(dataDir, "build.duckdb");
rmSync(db, { force: true });
rmSync(`${db}.wal`, { force: true });
copyFileSync(source, db);
const dayDrop = join(dataDir, "day-drop");
rmSync(dayDrop, { recursive: true, force: true });
mkdirSync(dayDrop, { recursive: true });

const queueList = `[${QUEUES.map((q) => `'${q}'`).join(", ")}]`;

/**
 * A case's history as event rows, from a relation `c` with case_id, queue, opened_at, resolved_at and a
 * number i: created (one in 25 in the wrong queue, then transferred), assigned, worked, one in ten
 * waiting on the customer and one in ten on the warehouse, one in fifty escalated, then resolved and
 * (half of them) closed.
 */
function eventsOf(relation: string): string {
  return `SELECT c.case_id || '-' || e.n AS event_id, c.case_id, e.ts AS occurred_at, e.kind AS event_type,
      e.from_queue, e.to_queue, e.dependency, e.level AS escalation_level
    FROM ${relation} c, LATERAL (SELECT unnest([
      {n: 1, kind: 'created', ts: c.opened_at, from_queue: NULL, to_queue: CASE WHEN c.i % 25 = 2 THEN ${queueList}[1 + (c.i + 1) % 7] ELSE c.queue END, dependency: NULL, level: NULL},
      CASE WHEN c.i % 25 = 2 THEN {n: 2, kind: 'transferred', ts: c.opened_at + INTERVAL 900 SECOND, from_queue: ${queueList}[1 + (c.i + 1) % 7], to_queue: c.queue, dependency: NULL, level: NULL} END,
      {n: 3, kind: 'assigned', ts: c.opened_at + INTERVAL 960 SECOND, from_queue: NULL, to_queue: NULL, dependency: NULL, level: NULL},
      {n: 4, kind: 'worked', ts: c.opened_at + INTERVAL 1200 SECOND, from_queue: NULL, to_queue: NULL, dependency: NULL, level: NULL},
      CASE WHEN c.i % 10 IN (0, 1) THEN {n: 5, kind: 'pending_dependency', ts: c.opened_at + INTERVAL 1800 SECOND, from_queue: NULL, to_queue: NULL, dependency: CASE WHEN c.i % 10 = 0 THEN 'customer' ELSE 'warehouse' END, level: NULL} END,
      CASE WHEN c.i % 10 IN (0, 1) AND c.resolved_at IS NOT NULL THEN {n: 6, kind: 'dependency_returned', ts: c.opened_at + INTERVAL 4800 SECOND, from_queue: NULL, to_queue: NULL, dependency: NULL, level: NULL} END,
      CASE WHEN c.i % 50 = 3 THEN {n: 7, kind: 'escalated', ts: c.opened_at + INTERVAL 5400 SECOND, from_queue: NULL, to_queue: NULL, dependency: NULL, level: 1} END,
      CASE WHEN c.resolved_at IS NOT NULL THEN {n: 8, kind: 'resolved', ts: c.resolved_at, from_queue: NULL, to_queue: NULL, dependency: NULL, level: NULL} END,
      CASE WHEN c.resolved_at IS NOT NULL AND c.i % 2 = 0 THEN {n: 9, kind: 'closed', ts: c.resolved_at + INTERVAL 3600 SECOND, from_queue: NULL, to_queue: NULL, dependency: NULL, level: NULL} END
    ]) AS e) AS x(e)
    WHERE e IS NOT NULL`;
}

/**
 * The machine's speed at the moment, measured beside each build: DuckDB alone copying the raw cases
 * into a table in case order (these machines are shared, so figures are read against it).
 */
async function reference(warehouse: Warehouse): Promise<number> {
  const started = performance.now();
  await warehouse.run(
    "CREATE OR REPLACE TEMP TABLE bench_reference AS SELECT * FROM raw.cases ORDER BY case_id",
  );
  await warehouse.run("DROP TABLE bench_reference");
  return (performance.now() - started) / 1000;
}

async function timedBuild(warehouse: Warehouse, incremental: boolean) {
  const referenceSeconds = await reference(warehouse);
  const started = performance.now();
  const result = await buildModels(warehouse, { incremental });
  const seconds = (performance.now() - started) / 1000;
  const modelSeconds = result.models.reduce((sum, m) => sum + m.ms, 0) / 1000;
  if (result.failedTests.length > 0) {
    console.error(result.failedTests.map((t) => `${t.model}: ${t.test} (${t.failures})`).join("\n"));
  }
  return { result, seconds, modelSeconds, testSeconds: seconds - modelSeconds, referenceSeconds };
}

const slowest = (result: BuildResult, n: number) =>
  [...result.models]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n)
    .map((m) => `${m.model} ${(m.ms / 1000).toFixed(1)} s`)
    .join(", ");

const warehouse = await Warehouse.open(db);
const counts = async () =>
  (await warehouse.one<{ cases: number; events: number; orders: number }>(
    "SELECT (SELECT count(*) FROM raw.cases) AS cases, (SELECT count(*) FROM raw.case_events) AS events, (SELECT count(*) FROM raw.orders) AS orders",
  )) ?? { cases: 0, events: 0, orders: 0 };

// 1. The ingest benchmark's data as it is.
const before = await counts();
const plain = await timedBuild(warehouse, false);
const plainPeak = peakRssMiB();
console.error(`plain: ${plain.seconds.toFixed(1)} s, peak ${plainPeak} MiB; ${slowest(plain.result, 4)}`);

// 2. The same cases with a history of events, as one load.
await warehouse.run(`CREATE TEMP TABLE numbered AS
  SELECT case_id, queue, opened_at, resolved_at, CAST(regexp_extract(case_id, '(\\d+)$', 1) AS BIGINT) AS i FROM raw.cases`);
const loadId = (await warehouse.one<{ id: number }>("SELECT nextval('load_id_seq') AS id"))?.id ?? 0;
await warehouse.run(
  `INSERT INTO raw.case_events (event_id, case_id, occurred_at, event_type, from_queue, to_queue, dependency, escalation_level, _load_id)
   SELECT *, ${loadId} FROM (${eventsOf("numbered")})`,
);
await warehouse.run(
  `INSERT INTO load_log SELECT ${loadId}, 'case_events', 'bench: synthetic history', 'sql', '', now(),
     count(*), count(*), 0, 0, 0, 0 FROM raw.case_events`,
);
const withEvents = await counts();
const full = await timedBuild(warehouse, false);
console.error(`events: ${full.seconds.toFixed(1)} s; ${slowest(full.result, 5)}`);

// 3. One more day: the day after the last case opened, cases every 12 seconds as before, the last
// hour's still open; loaded through ingest, then built incrementally.
const last = await warehouse.one<{ day: string; n: number }>(
  "SELECT CAST(CAST(max(opened_at) AS DATE) + 1 AS VARCHAR) AS day, max(CAST(regexp_extract(case_id, '(\\d+)$', 1) AS BIGINT)) AS n FROM raw.cases",
);
const dayStart = `${last?.day}T00:00:00Z`;
const firstI = (last?.n ?? 0) + 1;
await warehouse.run(`CREATE TEMP TABLE day_cases AS
  SELECT 'CS-' || (${firstI} + i) AS case_id, 'SO-' || ((${firstI} + i) % ${before.orders}) AS order_id,
    ${queueList}[1 + i % 7] AS queue, 'exception' AS work_type, 'other' AS category, 'p3' AS priority,
    TIMESTAMPTZ '${dayStart}' + INTERVAL (i * 12) SECOND AS opened_at,
    CASE WHEN i < 6900 THEN TIMESTAMPTZ '${dayStart}' + INTERVAL (i * 12 + 7200) SECOND END AS resolved_at,
    CASE WHEN i < 6900 THEN 'resolved' ELSE 'open' END AS status,
    TIMESTAMPTZ '${dayStart}' + INTERVAL (i * 12 + CASE WHEN i < 6900 THEN 7200 ELSE 0 END) SECOND AS updated_at,
    ${firstI} + i AS i
  FROM range(7200) t(i)`);
await warehouse.run(
  `COPY (SELECT * EXCLUDE (i) FROM day_cases) TO '${join(dayDrop, "cases.csv")}' (FORMAT csv, HEADER)`,
);
await warehouse.run(
  `COPY (${eventsOf("day_cases")}) TO '${join(dayDrop, "case_events.csv")}' (FORMAT csv, HEADER)`,
);
const loaded = await ingestPaths(warehouse, [join(dayDrop, "cases.csv"), join(dayDrop, "case_events.csv")], {
  ...DEFAULT_LOAD_OPTIONS,
  now: new Date(Date.parse(dayStart) + 2 * 86_400_000),
});
const dayRows = loaded.reduce((sum, r) => sum + r.rowsLoaded, 0);
const incremental = await timedBuild(warehouse, true);
const summary = incremental.result.incremental;
console.error(`incremental: ${incremental.seconds.toFixed(1)} s (${summary?.mode}: ${summary?.reason})`);

// 4. A full build of the same data; the marts compared with the incremental build's.
const marts = MODELS.filter((m) => m.layer !== "staging").map((m) => m.name);
await warehouse.run("CREATE SCHEMA IF NOT EXISTS bench_incremental");
for (const mart of marts)
  await warehouse.run(`CREATE OR REPLACE TABLE bench_incremental."${mart}" AS SELECT * FROM main."${mart}"`);
const rebuilt = await timedBuild(warehouse, false);
const differing: string[] = [];
for (const mart of marts) {
  const diff = await warehouse.one<{ n: number }>(`SELECT
      (SELECT count(*) FROM (SELECT * FROM bench_incremental."${mart}" EXCEPT ALL SELECT * FROM main."${mart}"))
    + (SELECT count(*) FROM (SELECT * FROM main."${mart}" EXCEPT ALL SELECT * FROM bench_incremental."${mart}")) AS n`);
  if ((diff?.n ?? 0) > 0) differing.push(`${mart} (${diff?.n} rows)`);
}
await warehouse.run("DROP SCHEMA bench_incremental CASCADE");
const finalCounts = await counts();
warehouse.close();

const ratio = incremental.seconds / rebuilt.seconds;
const modelRatio = incremental.modelSeconds / rebuilt.modelSeconds;
const row = (measure: string, b: Awaited<ReturnType<typeof timedBuild>>) => ({
  measure,
  "total s": b.seconds.toFixed(1),
  "models s": b.modelSeconds.toFixed(1),
  "data tests s": b.testSeconds.toFixed(1),
  "DuckDB reference s": b.referenceSeconds.toFixed(2),
  "slowest models": slowest(b.result, 3),
});
const md = `## Build

${today()} on ${machine()}. \`node bin/run-ts.js bench/build.ts\` on the warehouse \`bench/ingest.ts 1000000\` leaves:
${before.cases.toLocaleString("en-US")} cases and ${before.orders.toLocaleString("en-US")} orders. Every model and every data test, in one transaction,
as \`orderops build\` runs them (${plain.result.models.length} models, ${plain.result.tests.length} data tests).

${table([
  row(`1. full build, cases and orders as loaded (no case events)`, plain),
  row(
    `2. full build, plus ${(withEvents.events - before.events).toLocaleString("en-US")} case events (one synthetic load)`,
    full,
  ),
  row(
    `3. incremental build after one day's drop (${dayRows.toLocaleString("en-US")} rows through ingest)`,
    incremental,
  ),
  row("4. full build of the same data as 3", rebuilt),
])}

- DuckDB reference: the same process copying the raw cases into a sorted table just before each build, a
  gauge of how busy the shared machine was (it varies several-fold between quiet and busy moments).
- Peak resident memory of the benchmark process after build 1: **${plainPeak} MiB**; after all four builds: ${peakRssMiB()} MiB.
- Incremental / full on the same data: **${(ratio * 100).toFixed(0)}%** of the time (${(modelRatio * 100).toFixed(0)}% for the models alone; row-level and by-key
  data tests look at the rebuilt rows only, the others at whole tables). In scope: ${Object.entries(
    summary?.keys ?? {},
  )
    .map(([k, n]) => `${n?.toLocaleString("en-US")} ${k}`)
    .join(
      ", ",
    )} (the day's cases, the cases still open at the previous build, and their orders); ${summary?.byKey.length} models rebuilt by key, the rest whole.
- The incremental build's marts equal the full build's row for row: ${differing.length === 0 ? "**yes** (every non-staging model compared with EXCEPT ALL both ways)" : `**no**: ${differing.join(", ")}`}.
- Warehouse after the day: ${finalCounts.cases.toLocaleString("en-US")} cases, ${finalCounts.events.toLocaleString("en-US")} case events.
`;
writeSection("build", md);
console.log(md);
