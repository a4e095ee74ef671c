/**
 * The `orderops` command: thin wiring over ingest/, models/, simulator/ and reports/. Each command's
 * work lives in its module; this file parses arguments, prints progress to stderr and results to
 * stdout, and maps failures to exit codes (0 ok, 1 failed run or data test, 2 bad usage or input).
 */
import { Command, CommanderError } from "commander";
import { backtestCommand } from "./commands/backtest.ts";
import { buildCommand } from "./commands/build.ts";
import { calibrateCommand } from "./commands/calibrate.ts";
import { demoCommand } from "./commands/demo.ts";
import { erlangCommand } from "./commands/erlang.ts";
import { exportCommand } from "./commands/export.ts";
import { ingestCommand } from "./commands/ingest.ts";
import { planCommand } from "./commands/plan.ts";
import { queryCommand } from "./commands/query.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { siteCommand } from "./commands/site.ts";
import { staffCommand } from "./commands/staff.ts";
import { EXIT_USAGE, exitCodeFor } from "./errors.ts";

/** Every command, in the order `--help` lists them. Each lives in its own file under commands/. */
const COMMANDS: readonly (() => Command)[] = [
  demoCommand,
  ingestCommand,
  buildCommand,
  queryCommand,
  simulateCommand,
  staffCommand,
  erlangCommand,
  calibrateCommand,
  backtestCommand,
  planCommand,
  siteCommand,
  exportCommand,
];

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
  // addCommand does not pass on exitOverride and output settings; copy them so usage errors exit 2.
  for (const command of COMMANDS) program.addCommand(command().copyInheritedSettings(program));

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
