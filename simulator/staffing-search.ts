/**
 * `orderops staff`: the least staffing per skill group that meets every queue's SLA attainment target
 * through the scenario. The search, in three steps:
 *
 * 1. Erlang start. For each queue and reporting interval, Erlang C (Erlang A when the queue has
 *    patience) gives the agents needed for that interval's mean arrival rate, with the work per cycle
 *    (handle time, reworks, follow-ups after dependencies) as the handle time and the SLA target as
 *    the threshold (less the mean handle time for a resolution target). Each queue's need is split
 *    evenly among the groups for which it is a first-choice skill; a group's need per interval is the
 *    sum, grossed up for shrinkage. A group around the clock starts at its peak need; a group on
 *    shifts starts each shift at the peak need of the intervals it covers, shared among the shifts
 *    on duty in proportion to the scenario's own numbers.
 * 2. Up. Simulate (the scenario's replications, one seed for every candidate: common random numbers,
 *    so candidates differ by their staffing, not their luck). While some queue misses its target, add
 *    agents to every shift of each group serving a missing queue: 1, then 2, 4, … more.
 * 3. Down. For each group in file order: bisect the same number of agents taken off (or added to)
 *    every one of its shifts, between a count known to fail and the passing one; then bisect each
 *    shift's own count the same way, everything else held. Every bisection keeps the least count
 *    that still passes.
 *
 * The result is minimal shift by shift (one agent fewer on any one shift misses a target, as far
 * as one pass in file order can tell), not a proven global optimum. "Meets" is the mean attainment over
 * the replications reaching the target, as in `orderops simulate`.
 */
import { expectedArrivals } from "./arrival-rates.ts";
import { requiredAgents } from "./erlang.ts";
import { type MetricEstimate, runScenario, type SimulationSummary } from "./run-scenario.ts";
import type { ScenarioSpec, ShiftSpec } from "./scenario.ts";
import { compileScenario, type ScenarioPlan } from "./scenario-plan.ts";
import { shiftSchedule } from "./staff-schedule.ts";

export interface StaffSearchOptions {
  replications: number;
  seed: number;
  /** Threads to run each candidate's replications on (default 1); the result does not depend on it. */
  workers?: number;
  /** Attainment targets replacing the scenario's: one for every queue, and/or per queue name. */
  targets?: { all?: number | undefined; byQueue?: Record<string, number> | undefined };
  /** Called after each simulation of a candidate (progress). */
  onEvaluation?: (evaluation: number, agents: Record<string, number[]>, meets: boolean) => void;
}

export interface StaffedGroup {
  group: string;
  /** Shift names (a group staffed around the clock has one, "around the clock"). */
  shifts: string[];
  /** Agents per shift where the search started (Erlang). */
  erlang_start: number[];
  /** The least agents per shift found. */
  agents: number[];
  /** The scenario's own agents per shift, for comparison. */
  scenario_agents: number[];
}

export interface StaffedQueue {
  queue: string;
  attainment_target: number;
  sla_attainment: MetricEstimate;
  meets_target: boolean;
}

export interface StaffSearchResult {
  scenario: string;
  seed: number;
  replications: number;
  /** Simulations of a candidate staffing, all replications each. */
  evaluations: number;
  meets_all_targets: boolean;
  groups: StaffedGroup[];
  queues: StaffedQueue[];
}

export class StaffingUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StaffingUnreachableError";
  }
}

const AROUND_THE_CLOCK = "around the clock";
/** Doublings in the up phase before giving up (2^12 agents added per shift). */
const MAX_DOUBLINGS = 12;

function shiftsOf(spec: ScenarioSpec, g: number): ShiftSpec[] | undefined {
  return spec.staff[g]?.shifts;
}

/** A copy of the scenario with these agents per shift (or around the clock) for every searched group. */
export function withAgents(spec: ScenarioSpec, agents: Record<string, number[]>): ScenarioSpec {
  return {
    ...spec,
    staff: spec.staff.map((group) => {
      const chosen = agents[group.group];
      if (!chosen) return group;
      if (group.shifts) {
        return {
          ...group,
          shifts: group.shifts.map((shift, i) => ({ ...shift, agents: chosen[i] as number })),
        };
      }
      return { ...group, agents: chosen[0] as number };
    }),
  };
}

/** Erlang's agents needed per reporting interval, per queue and per group (the groups' shares summed). */
export interface ErlangNeeds {
  /** Per queue (plan order), agents handling its work in each interval (zero for queues unlimited staff serve). */
  queues: Float64Array[];
  /** Per group (plan order), the needs of the queues it serves first, shared evenly among such groups. */
  groups: Float64Array[];
}

/**
 * Erlang C (Erlang A with the queue's mean patience) per queue and interval, for the interval's mean
 * arrival rate, with the work per cycle as the handle time and the SLA target as the threshold (less the
 * work for a resolution target); each queue's need split evenly among the groups for which it is a
 * first-choice skill. Before shrinkage.
 */
