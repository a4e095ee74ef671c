/**
 * Replications of a scenario, and the summary across them: each metric's mean and 95% confidence
 * interval (Student t over independent replications, mmc.ts's `estimate`).
 *
 * Replication i runs on `createRng(seed).fork("replication-i")`, so adding replications never changes
 * the earlier ones, and the same seed gives the same summary, byte for byte. A sink receives each
 * replication's full output (intervals, cases) in replication order as it finishes, so a long run never
 * holds every replication's intervals in memory at once. With `workers` above 1 the replications run
 * in parallel on worker threads (replication-pool.ts); the summary and the outputs the sink receives
 * are the same as in this thread.
 */
import { type GroupTotals, type QueueTotals, type ReplicationOutput, runReplication } from "./engine.ts";
import { estimate } from "./mmc.ts";
import { runReplicationsInWorkers } from "./replication-pool.ts";
import { createRng } from "./rng.ts";
import type { ScenarioPlan } from "./scenario-plan.ts";

/** Per-queue metrics of one replication, over cycles that opened after the warm-up ("counted"). */
export const QUEUE_METRICS = [
  "arrivals",
  "reopened",
  "resolved",
  "abandoned",
  "open_at_end",
  "handled",
  "sla_attainment",
  "p_wait",
  "asa_s",
  "mean_wait_s",
  "p_abandon",
  "occupancy",
  "mean_open",
  "arrival_rate_per_s",
  "mean_time_in_system_s",
  "max_open",
  "max_oldest_age_s",
] as const;
export type QueueMetric = (typeof QUEUE_METRICS)[number];

export const GROUP_METRICS = [
  "occupancy",
  "mean_rostered_agents",
  "mean_productive_agents",
  "overtime_agent_hours",
  "switching_agent_hours",
  "focus_changes",
] as const;
export type GroupMetric = (typeof GROUP_METRICS)[number];

/** null where undefined: no replication had a value, or (for the interval) fewer than two did. */
export interface MetricEstimate {
  mean: number | null;
  half_width: number | null;
  low: number | null;
  high: number | null;
}

export interface QueueSummary {
  queue: string;
  sla: { target_s: number; calendar: string; measure: string; attainment_target: number };
  /** Mean SLA attainment across replications reaches the attainment target. */
  meets_target: boolean;
  metrics: Record<QueueMetric, MetricEstimate>;
}

export interface GroupSummary {
  group: string;
  metrics: Record<GroupMetric, MetricEstimate>;
}

export interface SimulationSummary {
  scenario: string;
  seed: number;
  replications: number;
  start: string;
  horizon_s: number;
  interval_s: number;
  warmup_s: number;
  routing: string;
  /** Events processed, all replications. */
  events: number;
  meets_all_targets: boolean;
  queues: QueueSummary[];
  groups: GroupSummary[];
}

export type ReplicationSink = (replication: number, output: ReplicationOutput) => void | Promise<void>;

export interface RunOptions {
  replications: number;
  seed: number;
  /** Which replications keep per-case records (default: the scenario's case_records). */
  caseRecords?: "first" | "all" | "none";
  onReplication?: ReplicationSink;
  /** Threads to run replications on (default 1: this one). The results do not depend on it. */
  workers?: number;
}

const ratio = (numerator: number, denominator: number) =>
  denominator > 0 ? numerator / denominator : Number.NaN;

export function queueMetrics(totals: QueueTotals, window_s: number): Record<QueueMetric, number> {
  const left = totals.answered + totals.abandoned;
  return {
    arrivals: totals.arrivals,
    reopened: totals.reopened,
    resolved: totals.resolved,
    abandoned: totals.abandoned,
    open_at_end: totals.open_at_end,
    handled: totals.handled,
    sla_attainment: ratio(totals.sla_met, totals.sla_met + totals.sla_breached),
    p_wait: ratio(totals.delayed, totals.arrivals),
    asa_s: ratio(totals.wait_answered_s, totals.answered),
    mean_wait_s: ratio(totals.wait_answered_s + totals.wait_abandoned_s, left),
    p_abandon: ratio(totals.abandoned, left),
    occupancy: ratio(totals.handling_agent_s, totals.available_agent_s),
    mean_open: totals.open_area / window_s,
    arrival_rate_per_s: totals.arrivals / window_s,
    mean_time_in_system_s: ratio(totals.time_in_system_s, totals.exits),
    max_open: totals.max_open,
    max_oldest_age_s: totals.max_oldest_age_s,
  };
}

