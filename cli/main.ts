/**
 * The `orderops` command: thin wiring over ingest/, models/, simulator/ and reports/. Each command's
 * work lives in its module; this file parses arguments, prints progress to stderr and results to
 * stdout, and maps failures to exit codes (0 ok, 1 failed run or data test, 2 bad usage or input).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { DEFAULT_WAREHOUSE } from "../ingest/warehouse.ts";
import { runBuild } from "./commands/build.ts";
import { runDemo } from "./commands/demo.ts";
import { runIngest } from "./commands/ingest.ts";
import { runQuery } from "./commands/query.ts";
import { runSite } from "./commands/site.ts";
import { EXIT_USAGE, exitCodeFor } from "./errors.ts";

export function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value))
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

export function parsePositive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

const dbOption = () =>
  new Option("--db <file>", "the warehouse: a DuckDB file, created when missing").default(DEFAULT_WAREHOUSE);

export function buildProgram(): Command {
  const program = new Command("orderops")
    .description(
      "Analytics and reporting warehouse for ecommerce order operations.\n\n" +
        "Typical use:\n" +
        "  orderops demo                         simulate an operation, load it, build the marts and the site\n" +
        "  orderops ingest exports/              load an export drop (CSV, NDJSON, Parquet; .gz allowed)\n" +
        "  orderops build                        rebuild every model and run the data tests\n" +
        '  orderops query "select * from queue_day limit 5"\n' +
        "  orderops site --out dist              build the static dashboard site",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("demo")
    .description(
      "Simulate a demo operation, ingest its exports, build the models and the site, all with no configuration.\n" +
        "Writes the export drop to --data, the warehouse to --db and the site to --out.",
    )
    .addOption(dbOption())
    .option(
      "--seed <n>",
      "random seed: the same seed gives the same data, byte for byte",
      parseInteger("--seed"),
      42,
    )
    .option(
      "--scale <s>",
      "multiplies the order volume (1 = about 150 orders a day for 4 weeks)",
      parsePositive("--scale"),
      1,
    )
    .option("--data <dir>", "where the generated export drop is written", "demo-data")
    .option("--out <dir>", "where the site is built", "dist")
    .action(async (options) => {
      await runDemo(options);
    });

  program
    .command("ingest")
    .description(
      "Load export files into the warehouse. Each file's entity comes from its name (orders.csv, cases.ndjson.gz, ...)\n" +
        "or from --entity. Bad rows go to the quarantine table with their reasons; a file already loaded is skipped.\n" +
        "Prints, per file: rows read = loaded + quarantined + duplicates skipped.",
    )
    .argument("<path...>", "export files or folders of them")
    .addOption(dbOption())
    .option("--entity <name>", "the entity of every file given (overrides the file name)")
    .option("--json", "print the per-file summary as JSON")
    .action(async (paths: string[], options) => {
      process.exitCode = await runIngest(paths, options);
    });

  program
    .command("build")
    .description(
      "Run every model (staging → intermediate → marts) and its data tests. Exits 1 when a data test fails.",
    )
    .addOption(dbOption())
    .option("--json", "print the build summary as JSON")
    .action(async (options) => {
      process.exitCode = await runBuild(options);
    });

  program
    .command("query")
    .description(
      'Run one SQL query against the warehouse (read-only), e.g. orderops query "select * from queue_day limit 5".',
    )
    .argument("<sql>", "the query")
    .addOption(dbOption())
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "csv", "json"]).default("table"),
    )
    .action(async (sqlText: string, options) => {
      await runQuery(sqlText, options);
    });

  program
    .command("site")
    .description("Build the static dashboard site from the warehouse's marts (no network needed).")
    .addOption(dbOption())
    .option("--out <dir>", "output folder", "dist")
    .option("--verbose", "show Observable Framework's build log")
    .action(async (options) => {
      await runSite(options);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse error is bad usage.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`orderops: ${message}\n`);
    return exitCodeFor(error);
  }
}
