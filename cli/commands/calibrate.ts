import { writeFileSync } from "node:fs";
import { Command, Option } from "commander";
import { type Warehouse, withWarehouse } from "../../ingest/warehouse.ts";
import {
  type Calibration,
  CalibrationError,
  calibrate,
  SPLITS,
  type Split,
} from "../../simulator/calibration/calibrate.ts";
import { scenarioYaml } from "../../simulator/calibration/scenario-yaml.ts";
import { CliError } from "../errors.ts";
import { dbOption, policyOption, resolvePolicy } from "../options.ts";
import { note, seconds } from "../progress.ts";

export interface CalibrateCommandOptions {
  from: string;
  to: string;
  db: string;
  policy?: string;
  out?: string;
  split: Split;
  roster: "pattern" | "dated";
  json?: boolean;
}

/** The models calibration reads; a warehouse without them has not been built. */
const NEEDED = ["stg_cases", "stg_case_events", "stg_agents", "stg_shifts", "int_case_timeline"];

export async function requireBuiltWarehouse(warehouse: Warehouse): Promise<void> {
  for (const table of NEEDED) {
    if (!(await warehouse.tableExists("main", table))) {
      throw new CliError(
        `${warehouse.path} has no ${table}: run \`orderops build --db ${warehouse.path}\` first`,
      );
    }
  }
}

/** Runs fn and turns a calibration problem (bad period, no data) into a usage error (exit 2). */
export async function asUsageError<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof CalibrationError) throw new CliError(error.message);
    throw error;
  }
}

export const fromOption = () =>
  new Option(
    "--from <date>",
    "first day of the period (YYYY-MM-DD, in the policy's reporting zone)",
  ).makeOptionMandatory();
export const toOption = () =>
  new Option("--to <date>", "last day of the period, inclusive (YYYY-MM-DD)").makeOptionMandatory();
export const splitOption = () =>
  new Option(
    "--split <level>",
    "scenario queues per queue × work type × SLA tier, per queue × work type, or per queue",
  )
    .choices(SPLITS)
    .default("tier");

export function calibrationHeader(calibration: Calibration, db: string): string[] {
  const { report } = calibration;
  return [
    `Calibrated by \`orderops calibrate --from ${report.from} --to ${report.to} --db ${db}\` (docs/calibration.md).`,
    `Period ${report.start} to ${report.end}; scenario queues by ${report.split}; ${report.roster} roster.`,
    ...report.queues.map(
      (q) =>
        `${q.queue}: ${q.entries} arrivals (${q.transfers_in} by transfer), ${q.daily_volume}/day, transfers out ${(q.transfer_rate * 100).toFixed(1)}%`,
    ),
    ...report.notes.map((n) => `note: ${n}`),
  ];
}

export async function runCalibrate(options: CalibrateCommandOptions): Promise<Calibration> {
  const started = performance.now();
  const { policy } = await resolvePolicy(options.policy);
  const calibration = await withWarehouse(
    options.db,
    async (warehouse) => {
      await requireBuiltWarehouse(warehouse);
      return asUsageError(() =>
        calibrate(warehouse, {
          from: options.from,
          to: options.to,
          policy,
          split: options.split,
          roster: options.roster,
        }),
      );
    },
    { readOnly: true },
  );
  const text = scenarioYaml(calibration.spec, calibrationHeader(calibration, options.db));
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ scenario: calibration.spec, report: calibration.report }, null, 2)}\n`,
    );
    if (options.out) writeFileSync(options.out, text);
  } else if (options.out) {
    writeFileSync(options.out, text);
  } else {
    process.stdout.write(text);
  }
  for (const n of calibration.report.notes) note(`note: ${n}`);
  note(
    `calibrated ${calibration.spec.queues.length} scenario queues and ${calibration.spec.staff.length} staff groups in ${seconds(performance.now() - started)}${options.out ? `: ${options.out}` : ""}`,
  );
  return calibration;
}

export function calibrateCommand(): Command {
  return new Command("calibrate")
    .description(
      "Measure a scenario from the warehouse over a period: arrival profiles, handle-time, dependency and reopen fits, transfers, and the actual roster (docs/calibration.md). Prints YAML that `orderops simulate` takes.",
    )
    .addOption(fromOption())
    .addOption(toOption())
    .addOption(dbOption())
    .addOption(policyOption())
    .option("--out <file>", "write the scenario YAML to this file instead of stdout")
    .addOption(splitOption())
    .addOption(
      new Option("--roster <kind>", "a typical week of shifts (pattern) or every date as rostered (dated)")
        .choices(["pattern", "dated"])
        .default("pattern"),
    )
    .option("--json", "print {scenario, report} as JSON (docs/calibration.md) instead of YAML")
    .action(async (options: CalibrateCommandOptions) => {
      await runCalibrate(options);
    });
}
