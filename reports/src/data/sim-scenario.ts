// Shared by the staffing page's loaders: the scenario a simulation run was made from, compiled, so that
// the Erlang baseline can be computed for it. The run records its scenario file; the file is used only
// when it still hashes to the run's id (the same text, seed and replications), so a baseline never
// describes a scenario other than the one simulated.
import { existsSync, readFileSync } from "node:fs";
import { parseScenario, type ScenarioSpec } from "../../../simulator/scenario.ts";
import { compileScenario, type ScenarioPlan } from "../../../simulator/scenario-plan.ts";
import { runId } from "../../../simulator/sim-tables.ts";

/** A type, not an interface, so that it is a `Row` (a record) for the warehouse reader. */
export type SimRunRow = {
  run_id: string;
  scenario: string;
  scenario_file: string | null;
  seed: number;
  replications: number;
  start_at: Date | string;
  horizon_s: number;
  interval_s: number;
  warmup_s: number;
  routing: string;
  meets_all_targets: boolean;
};

export type RunScenario = { spec: ScenarioSpec; plan: ScenarioPlan; note: null } | { note: string };

export function scenarioOfRun(run: SimRunRow): RunScenario {
  const file = run.scenario_file;
  if (!file || !existsSync(file)) {
    return { note: "the scenario file is not at hand, so no Erlang baseline is shown" };
  }
  const text = readFileSync(file, "utf8");
  if (runId(run.scenario, text, run.seed, run.replications) !== run.run_id) {
    return { note: "the scenario file has changed since the run, so no Erlang baseline is shown" };
  }
  try {
    const spec = parseScenario(text, file);
    return { spec, plan: compileScenario(spec), note: null };
  } catch (error) {
    return {
      note: `the scenario file no longer validates (${error instanceof Error ? error.message : error})`,
    };
  }
}

/** Reporting buckets for a run's charts: hours, or days for runs longer than three weeks. */
export function bucketSeconds(run: Pick<SimRunRow, "horizon_s" | "interval_s">): number {
  return Math.max(run.interval_s, run.horizon_s > 21 * 86_400 ? 86_400 : 3_600);
}
