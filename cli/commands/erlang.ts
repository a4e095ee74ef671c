import { Command, InvalidArgumentError } from "commander";
import { type QueueMetrics, queueMetrics, requiredAgents } from "../../simulator/erlang.ts";
import { CliError } from "../errors.ts";
import { parseInteger, parsePositive } from "../options.ts";

export interface ErlangCommandOptions {
  arrivalsPerHour: number;
  aht: number;
  agents?: number;
  threshold: number;
  patience?: number;
  target?: number;
  maxOccupancy?: number;
  shrinkage?: number;
  json?: boolean;
}

/**
 * The `--json` shape (docs/simulator.md): inputs echoed, then the metrics. `p_abandon` only with
 * --patience; `required_agents` and `scheduled_agents` only with --target. An unbounded value (ASA of
 * an unstable Erlang C queue) is null.
 */
export interface ErlangJson {
  model: "erlang_c" | "erlang_a";
  arrivals_per_hour: number;
  aht_s: number;
  threshold_s: number;
  patience_s?: number;
  /** The agents the metrics are for: --agents, or the required agents when only --target is given. */
  agents: number;
  offered_load: number;
  p_wait: number;
  service_level: number;
  asa_s: number | null;
  mean_wait_s: number | null;
  occupancy: number;
  p_abandon?: number;
  target?: number;
  max_occupancy?: number;
  shrinkage?: number;
  required_agents?: number;
  scheduled_agents?: number;
}

function parseNonNegative(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < 0) {
      throw new InvalidArgumentError(`${name} must be a number of at least 0, got "${value}"`);
    }
    return n;
  };
}

function parseFraction(name: string, { allowZero, allowOne }: { allowZero: boolean; allowOne: boolean }) {
  return (value: string): number => {
    const n = Number(value);
    const ok =
      value.trim() !== "" &&
      Number.isFinite(n) &&
      (allowZero ? n >= 0 : n > 0) &&
      (allowOne ? n <= 1 : n < 1);
    if (!ok) {
      const range = `${allowZero ? "[" : "("}0, 1${allowOne ? "]" : ")"}`;
      throw new InvalidArgumentError(`${name} must be a fraction in ${range}, got "${value}"`);
    }
    return n;
  };
}

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function erlangResult(options: ErlangCommandOptions): ErlangJson {
  if (options.agents === undefined && options.target === undefined) {
    throw new CliError("give --agents N, --target P, or both");
  }
  if (options.agents !== undefined && !(Number.isInteger(options.agents) && options.agents >= 1)) {
    throw new CliError(`--agents must be a whole number of at least 1, got ${options.agents}`);
  }
  const inputs = {
    arrivals_per_hour: options.arrivalsPerHour,
    aht_s: options.aht,
    threshold_s: options.threshold,
    patience_s: options.patience,
  };
  let staffing: ReturnType<typeof requiredAgents> | undefined;
  let metrics: QueueMetrics;
  try {
    if (options.target !== undefined) {
      staffing = requiredAgents({
        ...inputs,
        target_service_level: options.target,
        max_occupancy: options.maxOccupancy,
        shrinkage: options.shrinkage,
      });
    }
    const agents = options.agents ?? (staffing?.agents as number);
    metrics = queueMetrics({ ...inputs, agents });
  } catch (error) {
    if (error instanceof RangeError) throw new CliError(error.message);
    throw error;
  }
  return {
    model: metrics.model,
    arrivals_per_hour: options.arrivalsPerHour,
    aht_s: options.aht,
    threshold_s: options.threshold,
    ...(options.patience !== undefined ? { patience_s: options.patience } : {}),
    agents: options.agents ?? (staffing?.agents as number),
    offered_load: metrics.offered_load,
    p_wait: metrics.p_wait,
    service_level: metrics.service_level,
    asa_s: finiteOrNull(metrics.asa_s),
    mean_wait_s: finiteOrNull(metrics.mean_wait_s),
    occupancy: metrics.occupancy,
    ...(metrics.p_abandon !== undefined ? { p_abandon: metrics.p_abandon } : {}),
    ...(options.target !== undefined ? { target: options.target } : {}),
    ...(options.maxOccupancy !== undefined ? { max_occupancy: options.maxOccupancy } : {}),
    ...(options.shrinkage !== undefined ? { shrinkage: options.shrinkage } : {}),
    ...(staffing ? { required_agents: staffing.agents, scheduled_agents: staffing.scheduled_agents } : {}),
  };
}

