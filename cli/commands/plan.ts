import { writeFileSync } from "node:fs";
import { Command } from "commander";
import { QUEUES } from "../../ingest/contracts/cases.ts";
import { withWarehouse } from "../../ingest/warehouse.ts";
import {
  type OutageSpec,
  type PeakSpec,
  PlanFlagError,
  type PlanResult,
  parseOutage,
  parsePeak,
  planPeak,
} from "../../simulator/calibration/plan.ts";
import { scenarioYaml } from "../../simulator/calibration/scenario-yaml.ts";
import { CliError } from "../errors.ts";
import { dbOption, parseInteger, parsePositive, policyOption, resolvePolicy } from "../options.ts";
import { formatTable } from "../output.ts";
import { note, seconds } from "../progress.ts";
import { asUsageError, fromOption, requireBuiltWarehouse, toOption } from "./calibrate.ts";
import { checkReplications, checkSeed } from "./simulate.ts";

export interface PlanCommandOptions {
  from: string;
  to: string;
  db: string;
  policy?: string;
  start?: string;
  days?: number;
  peak: string[];
  outage: string[];
  replications: number;
  seed: number;
  overtimeHours: number;
  maxOvertimeAgents: number;
  scenarioOut?: string;
  json?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** What --json prints: the plan without the calibration behind it (docs/calibration.md). */
export function planJson(result: PlanResult) {
  const { calibration, scenario: _scenario, ...rest } = result;
  return { ...rest, notes: calibration.report.notes };
}

function formatResult(result: PlanResult): string {
  const lines = [
    `plan ${result.start}, ${result.days} days (${result.zone}), calibrated on ${result.from}..${result.to}; ${result.replications} replications, seed ${result.seed}`,
    ...result.peaks.map((p) => `  peak ${p.text}: ${p.scope} × ${p.multiplier} from ${p.start} to ${p.end}`),
    ...result.outages.map(
      (o) =>
        `  outage ${o.text}: ${o.kind}${o.multiplier === null ? "" : ` × ${o.multiplier}`} from ${o.start} to ${o.end}`,
    ),
    "",
    `baseline roster: ${result.baseline.rostered_hours} agent-hours; ${
      result.baseline.meets_all_targets
        ? "meets every SLA target"
        : `misses ${result.baseline.queues
            .filter((q) => !q.meets_target)
            .map((q) => q.queue)
            .join(", ")}`
    }`,
    "",
    formatTable(
      result.options.map((o) => ({
        option: o.option,
        feasible: o.feasible ? "yes" : "no",
        "added rostered h": o.cost?.added_rostered_hours ?? "",
        "overtime h": o.cost?.overtime_hours ?? "",
        "lent h": o.cost?.lent_hours ?? "",
        "total agent-h": o.cost?.total_agent_hours ?? "",
        note: o.reason ?? "",
      })),
    ),
  ];
  const recommended = result.options.find((o) => o.option === result.recommended);
  if (recommended) {
    lines.push("", `recommended: ${recommended.option}`, "");
    lines.push(
      formatTable(
        recommended.groups.flatMap((g) =>
          g.shifts.map((shift, i) => ({
            group: g.group,
            shift,
            baseline: g.baseline_agents[i] ?? 0,
            planned: g.agents[i] ?? 0,
            overtime: i === 0 ? g.overtime_agents : "",
            "cross-skilled in": i === 0 ? g.borrowed_queues.join(", ") : "",
          })),
        ),
      ),
    );
  } else {
    lines.push("", "no option meets every SLA target");
  }
  return lines.join("\n");
}

export function planCommand(): Command {
  return new Command("plan")
    .description(
      "Peak plan: calibrate on a history period, apply peaks and outages to the planned period, and find the staffing per skill group and interval that meets the SLAs — added staff, overtime or cross-skilling, with their cost in agent-hours (docs/calibration.md).",
    )
    .addOption(fromOption())
    .addOption(toOption())
    .addOption(dbOption())
    .addOption(policyOption())
    .option("--start <date>", "first day of the plan (default: the day after --to)")
    .option(
      "--days <n>",
      "days planned (default: to the end of the last event + 2 days, at least 7)",
      parseInteger("--days"),
    )
    .option("--peak <spec>", "SCOPE+N%[:LENGTH][:WHEN], e.g. orders+60%:5d; repeatable", collect, [])
    .option(
      "--outage <spec>",
      "KIND:WHEN[:LENGTH][:xM], KIND carrier|inventory|platform, e.g. carrier:day3; repeatable",
      collect,
      [],
    )
    .option("--replications <n>", "replications per simulation", parseInteger("--replications"), 3)
    .option("--seed <n>", "random seed (the same for every candidate)", parseInteger("--seed"), 1)
    .option(
      "--overtime-hours <h>",
      "most overtime hours a day per group (overtime option)",
      parsePositive("--overtime-hours"),
      4,
    )
    .option(
      "--max-overtime-agents <n>",
      "most overtime agents per group (overtime option)",
      parseInteger("--max-overtime-agents"),
      20,
    )
    .option("--scenario-out <file>", "write the recommended scenario as YAML (for orderops simulate)")
    .option("--json", "print the plan as JSON (stable shape, docs/calibration.md)")
    .action(async (options: PlanCommandOptions) => {
      checkReplications(options.replications);
      checkSeed(options.seed);
      if (options.days !== undefined && !(options.days >= 1 && options.days <= 366)) {
        throw new CliError(`--days must be from 1 to 366, got ${options.days}`);
      }
      let peaks: PeakSpec[];
      let outages: OutageSpec[];
      try {
        peaks = options.peak.map((p) => parsePeak(p, QUEUES));
        outages = options.outage.map(parseOutage);
      } catch (error) {
        if (error instanceof PlanFlagError) throw new CliError(error.message);
        throw error;
      }
      const started = performance.now();
      const { policy } = await resolvePolicy(options.policy);
      const result = await withWarehouse(
        options.db,
        async (warehouse) => {
          await requireBuiltWarehouse(warehouse);
          try {
            return await asUsageError(() =>
              planPeak(warehouse, {
                from: options.from,
                to: options.to,
                policy,
                start: options.start,
                days: options.days,
                peaks,
                outages,
                replications: options.replications,
                seed: options.seed,
                overtimeHoursPerDay: options.overtimeHours,
                maxOvertimeAgents: options.maxOvertimeAgents,
                onProgress: options.json ? undefined : note,
              }),
            );
          } catch (error) {
            if (error instanceof PlanFlagError) throw new CliError(error.message);
            throw error;
          }
        },
        { readOnly: true },
      );
      if (options.scenarioOut) {
        writeFileSync(
          options.scenarioOut,
          scenarioYaml(result.scenario, [
            `Peak plan by \`orderops plan\`: ${result.recommended ?? "no option meets the targets"} (docs/calibration.md).`,
          ]),
        );
      }
      if (!options.json) note(`planned in ${seconds(performance.now() - started)}`);
      process.stdout.write(
        `${options.json ? JSON.stringify(planJson(result), null, 2) : formatResult(result)}\n`,
      );
      if (!result.recommended) process.exitCode = 1;
    });
}
