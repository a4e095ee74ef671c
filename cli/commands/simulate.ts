import { readFileSync } from "node:fs";
import { Command, Option } from "commander";
import { withWarehouse } from "../../ingest/warehouse.ts";
import { defaultWorkers, startReplicationPool } from "../../simulator/replication-pool.ts";
import { runScenario, type SimulationSummary } from "../../simulator/run-scenario.ts";
import { loadScenario, ScenarioError, type ScenarioSpec } from "../../simulator/scenario.ts";
import { compileScenario } from "../../simulator/scenario-plan.ts";
import { CliError } from "../errors.ts";
import { dbOption, parseInteger } from "../options.ts";
import { formatTable } from "../output.ts";
import { note, seconds } from "../progress.ts";

export interface SimulateCommandOptions {
  db: string;
  replications?: number;
  seed?: number;
  workers?: number;
  json?: boolean;
}

/** The scenario, or a CliError (exit 2) naming the file, line and field. */
export function readScenario(file: string): ScenarioSpec {
  try {
    return loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) throw new CliError(error.message);
    throw error;
  }
}

export function checkReplications(replications: number | undefined): void {
  if (replications !== undefined && !(replications >= 1 && replications <= 1000)) {
    throw new CliError(`--replications must be from 1 to 1000, got ${replications}`);
  }
}

export function checkWorkers(workers: number | undefined): void {
  if (workers !== undefined && !(workers >= 1 && workers <= 256)) {
    throw new CliError(`--workers must be from 1 to 256, got ${workers}`);
  }
}

/** `--workers N`: replications in parallel on N threads; the results do not depend on N. */
export function workersOption(): Option {
  return new Option(
    "--workers <n>",
    "threads to run replications on; 1 (the default) runs them one after another in this process; results do not depend on it",
  ).argParser(parseInteger("--workers"));
}

export function checkSeed(seed: number | undefined): void {
  if (seed !== undefined && !(seed >= 0 && seed <= 2 ** 32 - 1)) {
    throw new CliError(`--seed must be from 0 to 4294967295, got ${seed}`);
  }
}

const fixed = (value: number | null, digits: number) => (value === null ? "" : value.toFixed(digits));

function formatSummary(summary: SimulationSummary & { run_id: string }): string {
  const rows = summary.queues.map((queue) => ({
    queue: queue.queue,
    arrivals: fixed(queue.metrics.arrivals.mean, 1),
    attainment: fixed(queue.metrics.sla_attainment.mean, 3),
    "± 95%": fixed(queue.metrics.sla_attainment.half_width, 3),
    target: queue.sla.attainment_target.toFixed(3),
    meets: queue.meets_target ? "yes" : "NO",
    "asa s": fixed(queue.metrics.asa_s.mean, 0),
    abandoned: fixed(queue.metrics.p_abandon.mean, 3),
    occupancy: fixed(queue.metrics.occupancy.mean, 3),
    "max open": fixed(queue.metrics.max_open.mean, 0),
    "open at end": fixed(queue.metrics.open_at_end.mean, 1),
  }));
  const groups = summary.groups.map((group) => ({
    group: group.group,
    occupancy: fixed(group.metrics.occupancy.mean, 3),
    "productive agents": fixed(group.metrics.mean_productive_agents.mean, 1),
    "overtime h": fixed(group.metrics.overtime_agent_hours.mean, 1),
    "switching h": fixed(group.metrics.switching_agent_hours.mean, 1),
  }));
  return [
    `${summary.scenario}: ${summary.replications} replications, seed ${summary.seed}, run ${summary.run_id}`,
    "",
    formatTable(rows),
    "",
    formatTable(groups),
    "",
    summary.meets_all_targets
      ? "Every queue meets its SLA attainment target."
      : "Some queues miss their SLA attainment target.",
  ].join("\n");
}

export async function runSimulate(
  file: string,
  options: SimulateCommandOptions,
): Promise<SimulationSummary & { run_id: string }> {
  checkReplications(options.replications);
  checkSeed(options.seed);
  checkWorkers(options.workers);
  const spec = readScenario(file);
  const replications = options.replications ?? spec.replications;
  const workers = Math.min(options.workers ?? defaultWorkers(), replications);
  startReplicationPool(workers);
  const seed = options.seed ?? spec.seed;
  const plan = compileScenario(spec);
  // Loaded here, not with the module: it loads DuckDB, which `staff` and `erlang` (importing this
  // command's option checks) never use.
  const { createSimTables, deleteRun, replicationWriter, runId, writeRunSummary } = await import(
    "../../simulator/sim-tables.ts"
  );
  const id = runId(spec.name, readFileSync(file, "utf8"), seed, replications);
  const started = performance.now();
  const summary = await withWarehouse(options.db, (warehouse) =>
    warehouse.transaction(async () => {
      await createSimTables(warehouse);
      await deleteRun(warehouse, id);
      const write = replicationWriter(warehouse, plan, id);
      const result = await runScenario(plan, {
        replications,
        seed,
        workers,
        onReplication: async (replication, output) => {
          await write(replication, output);
          if (!options.json)
            note(
              `replication ${replication + 1}/${replications}: ${output.events.toLocaleString("en-US")} events`,
            );
        },
      });
      await writeRunSummary(warehouse, id, file, result);
      return result;
    }),
  );
  if (!options.json)
    note(`simulated and written to ${options.db} in ${seconds(performance.now() - started)}`);
  return { run_id: id, ...summary };
}

export function simulateCommand(): Command {
  return new Command("simulate")
    .description(
      "Run a staffing scenario (YAML, see docs/simulator.md) through the discrete-event simulator; write sim_* tables to the warehouse.",
    )
    .argument("<scenario>", "scenario file (YAML)")
    .addOption(dbOption())
    .option(
      "--replications <n>",
      "independent replications (default: the scenario's)",
      parseInteger("--replications"),
    )
    .option("--seed <n>", "random seed (default: the scenario's)", parseInteger("--seed"))
    .addOption(workersOption())
    .option("--json", "print the summary as JSON (stable shape, docs/simulator.md)")
    .action(async (file: string, options: SimulateCommandOptions) => {
      const summary = await runSimulate(file, options);
      process.stdout.write(`${options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)}\n`);
    });
}
