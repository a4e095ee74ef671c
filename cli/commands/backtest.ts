import { Command } from "commander";
import { withWarehouse } from "../../ingest/warehouse.ts";
import { type BacktestResult, backtest } from "../../simulator/calibration/backtest.ts";
import { writeBacktest } from "../../simulator/calibration/backtest-tables.ts";
import type { Split } from "../../simulator/calibration/calibrate.ts";
import { dbOption, parseInteger, policyOption, resolvePolicy } from "../options.ts";
import { formatTable } from "../output.ts";
import { note, seconds } from "../progress.ts";
import { asUsageError, fromOption, requireBuiltWarehouse, splitOption, toOption } from "./calibrate.ts";
import { checkReplications, checkSeed } from "./simulate.ts";

export interface BacktestCommandOptions {
  from: string;
  to: string;
  db: string;
  policy?: string;
  replications: number;
  seed: number;
  split: Split;
  json?: boolean;
}

/** What --json prints: the result without the calibration behind it (docs/calibration.md). */
export function backtestJson(result: BacktestResult) {
  const { calibration, ...rest } = result;
  return { ...rest, notes: calibration.report.notes };
}

const fixed = (value: number | null, digits: number) => (value === null ? "" : value.toFixed(digits));

function formatResult(result: BacktestResult): string {
  const rows = result.errors.map((e) => {
    const scale = e.measure === "wait_s" ? 3600 : 1;
    return {
      queue: e.queue,
      measure: e.measure === "wait_s" ? "wait (h)" : e.measure,
      days: e.n,
      MAE: fixed(e.mae === null ? null : e.mae / scale, e.measure === "backlog" ? 1 : 3),
      MAPE: e.mape === null ? "" : `${(e.mape * 100).toFixed(1)}%`,
      WAPE: e.wape === null ? "" : `${(e.wape * 100).toFixed(1)}%`,
      bias: fixed(e.bias === null ? null : e.bias / scale, e.measure === "backlog" ? 1 : 3),
      "zero actuals": e.zero_actuals,
    };
  });
  return [
    `backtest ${result.backtest_id}: ${result.from} to ${result.to}, ${result.replications} replications, seed ${result.seed}; actual SLA from ${result.actual_sla_source}`,
    "",
    formatTable(rows),
    "",
    "MAPE leaves out days whose actual is 0 (counted under zero actuals); WAPE = Σ|error| ÷ Σ|actual|.",
  ].join("\n");
}

export async function runBacktest(options: BacktestCommandOptions): Promise<BacktestResult> {
  checkReplications(options.replications);
  checkSeed(options.seed);
  const started = performance.now();
  const { policy } = await resolvePolicy(options.policy);
  const result = await withWarehouse(options.db, async (warehouse) => {
    await requireBuiltWarehouse(warehouse);
    const outcome = await asUsageError(() =>
      backtest(warehouse, {
        from: options.from,
        to: options.to,
        policy,
        replications: options.replications,
        seed: options.seed,
        split: options.split,
      }),
    );
    await writeBacktest(warehouse, outcome);
    return outcome;
  });
  if (!options.json) {
    for (const n of result.calibration.report.notes) note(`note: ${n}`);
    note(`backtested and written to ${options.db} (sim_backtest) in ${seconds(performance.now() - started)}`);
  }
  return result;
}

export function backtestCommand(): Command {
  return new Command("backtest")
    .description(
      "Simulate a past period with its actual roster, volumes and opening backlog, and compare predicted with actual SLA attainment, backlog and wait per queue and day; writes sim_backtest (docs/calibration.md).",
    )
    .addOption(fromOption())
    .addOption(toOption())
    .addOption(dbOption())
    .addOption(policyOption())
    .option("--replications <n>", "independent replications", parseInteger("--replications"), 5)
    .option("--seed <n>", "random seed", parseInteger("--seed"), 1)
    .addOption(splitOption())
    .option("--json", "print the result as JSON (stable shape, docs/calibration.md)")
    .action(async (options: BacktestCommandOptions) => {
      const result = await runBacktest(options);
      process.stdout.write(
        `${options.json ? JSON.stringify(backtestJson(result), null, 2) : formatResult(result)}\n`,
      );
    });
}
