/**
 * Simulator benchmark: `node bin/run-ts.js bench/simulator.ts`.
 *
 * 1. Events per second on M/M/100 at 95% load (1,140 an hour, 300 s, 100 agents): the scenario engine,
 *    the mmc.ts kernel, and the same model in SimPy 3 (bench/simpy_mmc.py, Debian's python3-simpy3),
 *    measured in this one invocation. "Model events" are arrivals + departures, the events the model
 *    itself has, counted the same way in all three (SimPy schedules about three of its own per model
 *    event, and our engine adds interval ticks; those are reported apart). Five rounds, each running
 *    all three once, so that a burst of load on this shared machine falls on all three alike; the
 *    best round of each counts. Each run's CPU time is measured beside its wall-clock time: the
 *    ratio of events per CPU second is the one a busy machine moves least.
 * 2. A one-year scenario with 7 queues and 200 agents on shifts in three time zones (breaks,
 *    shrinkage, overtime, rebalancing, peaks and outages), 20 replications, timed end to end: one
 *    after another in this thread (what `orderops simulate` does by default), then in parallel on
 *    worker threads, one per available core (`--workers N`); the two summaries must be the same.
 *
 * Figures go to docs/benchmarks.md, section "Simulator".
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { runReplication } from "../simulator/engine.ts";
import { simulateMmc } from "../simulator/mmc.ts";
import { availableCores, closeReplicationPool } from "../simulator/replication-pool.ts";
import { createRng } from "../simulator/rng.ts";
import { runScenario } from "../simulator/run-scenario.ts";
import { type ScenarioInput, ScenarioSpec } from "../simulator/scenario.ts";
import { compileScenario } from "../simulator/scenario-plan.ts";
import { machine, peakRssMiB, table, today, writeSection } from "./report.ts";
import { yearScenario } from "./year-scenario.ts";

const MMC = { arrivals_per_hour: 1140, aht_s: 300, agents: 100, threshold_s: 20 };
const ENGINE_HOURS = 2000;
const SIMPY_HOURS = 400;
const ROUNDS = 5;

interface Timed {
  wall_s: number;
  cpu_s: number;
  model_events: number;
  all_events: number;
}

/** The run with the most model events per second of `clock`. */
function best<T extends Timed>(runs: T[], clock: "wall_s" | "cpu_s"): T {
  const rate = (run: T) => run.model_events / run[clock];
  return runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));
}

/** CPU seconds (user + system) of this process since `from`. */
function cpuSince(from: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
}

function mmcScenario(hours: number): ScenarioSpec {
  return ScenarioSpec.parse({
    name: "bench-mmc",
    start: "2026-01-05T00:00",
    horizon: `${hours}h`,
    interval: "1h",
    queues: [
      {
        name: "payment_hold",
        arrivals: { daily_volume: MMC.arrivals_per_hour * 24 },
        handle_time: { kind: "exponential", mean: MMC.aht_s },
        sla: { target: MMC.threshold_s, measure: "response", attainment_target: 0.8 },
      },
    ],
    staff: [{ group: "team", skills: ["payment_hold"], agents: MMC.agents }],
  } satisfies ScenarioInput);
}

function timeScenarioEngine(seed: number, hours = ENGINE_HOURS): Timed {
  const plan = compileScenario(mmcScenario(hours));
  const started = performance.now();
  const cpu = process.cpuUsage();
  const output = runReplication(plan, createRng(seed), { recordCases: false });
  const cpu_s = cpuSince(cpu);
  const wall_s = (performance.now() - started) / 1000;
  const totals = output.queues[0];
  const model_events = (totals?.arrivals ?? 0) + (totals?.handled ?? 0);
  return { wall_s, cpu_s, model_events, all_events: output.events };
}

function timeKernel(seed: number, hours = ENGINE_HOURS): Timed {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const stats = simulateMmc({ ...MMC, horizon_s: hours * 3600 }, createRng(seed));
  const cpu_s = cpuSince(cpu);
  const wall_s = (performance.now() - started) / 1000;
  return { wall_s, cpu_s, model_events: stats.events, all_events: stats.events };
}

