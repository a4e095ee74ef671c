import { Command, InvalidArgumentError } from "commander";
import { defaultWorkers, startReplicationPool } from "../../simulator/replication-pool.ts";
import {
  StaffingUnreachableError,
  type StaffSearchResult,
  searchStaffing,
} from "../../simulator/staffing-search.ts";
import { CliError, EXIT_FAILED } from "../errors.ts";
import { parseInteger } from "../options.ts";
import { formatTable } from "../output.ts";
import { note } from "../progress.ts";
import { checkReplications, checkSeed, checkWorkers, readScenario, workersOption } from "./simulate.ts";

export interface StaffCommandOptions {
  target: { all?: number; byQueue: Record<string, number> };
  replications?: number;
  seed?: number;
  workers?: number;
  json?: boolean;
}

/** `--target 0.9` (every queue) or `--target payment_hold=0.95` (one queue); repeatable. */
function collectTarget(
  value: string,
  previous: StaffCommandOptions["target"],
): StaffCommandOptions["target"] {
  const match = /^(?:([a-z][a-z0-9_]*)=)?([0-9.]+)$/.exec(value.trim());
  const target = match ? Number(match[2]) : Number.NaN;
  if (!match || !(target > 0 && target < 1)) {
    throw new InvalidArgumentError(
      `--target takes P or QUEUE=P with P in (0, 1), e.g. 0.9 or payment_hold=0.95; got "${value}"`,
    );
  }
  return match[1]
    ? { ...previous, byQueue: { ...previous.byQueue, [match[1]]: target } }
    : { ...previous, all: target };
}

function formatResult(result: StaffSearchResult): string {
  const groups = result.groups.flatMap((group) =>
    group.shifts.map((shift, i) => ({
      group: group.group,
      shift,
      scenario: group.scenario_agents[i] as number,
      "erlang start": group.erlang_start[i] as number,
      "least agents": group.agents[i] as number,
    })),
  );
  const queues = result.queues.map((queue) => ({
    queue: queue.queue,
    attainment: queue.sla_attainment.mean === null ? "" : queue.sla_attainment.mean.toFixed(3),
    "± 95%": queue.sla_attainment.half_width === null ? "" : queue.sla_attainment.half_width.toFixed(3),
    target: queue.attainment_target.toFixed(3),
    meets: queue.meets_target ? "yes" : "NO",
  }));
  return [
    `${result.scenario}: least staffing per group (${result.evaluations} simulations of ${result.replications} replications, seed ${result.seed})`,
    "",
    formatTable(groups),
    "",
    formatTable(queues),
  ].join("\n");
}

export function staffCommand(): Command {
  return new Command("staff")
    .description(
      "Smallest staffing per skill group that meets every queue's SLA attainment target through the scenario: Erlang per interval to start, confirmed by simulation (docs/simulator.md).",
    )
    .argument("<scenario>", "scenario file (YAML)")
    .option(
      "--target <p>",
      "attainment target for every queue (0.9) or one queue (payment_hold=0.95); repeatable",
      collectTarget,
      {
        byQueue: {},
      },
    )
    .option(
      "--replications <n>",
      "replications per candidate (default: the scenario's)",
      parseInteger("--replications"),
    )
    .option(
      "--seed <n>",
      "random seed, the same for every candidate (default: the scenario's)",
      parseInteger("--seed"),
    )
    .addOption(workersOption())
    .option("--json", "print the result as JSON (stable shape, docs/simulator.md)")
    .action(async (file: string, options: StaffCommandOptions) => {
      checkReplications(options.replications);
      checkSeed(options.seed);
      checkWorkers(options.workers);
      const spec = readScenario(file);
      for (const queue of Object.keys(options.target.byQueue)) {
        if (!spec.queues.some((q) => q.name === queue))
          throw new CliError(`--target names ${queue}, which is not a queue in ${file}`);
      }
      const replications = options.replications ?? spec.replications;
      const workers = Math.min(options.workers ?? defaultWorkers(), replications);
      startReplicationPool(workers);
      let result: StaffSearchResult;
      try {
        result = await searchStaffing(spec, {
          replications,
          seed: options.seed ?? spec.seed,
          workers,
          targets: options.target,
          onEvaluation: options.json
            ? undefined
            : (n, agents, meets) =>
                note(
                  `simulation ${n}: ${Object.entries(agents)
                    .map(([g, a]) => `${g} ${a.join("/")}`)
                    .join(", ")} → ${meets ? "meets" : "misses"}`,
                ),
        });
      } catch (error) {
        if (error instanceof StaffingUnreachableError) throw new CliError(error.message, EXIT_FAILED);
        throw error;
      }
      process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : formatResult(result)}\n`);
    });
}
