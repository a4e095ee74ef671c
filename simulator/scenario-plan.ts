/**
 * A validated scenario compiled into what the engine reads on every event: indices instead of names,
 * distributions built, calendars and rate/staff step functions precomputed over the horizon.
 * Compiling once per scenario keeps replications (and the staffing search's many runs) cheap.
 */
import { arrivalRates, type RateModifiers, type RateSegments } from "./arrival-rates.ts";
import { ALWAYS_OPEN, BusinessCalendar, type BusinessClock, clockMinutes } from "./calendar.ts";
import { type Distribution, distributionFromSpec } from "./distributions.ts";
import {
  ALWAYS_OPEN_CALENDAR,
  OUTAGE_DEFAULT_QUEUES,
  type ROUTING_POLICIES,
  type ScenarioSpec,
  scenarioStartMs,
} from "./scenario.ts";
import { flatSchedule, type StaffSchedule, shiftSchedule } from "./staff-schedule.ts";
import { parseInstant, ZoneClock, zoneClock } from "./time-zone.ts";

export type RoutingPolicy = (typeof ROUTING_POLICIES)[number];

export interface QueuePlan {
  name: string;
  /** Work-type priority (1 = most urgent). */
  priority: number;
  handle: Distribution;
  followup: Distribution;
  patience: Distribution | undefined;
  rework_probability: number;
  reopen: { probability: number; delay: Distribution } | undefined;
  dependency: { probability: number; party: string; wait: Distribution; pauses_sla: boolean } | undefined;
  backlog: { cases: number; age: Distribution };
  sla: {
    target_s: number;
    calendar: string;
    clock: BusinessClock;
    measure: "resolution" | "response";
    attainment_target: number;
  };
  rates: RateSegments;
}

export interface GroupPlan {
  name: string;
  /** The group's queues, best skill priority first (file order among equals). */
  skills: { queue: number; priority: number }[];
  unlimited: boolean;
  schedule: StaffSchedule;
  overtime:
    | {
        backlog_at_least: number;
        oldest_age_s: number;
        agents: number;
        max_s_per_day: number;
        /** Local minutes of the day (scenario zone) in which overtime may start an interval. */
        from_minute: number;
        to_minute: number;
      }
    | undefined;
}

export interface ScenarioPlan {
  name: string;
  spec: ScenarioSpec;
  epochMs: number;
  horizon_s: number;
  interval_s: number;
  warmup_s: number;
  intervals: number;
  warmupIntervals: number;
  routing: RoutingPolicy;
  queues: QueuePlan[];
  groups: GroupPlan[];
  /** For each queue, the groups that serve it: best skill priority for it first, then file order. */
  groupsForQueue: number[][];
  rebalancing: { every_intervals: number; at_risk: number; switch_cost_s: number } | undefined;
  /** Local day number (scenario zone) of each interval's start: overtime budgets reset by day. */
  intervalDay: Int32Array;
  /** Local minute of the day (scenario zone) of each interval's start: overtime windows. */
  intervalMinute: Int32Array;
}

