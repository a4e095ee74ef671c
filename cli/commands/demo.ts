import { existsSync, rmSync } from "node:fs";
import { resolve } from "node:path";
import { Command, Option } from "commander";
import { withWarehouse } from "../../ingest/warehouse.ts";
import type { ExportFileFormat } from "../../simulator/export-writer.ts";
import { loadOperationConfig, type OperationConfig } from "../../simulator/operation/config.ts";
import { CliError } from "../errors.ts";
import { dbOption, parseInteger, parsePositive, parseShare, resolvePolicy } from "../options.ts";
import { note, seconds, step } from "../progress.ts";
import { buildWithProgress, describeFailures } from "./build.ts";
import { ingestWithSummary } from "./ingest.ts";
import { runSite } from "./site.ts";

export interface DemoCommandOptions {
  db: string;
  seed: number;
  scale: number;
  weeks?: number;
  format: ExportFileFormat;
  defects: number;
  operation?: string;
  data: string;
  out: string;
}

/**
 * The demo owns its warehouse: it starts from an empty one each run, so the same seed always gives
 * the same numbers. It refuses to replace a warehouse that holds anything but earlier demo loads.
 */
async function resetDemoWarehouse(db: string, dataDir: string): Promise<void> {
  if (!existsSync(db)) return;
  const foreign = await withWarehouse(db, async (w) => {
    if (!(await w.tableExists("main", "load_log")))
      return (await w.all("select 1 from information_schema.tables limit 1")).length > 0;
    const rows = await w.all<{ file_path: string }>("select distinct file_path from load_log");
    return rows.some((r) => !resolve(r.file_path).startsWith(resolve(dataDir)));
  });
  if (foreign) {
    throw new CliError(
      `${db} holds data that did not come from the demo; pass --db with another file to run the demo`,
    );
  }
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
}

export async function runDemo(options: DemoCommandOptions): Promise<void> {
  const started = performance.now();
  const total = 4;
  const policy = await resolvePolicy(undefined);
  let config: OperationConfig;
  try {
    config = await loadOperationConfig(options.operation);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  const weeks = options.weeks ?? config.weeks;
  step(
    1,
    total,
    `simulating ${weeks} weeks of the demo operation (seed ${options.seed}, scale ${options.scale}) into ${options.data}/`,
  );
  let t = performance.now();
  rmSync(options.data, { recursive: true, force: true });
  // Loaded here, not at the top: the generator brings faker, which only the demo needs (docs/cli.md).
  const { generateOperation } = await import("../../simulator/operation/generate.ts");
  const drop = await generateOperation({
    outDir: options.data,
    config,
    policy,
    seed: options.seed,
    scale: options.scale,
    weeks,
    format: options.format,
    defectRate: options.defects,
    onProgress: (message) => note(message),
  });
  for (const file of drop.files) note(`${file.path}: ${file.rows.toLocaleString("en-US")} rows`);
  for (const [team, hours] of Object.entries(drop.summary.teams)) {
    const occupancy = hours.rosteredHours > 0 ? hours.workedHours / hours.rosteredHours : 0;
    note(
      `${team}: ${Math.round(occupancy * 100)}% occupied (${Math.round(hours.workedHours).toLocaleString("en-US")} of ${Math.round(hours.rosteredHours).toLocaleString("en-US")} rostered hours on cases)`,
    );
  }
  if (options.defects > 0) {
    const injected = Object.values(drop.injectedDefects).reduce((a, b) => a + (b ?? 0), 0);
    note(
      `${injected.toLocaleString("en-US")} rows damaged on purpose (${options.data}/expected-quarantine.json)`,
    );
  }
  note(`done in ${seconds(performance.now() - t)}`);

  step(2, total, `ingesting into ${options.db}`);
  t = performance.now();
  await resetDemoWarehouse(options.db, options.data);
  const loads = await ingestWithSummary(options.db, [options.data], { quiet: true, policy });
  for (const r of loads) {
    note(
      `${r.entity}: read ${r.rowsRead}, loaded ${r.rowsLoaded}, quarantined ${r.rowsQuarantined}, duplicates ${r.rowsDuplicate}, pending ${r.rowsPending}`,
    );
  }
  note(`done in ${seconds(performance.now() - t)}`);

  step(3, total, "building models and running data tests");
  t = performance.now();
  const build = await buildWithProgress(options.db, undefined, true);
  note(
    `${build.models.length} models, ${build.tests.length - build.failedTests.length}/${build.tests.length} data tests passed in ${seconds(performance.now() - t)}`,
  );
  if (build.failedTests.length > 0) throw new CliError(describeFailures(build), 1);

  step(4, total, `building the site into ${options.out}/`);
  t = performance.now();
  await runSite({ db: options.db, out: options.out });
  note(`done in ${seconds(performance.now() - t)}`);
  process.stderr.write(
    `\ndemo ready in ${seconds(performance.now() - started)}: try  npx orderops query "select * from queue_day limit 5"\n`,
  );
}

export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "Simulate a demo operation (a year of a US retailer's order operations by default), ingest its exports,\n" +
        "build the models and the site, all with no configuration. Writes the export drop to --data, the\n" +
        "warehouse to --db and the site to --out. The same seed gives the same data, byte for byte.",
    )
    .addOption(dbOption())
    .option("--seed <n>", "random seed", parseInteger("--seed"), 42)
    .option(
      "--scale <s>",
      "multiplies order volume and headcount together (1 = about 400 orders a day)",
      parsePositive("--scale"),
      1,
    )
    .option(
      "--weeks <n>",
      "simulate fewer (or more) weeks than the operation file says (1 = a smoke run)",
      parseInteger("--weeks"),
    )
    .addOption(
      new Option("--format <format>", "export file format")
        .choices(["csv", "ndjson", "parquet"])
        .default("csv"),
    )
    .option(
      "--defects <rate>",
      "share of rows to damage on purpose, to watch the quarantine catch them",
      parseShare("--defects"),
      0,
    )
    .option(
      "--operation <file>",
      "the operation to simulate (YAML; default simulator/operations/default.yaml)",
    )
    .option("--data <dir>", "where the generated export drop is written", "demo-data")
    .option("--out <dir>", "where the site is built", "dist")
    .action(async (options) => {
      await runDemo(options);
    });
}