export function groupMetrics(totals: GroupTotals, window_s: number): Record<GroupMetric, number> {
  return {
    occupancy: ratio(totals.handling_agent_s, totals.available_agent_s),
    mean_rostered_agents: totals.rostered_agent_s / window_s,
    mean_productive_agents: totals.productive_agent_s / window_s,
    overtime_agent_hours: totals.overtime_agent_s / 3600,
    switching_agent_hours: totals.switching_agent_s / 3600,
    focus_changes: totals.focus_changes,
  };
}

/** Mean and 95% interval of the values that are defined (a replication may have no answered case). */
export function estimateDefined(values: readonly number[]): MetricEstimate {
  const defined = values.filter((value) => Number.isFinite(value));
  if (defined.length === 0) return { mean: null, half_width: null, low: null, high: null };
  if (defined.length === 1) return { mean: defined[0] as number, half_width: null, low: null, high: null };
  const result = estimate(defined);
  return { mean: result.mean, half_width: result.half_width, low: result.low, high: result.high };
}

/** Rounds away floating-point dust before comparing with a target (as erlang.ts does). */
function roundTo9(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

export async function runScenario(plan: ScenarioPlan, options: RunOptions): Promise<SimulationSummary> {
  const { replications, seed } = options;
  if (!(Number.isInteger(replications) && replications >= 1)) {
    throw new RangeError(`replications must be a positive integer, got ${replications}`);
  }
  const workers = options.workers ?? 1;
  if (!(Number.isInteger(workers) && workers >= 1)) {
    throw new RangeError(`workers must be a positive integer, got ${workers}`);
  }
  const caseRecords = options.caseRecords ?? plan.spec.case_records;
  const window_s = plan.horizon_s - plan.warmup_s;
  const root = createRng(seed);
  const queueValues = plan.queues.map(() => QUEUE_METRICS.map(() => [] as number[]));
  const groupValues = plan.groups.map(() => GROUP_METRICS.map(() => [] as number[]));
  let events = 0;
  const recordCases = (r: number) => caseRecords === "all" || (caseRecords === "first" && r === 0);
  const consume = async (r: number, output: ReplicationOutput) => {
    events += output.events;
    output.queues.forEach((totals, q) => {
      const metrics = queueMetrics(totals, window_s);
      QUEUE_METRICS.forEach((metric, m) => {
        ((queueValues[q] as number[][])[m] as number[]).push(metrics[metric]);
      });
    });
    output.groups.forEach((totals, g) => {
      const metrics = groupMetrics(totals, window_s);
      GROUP_METRICS.forEach((metric, m) => {
        ((groupValues[g] as number[][])[m] as number[]).push(metrics[metric]);
      });
    });
    await options.onReplication?.(r, output);
  };
  if (workers > 1 && replications > 1) {
    await runReplicationsInWorkers({ plan, seed, replications, recordCases, workers, consume });
  } else {
    for (let r = 0; r < replications; r++) {
      await consume(r, runReplication(plan, root.fork(`replication-${r}`), { recordCases: recordCases(r) }));
    }
  }

  const queues: QueueSummary[] = plan.queues.map((queue, q) => {
    const metrics = Object.fromEntries(
      QUEUE_METRICS.map((metric, m) => [metric, estimateDefined(queueValues[q]?.[m] as number[])]),
    ) as Record<QueueMetric, MetricEstimate>;
    const attainment = metrics.sla_attainment.mean;
    return {
      queue: queue.name,
      sla: {
        target_s: queue.sla.target_s,
        calendar: queue.sla.calendar,
        measure: queue.sla.measure,
        attainment_target: queue.sla.attainment_target,
      },
      // A queue with no cycle decided in the window has nothing to miss.
      meets_target: attainment === null || roundTo9(attainment) >= queue.sla.attainment_target,
      metrics,
    };
  });
  const groups: GroupSummary[] = plan.groups.map((group, g) => ({
    group: group.name,
    metrics: Object.fromEntries(
      GROUP_METRICS.map((metric, m) => [metric, estimateDefined(groupValues[g]?.[m] as number[])]),
    ) as Record<GroupMetric, MetricEstimate>,
  }));
  return {
    scenario: plan.name,
    seed,
    replications,
    start: new Date(plan.epochMs).toISOString(),
    horizon_s: plan.horizon_s,
    interval_s: plan.interval_s,
    warmup_s: plan.warmup_s,
    routing: plan.routing,
    events,
    meets_all_targets: queues.every((queue) => queue.meets_target),
    queues,
    groups,
  };
}