export function erlangNeeds(spec: ScenarioSpec, plan: ScenarioPlan): ErlangNeeds {
  const K = plan.intervals;
  const interval = plan.interval_s;
  const need = plan.groups.map(() => new Float64Array(K));
  const queueNeed = plan.queues.map(() => new Float64Array(K));
  plan.queues.forEach((queue, q) => {
    const queueSpec = spec.queues[q] as ScenarioSpec["queues"][number];
    const serving = plan.groupsForQueue[q] as number[];
    if (serving.some((g) => plan.groups[g]?.unlimited)) return;
    const firstChoice = serving.filter((g) => {
      const skills = plan.groups[g]?.skills ?? [];
      return skills.find((skill) => skill.queue === q)?.priority === skills[0]?.priority;
    });
    const sharers = firstChoice.length > 0 ? firstChoice : serving;
    // Work per cycle: reworks repeat the handling (geometric), a dependency adds a follow-up.
    const repeats = 1 / (1 - queue.rework_probability);
    const work =
      repeats *
      (queue.handle.mean + (queue.dependency ? queue.dependency.probability * queue.followup.mean : 0));
    const threshold =
      queue.sla.measure === "response" ? queue.sla.target_s : Math.max(0, queue.sla.target_s - work);
    const arrivalFactor = 1 + (queue.reopen?.probability ?? 0);
    const patience = queueSpec.patience ? queue.patience?.mean : undefined;
    const cache = new Map<number, number>();
    for (let k = 0; k < K; k++) {
      const arrivals = expectedArrivals(queue.rates, k * interval, (k + 1) * interval) * arrivalFactor;
      if (arrivals <= 0) continue;
      const perHour = Math.round(((arrivals * 3600) / interval) * 1e6) / 1e6;
      let agents = cache.get(perHour);
      if (agents === undefined) {
        agents = requiredAgents({
          arrivals_per_hour: perHour,
          aht_s: work,
          threshold_s: threshold,
          patience_s: patience,
          target_service_level: queue.sla.attainment_target,
        }).agents;
        cache.set(perHour, agents);
      }
      (queueNeed[q] as Float64Array)[k] = agents;
      for (const g of sharers) {
        const groupNeed = need[g] as Float64Array;
        groupNeed[k] = (groupNeed[k] as number) + agents / sharers.length;
      }
    }
  });
  return { queues: queueNeed, groups: need };
}

/** Step 1: agents per shift of each group from Erlang, interval by interval. */
export function erlangStart(spec: ScenarioSpec, plan: ScenarioPlan): Record<string, number[]> {
  const K = plan.intervals;
  const interval = plan.interval_s;
  const need = erlangNeeds(spec, plan).groups;
  const start: Record<string, number[]> = {};
  plan.groups.forEach((group, g) => {
    if (group.unlimited) return;
    const groupSpec = spec.staff[g] as ScenarioSpec["staff"][number];
    const gross = 1 / (1 - groupSpec.shrinkage);
    const needs = need[g] as Float64Array;
    const shifts = shiftsOf(spec, g);
    if (!shifts) {
      start[group.name] = [Math.ceil(Math.max(0, ...needs) * gross - 1e-9)];
      return;
    }
    // Which intervals each shift covers: its own roster with one agent, no breaks.
    const onDuty = shifts.map((shift) => {
      const roster = shiftSchedule(
        [{ ...shift, zone: shift.zone ?? spec.zone, agents: 1, breaks: [] }],
        0,
        plan.epochMs,
        plan.horizon_s,
        plan.interval_s,
      );
      const covered = new Uint8Array(K);
      let i = 0;
      for (let k = 0; k < K; k++) {
        const middle = (k + 0.5) * interval;
        while (i + 1 < roster.times.length && (roster.times[i + 1] as number) <= middle) i++;
        covered[k] = (roster.rostered[i] as number) > 0 ? 1 : 0;
      }
      return covered;
    });
    const seeds = shifts.map(() => 0);
    for (let k = 0; k < K; k++) {
      const present = shifts.map((_, s) => (onDuty[s] as Uint8Array)[k] === 1);
      const presentCount = present.filter(Boolean).length;
      if (presentCount === 0) continue;
      const presentAgents = shifts.reduce((sum, shift, s) => sum + (present[s] ? shift.agents : 0), 0);
      shifts.forEach((shift, s) => {
        if (!present[s]) return;
        const share = presentAgents > 0 ? shift.agents / presentAgents : 1 / presentCount;
        seeds[s] = Math.max(seeds[s] as number, Math.ceil((needs[k] as number) * share * gross - 1e-9));
      });
    }
    start[group.name] = seeds;
  });
  return start;
}

