/**
 * Ingest throughput: orderops loading a cases CSV (contract checks, de-duplication, references,
 * quarantine, load log, one transaction) against DuckDB alone reading the same file, in the same run.
 *   node bin/run-ts.js bench/ingest.ts [ROWS]     (default 1,000,000 cases and 200,000 orders)
 * It also leaves the loaded warehouse in bench/.data/ingest.duckdb for the model-build benchmark.
 */
import { mkdirSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../ingest/ingest.ts";
import { Warehouse } from "../ingest/warehouse.ts";
import { machine, peakRssMiB, table, today, writeSection } from "./report.ts";

const rows = Number(process.argv[2] ?? 1_000_000);
const orders = Math.max(1, Math.round(rows / 5));
const dataDir = fileURLToPath(new URL("./.data/", import.meta.url));
const dropDir = join(dataDir, "drop");
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dropDir, { recursive: true });

// A drop shaped like the contract: 1% of cases carry an invalid queue, 0.5% point at no order.
const generator = await Warehouse.open(":memory:");
await generator.run(`COPY (
  SELECT 'SO-' || i AS order_id, TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (i * 60) SECOND AS placed_at,
         (['web','app','marketplace','store','phone'])[1 + i % 5] AS channel, round(10 + (i * 7919) % 50000 / 100.0, 2) AS order_value,
         'USD' AS currency, 'shipped' AS status, 'Customer ' || i AS customer_name, 'c' || i || '@example.com' AS customer_email,
         TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (i * 60 + 3600) SECOND AS updated_at
  FROM range(${orders}) t(i)) TO '${join(dropDir, "orders.csv")}' (FORMAT csv, HEADER)`);
await generator.run(`COPY (
  SELECT 'CS-' || i AS case_id,
         CASE WHEN i % 200 = 7 THEN 'SO-missing-' || i ELSE 'SO-' || (i % ${orders}) END AS order_id,
         CASE WHEN i % 100 = 3 THEN 'no_such_queue'
              ELSE (['new_order_review','payment_hold','allocation_failure','fulfillment_release','shipment_exception','return_authorization','refund_validation'])[1 + i % 7] END AS queue,
         'exception' AS work_type, 'other' AS category, 'p3' AS priority,
         TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (i * 12) SECOND AS opened_at,
         TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (i * 12 + 7200) SECOND AS resolved_at,
         'resolved' AS status, 'note with, a comma "and quotes"' AS disposition_code,
         TIMESTAMPTZ '2025-01-01 00:00:00+00' + INTERVAL (i * 12 + 7200) SECOND AS updated_at
  FROM range(${rows}) t(i)) TO '${join(dropDir, "cases.csv")}' (FORMAT csv, HEADER)`);
generator.close();
const casesFile = join(dropDir, "cases.csv");
const sizeMiB = statSync(casesFile).size / 2 ** 20;

const cpuSeconds: number[] = [];
/** Wall seconds; the process's CPU seconds (DuckDB's threads included) go to `cpuSeconds`, in call order. */
async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const result = await fn();
  const cpu = process.cpuUsage(cpuStarted);
  cpuSeconds.push((cpu.user + cpu.system) / 1e6);
  return [result, (performance.now() - started) / 1000];
}

// On a shared machine the wall-clock figures stretch with the load; CPU seconds stretch less.
const loadBefore = loadavg()[0] ?? 0;

// DuckDB alone, same run: counting the rows, and reading the whole file into a table of a file database.
const bare = await Warehouse.open(":memory:");
const [, countS] = await timed(() =>
  bare.all("SELECT count(*) FROM read_csv($1, header = true, all_varchar = true)", [casesFile]),
);
bare.close();
const bareDb = join(dataDir, "bare.duckdb");
const bareFile = await Warehouse.open(bareDb);
const [, bareS] = await timed(() =>
  bareFile.run("CREATE TABLE cases AS SELECT * FROM read_csv($1, header = true, all_varchar = true)", [
    casesFile,
  ]),
);
bareFile.close();
rmSync(bareDb, { force: true });

const db = join(dataDir, "ingest.duckdb");
const warehouse = await Warehouse.open(db);
const [ordersResult] = await timed(() =>
  ingestPaths(warehouse, [join(dropDir, "orders.csv")], DEFAULT_LOAD_OPTIONS),
);
const [casesResult, loadS] = await timed(() => ingestPaths(warehouse, [casesFile], DEFAULT_LOAD_OPTIONS));
const [rerun, rerunS] = await timed(() => ingestPaths(warehouse, [casesFile], DEFAULT_LOAD_OPTIONS));
warehouse.close();
const loadAfter = loadavg()[0] ?? 0;
const [countCpu, bareCpu, , loadCpu, rerunCpu] = cpuSeconds as [number, number, number, number, number];

const c = casesResult[0];
if (!c) throw new Error("no result");
const figures = [
  {
    measure: "DuckDB: count(*) over read_csv",
    seconds: countS.toFixed(2),
    "CPU s": countCpu.toFixed(2),
    "rows/s": Math.round(rows / countS).toLocaleString("en-US"),
  },
  {
    measure: "DuckDB: read_csv into a table (the bare read)",
    seconds: bareS.toFixed(2),
    "CPU s": bareCpu.toFixed(2),
    "rows/s": Math.round(rows / bareS).toLocaleString("en-US"),
  },
  {
    measure: "orderops ingest cases.csv",
    seconds: loadS.toFixed(2),
    "CPU s": loadCpu.toFixed(2),
    "rows/s": Math.round(rows / loadS).toLocaleString("en-US"),
  },
  {
    measure: "same file again (skipped by content hash)",
    seconds: rerunS.toFixed(2),
    "CPU s": rerunCpu.toFixed(2),
    "rows/s": "—",
  },
];
const md = `## Ingest

${today()} on ${machine()}. \`node bin/run-ts.js bench/ingest.ts ${rows}\`: a ${sizeMiB.toFixed(0)} MiB cases CSV of
${rows.toLocaleString("en-US")} rows (1% invalid queue, 0.5% referring to an order that never arrives) after
${orders.toLocaleString("en-US")} orders.

${table(figures)}

- orderops / bare read: **${(loadS / bareS).toFixed(1)}×** the time of DuckDB reading the file into a table
  (${(loadCpu / bareCpu).toFixed(1)}× its CPU time). Load average (1 min) on these ${cpus().length} cores: ${loadBefore.toFixed(1)} when
  the benchmark started, ${loadAfter.toFixed(1)} when it ended (a shared machine: compare ratios from one run).
- Accounting: read ${c.rowsRead.toLocaleString("en-US")} = loaded ${c.rowsLoaded.toLocaleString("en-US")} + quarantined ${c.rowsQuarantined.toLocaleString("en-US")} + duplicates ${c.rowsDuplicate} + pending ${c.rowsPending.toLocaleString("en-US")}.
- Re-loading the same file: status \`${rerun[0]?.status}\`, nothing written.
- Peak resident memory of the benchmark process: ${peakRssMiB()} MiB (orders load: ${ordersResult[0]?.rowsLoaded.toLocaleString("en-US")} rows).
`;
writeSection("ingest", md);
console.log(md);