function formatText(result: ErlangJson): string {
  const pct = (value: number) => `${(value * 100).toFixed(1)}%`;
  const secs = (value: number | null) =>
    value === null ? "unbounded (more work arrives than the agents can do)" : `${value.toFixed(1)} s`;
  const lines = [
    `${result.model === "erlang_a" ? "Erlang A (M/M/c+M)" : "Erlang C (M/M/c)"}: ${result.arrivals_per_hour}/h, AHT ${result.aht_s} s, ${result.agents} agents`,
    `  offered load        ${result.offered_load.toFixed(2)} erlangs`,
    `  probability of wait ${pct(result.p_wait)}`,
    `  service level       ${pct(result.service_level)} answered within ${result.threshold_s} s`,
    `  ASA                 ${secs(result.asa_s)}`,
    `  occupancy           ${pct(result.occupancy)}`,
  ];
  if (result.p_abandon !== undefined)
    lines.push(`  abandonment         ${pct(result.p_abandon)} (mean patience ${result.patience_s} s)`);
  if (result.required_agents !== undefined) {
    lines.push(
      `  required agents     ${result.required_agents} for ${pct(result.target as number)} within ${result.threshold_s} s`,
    );
    lines.push(
      `  scheduled agents    ${result.scheduled_agents}${result.shrinkage !== undefined ? ` with ${pct(result.shrinkage)} shrinkage` : ""}`,
    );
  }
  return lines.join("\n");
}

export function erlangCommand(): Command {
  return new Command("erlang")
    .description(
      "Erlang C / Erlang A calculator: probability of waiting, service level within a threshold, ASA, occupancy, abandonment (with --patience) and, with --target, the agents required.",
    )
    .requiredOption(
      "--arrivals-per-hour <x>",
      "arrival rate (Poisson), cases per hour",
      parseNonNegative("--arrivals-per-hour"),
    )
    .requiredOption("--aht <seconds>", "average handle time, seconds (exponential)", parsePositive("--aht"))
    .option("--agents <n>", "agents handling work", parseInteger("--agents"))
    .requiredOption(
      "--threshold <seconds>",
      "service-level threshold: answered within this many seconds",
      parseNonNegative("--threshold"),
    )
    .option(
      "--patience <seconds>",
      "mean patience (exponential): Erlang A with abandonment",
      parsePositive("--patience"),
    )
    .option(
      "--target <p>",
      "least acceptable service level, e.g. 0.8: also report the agents required",
      parseFraction("--target", { allowZero: false, allowOne: false }),
    )
    .option(
      "--max-occupancy <p>",
      "with --target: require occupancy at most this, e.g. 0.85",
      parseFraction("--max-occupancy", { allowZero: false, allowOne: true }),
    )
    .option(
      "--shrinkage <p>",
      "with --target: share of scheduled time not handling work, e.g. 0.3",
      parseFraction("--shrinkage", { allowZero: true, allowOne: false }),
    )
    .option("--json", "print the documented JSON shape")
    .action((options: ErlangCommandOptions) => {
      if (
        (options.maxOccupancy !== undefined || options.shrinkage !== undefined) &&
        options.target === undefined
      ) {
        throw new CliError("--max-occupancy and --shrinkage apply to the staffing: give --target too");
      }
      const result = erlangResult(options);
      process.stdout.write(`${options.json ? JSON.stringify(result, null, 2) : formatText(result)}\n`);
    });
}