export function compileScenario(spec: ScenarioSpec): ScenarioPlan {
  const epochMs = scenarioStartMs(spec);
  const horizon_s = spec.horizon;
  const interval_s = spec.interval;
  const toSim = (text: string) => ((parseInstant(text, spec.zone) as number) - epochMs) / 1000;

  const clocks = new Map<string, BusinessClock>([[ALWAYS_OPEN_CALENDAR, ALWAYS_OPEN]]);
  for (const [name, calendar] of Object.entries(spec.calendars)) {
    clocks.set(name, new BusinessCalendar(calendar, epochMs));
  }

  const modifiers = new Map<string, RateModifiers>(
    spec.queues.map((q) => [q.name, { multipliers: [], outages: [] }]),
  );
  for (const event of spec.events) {
    const window = { start_s: toSim(event.start), end_s: toSim(event.end) };
    let targets = event.queues;
    if (event.kind === "platform_outage") {
      for (const queue of targets ?? spec.queues.map((q) => q.name)) {
        modifiers.get(queue)?.outages.push({ ...window, release_s: event.release });
      }
      continue;
    }
    if (!targets)
      targets = event.kind === "peak" ? spec.queues.map((q) => q.name) : [OUTAGE_DEFAULT_QUEUES[event.kind]];
    for (const queue of targets)
      modifiers.get(queue)?.multipliers.push({ ...window, multiplier: event.multiplier });
  }

  const queues: QueuePlan[] = spec.queues.map((queue) => {
    const handle = distributionFromSpec(queue.handle_time);
    return {
      name: queue.name,
      priority: queue.priority,
      handle,
      followup: queue.dependency?.followup_handle_time
        ? distributionFromSpec(queue.dependency.followup_handle_time)
        : handle,
      patience: queue.patience ? distributionFromSpec(queue.patience) : undefined,
      rework_probability: queue.rework_probability,
      reopen: queue.reopen
        ? { probability: queue.reopen.probability, delay: distributionFromSpec(queue.reopen.delay) }
        : undefined,
      dependency: queue.dependency
        ? {
            probability: queue.dependency.probability,
            party: queue.dependency.party,
            wait: distributionFromSpec(queue.dependency.wait),
            pauses_sla: queue.dependency.pauses_sla,
          }
        : undefined,
      backlog: {
        cases: queue.initial_backlog?.cases ?? 0,
        age: distributionFromSpec(queue.initial_backlog?.age ?? { kind: "deterministic", value: 0 }),
      },
      sla: {
        target_s: queue.sla.target,
        calendar: queue.sla.calendar,
        clock: clocks.get(queue.sla.calendar) as BusinessClock,
        measure: queue.sla.measure,
        attainment_target: queue.sla.attainment_target,
      },
      rates: arrivalRates(
        { ...queue.arrivals, zone: queue.arrivals.zone ?? spec.zone },
        modifiers.get(queue.name) as RateModifiers,
        epochMs,
        horizon_s,
      ),
    };
  });
  const queueIndex = new Map(queues.map((queue, i) => [queue.name, i]));

  const holidaysOf = (calendar: string | undefined): Set<string> | undefined =>
    calendar === undefined ? undefined : new Set(spec.calendars[calendar]?.holidays ?? []);
  const groups: GroupPlan[] = spec.staff.map((group) => {
    const skills = group.skills
      .map((skill, order) => ({
        queue: queueIndex.get(skill.queue) as number,
        priority: skill.priority,
        order,
      }))
      .sort((a, b) => a.priority - b.priority || a.order - b.order)
      .map(({ queue, priority }) => ({ queue, priority }));
    const unlimited = group.agents === "unlimited";
    const schedule =
      group.agents !== undefined
        ? flatSchedule(
            unlimited ? Number.POSITIVE_INFINITY : (group.agents as number),
            group.shrinkage,
            horizon_s,
            interval_s,
          )
        : shiftSchedule(
            (group.shifts ?? []).map((shift) => ({
              ...shift,
              zone: shift.zone ?? spec.zone,
              skipDates: holidaysOf(shift.skip_holidays_of),
            })),
            group.shrinkage,
            epochMs,
            horizon_s,
            interval_s,
          );
    return {
      name: group.group,
      skills,
      unlimited,
      schedule,
      overtime: group.overtime
        ? {
            backlog_at_least: group.overtime.backlog_at_least ?? Number.POSITIVE_INFINITY,
            oldest_age_s: group.overtime.oldest_age_at_least ?? Number.POSITIVE_INFINITY,
            agents: group.overtime.agents,
            max_s_per_day: group.overtime.max_hours_per_day * 3600,
            from_minute: clockMinutes(group.overtime.from),
            to_minute: clockMinutes(group.overtime.to),
          }
        : undefined,
    };
  });

  const groupsForQueue = queues.map((_, q) =>
    groups
      .map((group, g) => ({ g, priority: group.skills.find((skill) => skill.queue === q)?.priority }))
      .filter((entry) => entry.priority !== undefined)
      .sort((a, b) => (a.priority as number) - (b.priority as number) || a.g - b.g)
      .map((entry) => entry.g),
  );

  const intervals = Math.round(horizon_s / interval_s);
  const intervalDay = new Int32Array(intervals);
  const intervalMinute = new Int32Array(intervals);
  const zone = zoneClock(spec.zone);
  for (let k = 0; k < intervals; k++) {
    const local = zone.toLocal(epochMs + k * interval_s * 1000);
    intervalDay[k] = Math.floor(ZoneClock.dayStart(local) / 86_400_000);
    intervalMinute[k] = Math.floor((local - ZoneClock.dayStart(local)) / 60_000);
  }

  return {
    name: spec.name,
    spec,
    epochMs,
    horizon_s,
    interval_s,
    warmup_s: spec.warmup,
    intervals,
    warmupIntervals: Math.round(spec.warmup / interval_s),
    routing: spec.routing,
    queues,
    groups,
    groupsForQueue,
    rebalancing: spec.rebalancing
      ? {
          every_intervals: Math.max(1, Math.round(spec.rebalancing.every / interval_s)),
          at_risk: spec.rebalancing.at_risk,
          switch_cost_s: spec.rebalancing.switch_cost,
        }
      : undefined,
    intervalDay,
    intervalMinute,
  };
}