/** A Python with SimPy 3: $SIMPY_PYTHON, else Debian's /usr/bin/python3, else python3 on the PATH. */
function simpyPython(): string | undefined {
  for (const candidate of [process.env.SIMPY_PYTHON, "/usr/bin/python3", "python3"]) {
    if (!candidate || (candidate.startsWith("/") && !existsSync(candidate))) continue;
    const probe = spawnSync(candidate, ["-c", "import simpy"], { encoding: "utf8" });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

function timeSimpy(python: string, seed: number): Timed & { version: string } {
  const script = new URL("simpy_mmc.py", import.meta.url).pathname;
  const run = spawnSync(
    python,
    [
      script,
      String(MMC.arrivals_per_hour),
      String(MMC.aht_s),
      String(MMC.agents),
      String(SIMPY_HOURS * 3600),
      String(seed),
    ],
    { encoding: "utf8" },
  );
  if (run.status !== 0) throw new Error(`SimPy run failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout) as {
    wall_s: number;
    cpu_s: number;
    model_events: number;
    simpy_events: number;
    simpy_version: string;
  };
  return {
    wall_s: result.wall_s,
    cpu_s: result.cpu_s,
    model_events: result.model_events,
    all_events: result.simpy_events,
    version: result.simpy_version,
  };
}

async function main(): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const python = simpyPython();
  if (!python) {
    console.error("SimPy 3 not found: apt-get install -y python3-simpy3 (or set SIMPY_PYTHON)");
    process.exit(2);
  }
  console.error(
    `M/M/100 at 95%: scenario engine and mmc kernel over ${ENGINE_HOURS} h, SimPy over ${SIMPY_HOURS} h; ${ROUNDS} rounds`,
  );
  // Untimed warm-up: the rounds measure code V8 has already compiled, as a long simulation runs (SimPy
  // runs on CPython, which has no compiler to warm up).
  timeScenarioEngine(0, ENGINE_HOURS / 4);
  timeKernel(0, ENGINE_HOURS / 4);
  const runs = { engine: [] as Timed[], kernel: [] as Timed[], simpy: [] as (Timed & { version: string })[] };
  for (let round = 1; round <= ROUNDS; round++) {
    runs.engine.push(timeScenarioEngine(round));
    runs.kernel.push(timeKernel(round));
    runs.simpy.push(timeSimpy(python, round));
    const last = (list: Timed[]) => list[list.length - 1] as Timed;
    const perCpu = (run: Timed) => run.model_events / run.cpu_s;
    console.error(
      `  round ${round}: engine ${(perCpu(last(runs.engine)) / perCpu(last(runs.simpy))).toFixed(1)}×, kernel ${(perCpu(last(runs.kernel)) / perCpu(last(runs.simpy))).toFixed(1)}× SimPy per CPU second`,
    );
  }
  const engine = best(runs.engine, "wall_s");
  const kernel = best(runs.kernel, "wall_s");
  const simpy = best(runs.simpy, "wall_s");
  const engineCpu = best(runs.engine, "cpu_s");
  const kernelCpu = best(runs.kernel, "cpu_s");
  const simpyCpu = best(runs.simpy, "cpu_s");
  const rate = (run: Timed) => run.model_events / run.wall_s;
  const cpuRate = (run: Timed) => run.model_events / run.cpu_s;
  /** Each round's ratio of an engine to SimPy in that same round: lowest and highest. */
  const roundRange = (list: Timed[], per: (run: Timed) => number) => {
    const ratios = list.map((run, i) => per(run) / per(runs.simpy[i] as Timed));
    return `${Math.min(...ratios).toFixed(1)}–${Math.max(...ratios).toFixed(1)}×`;
  };

  console.error("one year, 7 queues, 200 agents, 20 replications");
  const compileStarted = performance.now();
  const spec = yearScenario();
  const plan = compileScenario(spec);
  const compile_s = (performance.now() - compileStarted) / 1000;
  const workers = availableCores();
  const yearRun = async (threads: number) => {
    const started = performance.now();
    const result = await runScenario(plan, {
      replications: 20,
      seed: 1,
      caseRecords: "none",
      workers: threads,
    });
    return { summary: result, seconds: (performance.now() - started) / 1000 };
  };
  const sequential = await yearRun(1);
  console.error(`the same on ${workers} worker threads`);
  const parallel = await yearRun(workers);
  await closeReplicationPool();
  if (JSON.stringify(sequential.summary) !== JSON.stringify(parallel.summary)) {
    throw new Error("the parallel and the sequential year runs differ");
  }
  const summary = sequential.summary;
  const year_s = sequential.seconds;
  const year_parallel_s = parallel.seconds;
  const cases = summary.queues.reduce((sum, queue) => sum + (queue.metrics.arrivals.mean ?? 0) * 20, 0);
  const rostered = spec.staff.reduce(
    (sum, group) => sum + (group.shifts ?? []).reduce((s, shift) => s + shift.agents, 0),
    0,
  );

  const figures = {
    engine_events_per_s: rate(engine),
    kernel_events_per_s: rate(kernel),
    simpy_events_per_s: rate(simpy),
    engine_vs_simpy: rate(engine) / rate(simpy),
    kernel_vs_simpy: rate(kernel) / rate(simpy),
    engine_vs_simpy_cpu: cpuRate(engineCpu) / cpuRate(simpyCpu),
    kernel_vs_simpy_cpu: cpuRate(kernelCpu) / cpuRate(simpyCpu),
    year_s,
    year_parallel_s,
    workers,
    compile_s,
    cases,
    events: summary.events,
  };
  console.log(JSON.stringify(figures, null, 2));

  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  writeSection(
    "simulator",
    `## Simulator

${today()} on ${machine()}; CPU model from /proc/cpuinfo: ${cpus()[0]?.model ?? "unknown"}, \`nproc\` ${cpus().length}.
\`node bin/run-ts.js bench/simulator.ts\` (SimPy ${simpy.version} from Debian's python3-simpy3, run by the same invocation).

**M/M/100 at 95% load** (1,140 arrivals an hour, exponential 300 s, 100 agents). Model events are arrivals +
departures, counted alike in all three. After an untimed warm-up of our two (V8 compiles them while they
run), five rounds, each running all three once (a burst of load on this shared machine then falls on all
three alike); each engine's best round counts. "Seconds" is the wall clock,
"CPU s" the process's CPU time over the same run.

${table([
  {
    engine: "orderops scenario engine (engine.ts)",
    "simulated hours": ENGINE_HOURS,
    "model events": fmt(engine.model_events),
    "all events": fmt(engine.all_events),
    seconds: engine.wall_s.toFixed(2),
    "model events/s": fmt(rate(engine)),
    "× SimPy": `**${figures.engine_vs_simpy.toFixed(1)}×**`,
    "CPU s": engineCpu.cpu_s.toFixed(2),
    "model events/CPU s": fmt(cpuRate(engineCpu)),
    "× SimPy per CPU s": `**${figures.engine_vs_simpy_cpu.toFixed(1)}×**`,
  },
  {
    engine: "orderops M/M/c kernel (mmc.ts)",
    "simulated hours": ENGINE_HOURS,
    "model events": fmt(kernel.model_events),
    "all events": fmt(kernel.all_events),
    seconds: kernel.wall_s.toFixed(2),
    "model events/s": fmt(rate(kernel)),
    "× SimPy": `**${figures.kernel_vs_simpy.toFixed(1)}×**`,
    "CPU s": kernelCpu.cpu_s.toFixed(2),
    "model events/CPU s": fmt(cpuRate(kernelCpu)),
    "× SimPy per CPU s": `**${figures.kernel_vs_simpy_cpu.toFixed(1)}×**`,
  },
  {
    engine: `SimPy ${simpy.version} (bench/simpy_mmc.py)`,
    "simulated hours": SIMPY_HOURS,
    "model events": fmt(simpy.model_events),
    "all events": fmt(simpy.all_events),
    seconds: simpy.wall_s.toFixed(2),
    "model events/s": fmt(rate(simpy)),
    "× SimPy": "1×",
    "CPU s": simpyCpu.cpu_s.toFixed(2),
    "model events/CPU s": fmt(cpuRate(simpyCpu)),
    "× SimPy per CPU s": "1×",
  },
])}

"All events" are what each engine processes: SimPy's own scheduled events, our interval ticks and staff
changes. Target: at least 30× SimPy's events per second. Round by round, the scenario engine ran
${roundRange(runs.engine, rate)} SimPy's events per second (${roundRange(runs.engine, cpuRate)} per CPU second), the kernel
${roundRange(runs.kernel, rate)} (${roundRange(runs.kernel, cpuRate)} per CPU second).

**One year, 7 queues, 200 agents, 20 replications** (\`yearScenario()\` in bench/year-scenario.ts: five groups of 40
on early/late/night shifts in New York, Dublin and Manila, with breaks, 30% shrinkage, overtime, rebalancing,
earliest-due routing, three peaks, a carrier disruption, an inventory-sync failure and a platform outage;
${rostered} agents rostered): **${year_s.toFixed(1)} s** for the 20 replications one after another in one thread, the
default (target: under 60 s), and ${year_parallel_s.toFixed(1)} s on ${workers} worker threads (\`--workers ${workers}\`; the threads'
start and their own compiling of the scenario included), with the same summary; plus ${compile_s.toFixed(2)} s compiling the
scenario. ${fmt(cases)} case cycles and ${fmt(summary.events)} events in all, ${fmt(summary.events / year_s)} events/s
in one thread. Peak resident memory of the benchmark process: ${peakRssMiB()} MiB.
Load average (1 min) when the benchmark started: ${loadBefore.toFixed(2)}, on ${cpus().length} cores (a shared machine:
under load the figures, the ratios included, move by a third from run to run; rerun on a quiet machine).
`,
  );
  console.error("wrote docs/benchmarks.md (Simulator)");
}

await main();