/** Runs the search described at the top of this file. */
export async function searchStaffing(
  spec: ScenarioSpec,
  options: StaffSearchOptions,
): Promise<StaffSearchResult> {
  const targeted: ScenarioSpec = {
    ...spec,
    queues: spec.queues.map((queue) => {
      const target = options.targets?.byQueue?.[queue.name] ?? options.targets?.all;
      return target === undefined ? queue : { ...queue, sla: { ...queue.sla, attainment_target: target } };
    }),
  };
  const basePlan = compileScenario(targeted);
  const start = erlangStart(targeted, basePlan);
  const searched = Object.keys(start);
  let current: Record<string, number[]> = Object.fromEntries(
    searched.map((name) => [name, [...(start[name] as number[])]]),
  );

  const cache = new Map<string, SimulationSummary>();
  let evaluations = 0;
  const evaluate = async (agents: Record<string, number[]>): Promise<SimulationSummary> => {
    const key = JSON.stringify(agents);
    const known = cache.get(key);
    if (known) return known;
    const plan = compileScenario(withAgents(targeted, agents));
    const summary = await runScenario(plan, {
      replications: options.replications,
      seed: options.seed,
      caseRecords: "none",
      workers: options.workers,
    });
    evaluations++;
    cache.set(key, summary);
    options.onEvaluation?.(evaluations, agents, summary.meets_all_targets);
    return summary;
  };
  /** `current` with one group's shifts replaced. */
  const changed = (name: string, shifts: number[]) => ({ ...current, [name]: shifts });

  // Up: grow the groups serving missing queues until every queue meets its target.
  const steps: Record<string, number> = Object.fromEntries(searched.map((name) => [name, 1]));
  let summary = await evaluate(current);
  let doublings = 0;
  while (!summary.meets_all_targets) {
    const missing = new Set(
      summary.queues.filter((queue) => !queue.meets_target).map((queue) => queue.queue),
    );
    const growing = basePlan.groups.filter(
      (group) =>
        searched.includes(group.name) &&
        group.skills.some((skill) => missing.has(basePlan.queues[skill.queue]?.name as string)),
    );
    if (growing.length === 0 || doublings++ >= MAX_DOUBLINGS) {
      throw new StaffingUnreachableError(
        `no staffing of the scenario's shifts meets the targets of ${[...missing].join(", ")} (work arrives when no shift can take it, or the target is out of reach)`,
      );
    }
    for (const group of growing) {
      const step = steps[group.name] as number;
      current = changed(
        group.name,
        (current[group.name] as number[]).map((n) => n + step),
      );
      steps[group.name] = step * 2;
    }
    summary = await evaluate(current);
  }

  // Down: per group, first the same change on every shift, then each shift on its own; each a
  // bisection between a count known (or assumed) to fail and the passing one.
  const bisect = async (
    passing: number,
    failing: number,
    trial: (value: number) => Record<string, number[]>,
  ) => {
    let pass = passing;
    let fail = failing;
    while (pass - fail > 1) {
      const middle = Math.floor((pass + fail) / 2);
      if ((await evaluate(trial(middle))).meets_all_targets) pass = middle;
      else fail = middle;
    }
    return pass;
  };
  for (const name of searched) {
    const base = current[name] as number[];
    const shift = (offset: number) => base.map((n) => Math.max(0, n + offset));
    const offset = await bisect(0, -Math.max(...base) - 1, (value) => changed(name, shift(value)));
    current = changed(name, shift(offset));
    for (let s = 0; s < base.length; s++) {
      const agents = current[name] as number[];
      const least = await bisect(agents[s] as number, -1, (value) =>
        changed(
          name,
          agents.map((n, i) => (i === s ? value : n)),
        ),
      );
      current = changed(
        name,
        agents.map((n, i) => (i === s ? least : n)),
      );
    }
  }
  summary = await evaluate(current);

  const final = current;
  return {
    scenario: spec.name,
    seed: options.seed,
    replications: options.replications,
    evaluations,
    meets_all_targets: summary.meets_all_targets,
    groups: searched.map((name) => {
      const g = spec.staff.findIndex((group) => group.group === name);
      const groupSpec = spec.staff[g] as ScenarioSpec["staff"][number];
      const shifts = groupSpec.shifts;
      return {
        group: name,
        shifts: shifts ? shifts.map((shift, i) => shift.name ?? `shift ${i + 1}`) : [AROUND_THE_CLOCK],
        erlang_start: start[name] as number[],
        agents: final[name] as number[],
        scenario_agents: shifts ? shifts.map((shift) => shift.agents) : [groupSpec.agents as number],
      };
    }),
    queues: summary.queues.map((queue) => ({
      queue: queue.queue,
      attainment_target: queue.sla.attainment_target,
      sla_attainment: queue.metrics.sla_attainment,
      meets_target: queue.meets_target,
    })),
  };
}
