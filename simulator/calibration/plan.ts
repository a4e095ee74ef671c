/**
 * Peak plan: from a baseline calibrated on a history period, apply peaks and outages to a planned
 * period and find staffing that meets every SLA attainment target, three ways, each with its cost in
 * agent-hours:
 *
 * - `added_staff`: more agents on the calibrated shifts — `staffing-search.ts` (Erlang start, then
 *   simulation up and down); cost = rostered agent-hours over the baseline roster's.
 * - `overtime`: the baseline roster plus overtime in the groups serving queues that miss: while the
 *   oldest open case in the group's queues has used half of their shortest SLA target, `agents` extra
 *   agents work, at most `overtimeHoursPerDay` hours a day; the least such `agents` (doubling, then
 *   bisection); cost = simulated overtime agent-hours. Infeasible when even `maxOvertimeAgents` misses.
 * - `cross_skilling`: groups without the skill of a missing queue learn it as a second-choice skill
 *   (their own queues first); if that is not enough, the staffing search runs on top. Cost = added
 *   rostered agent-hours + the hours the lending groups spend on borrowed work (their handling hours
 *   over the baseline's).
 *
 * The recommendation is the feasible option with the least agent-hours. Agent-hours are means over
 * the replications of the planned period, `[start, start + days)`.
 *
 * Flags (docs/calibration.md, "Peak plan"):
 * - `--peak SCOPE+N%[:LENGTH][:WHEN]` — arrivals × (1 + N/100) for SCOPE (`orders`: every queue, since
 *   every case comes from an order; or one queue), for LENGTH (`5d`, `36h`; default to the end of the
 *   plan) from WHEN (`dayN`, the plan's Nth day, or a date; default day1). `-N%` lowers, `xM` multiplies.
 * - `--outage KIND:WHEN[:LENGTH][:xM]` — `carrier` (shipment_exception × M, default 4), `inventory`
 *   (allocation_failure × M, default 5), `platform` (no intake; held intake released over the next
 *   hour), from WHEN (`dayN` or a date) for LENGTH (default 1d).
 */

import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Policy } from "../../models/policy/schema.ts";
import { parseDurationText } from "../duration.ts";
import { runScenario, type SimulationSummary } from "../run-scenario.ts";
import { type EventSpec, type ScenarioInput, ScenarioSpec } from "../scenario.ts";
import { compileScenario } from "../scenario-plan.ts";
import {
  StaffingUnreachableError,
  type StaffSearchResult,
  searchStaffing,
  withAgents,
} from "../staffing-search.ts";
import {
  type Calibration,
  CalibrationError,
  calibrate,
  localMidnight,
  nextDate,
  queueOfSegment,
} from "./calibrate.ts";

const DAY_S = 86_400;
/** A target above the unlimited-staff ceiling is capped this far (or the ceiling's 95% half-width) below it. */
export const CEILING_MARGIN = 0.02;
/** Agents per shift for the ceiling: more than any queue here can keep busy. */
export const CEILING_AGENTS = 1000;

export interface WindowSpec {
  /** The flag as given. */
  text: string;
  /** 1-based day of the plan, or a local date. */
  when: number | string;
  /** Seconds; undefined: to the end of the plan. */
  length_s: number | undefined;
}

export interface PeakSpec extends WindowSpec {
  /** `orders` (every queue) or a queue. */
  scope: string;
  multiplier: number;
}

export interface OutageSpec extends WindowSpec {
  kind: "carrier" | "inventory" | "platform";
  multiplier: number;
}

export class PlanFlagError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PlanFlagError";
  }
}

function parseWhen(token: string): number | string | undefined {
  const day = /^day(\d+)$/.exec(token);
  if (day) {
    const n = Number(day[1]);
    return n >= 1 ? n : undefined;
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(token) && !Number.isNaN(Date.parse(`${token}T00:00:00Z`))) return token;
  return undefined;
}

function parseLength(token: string): number | undefined {
  if (!/^\d/.test(token)) return undefined;
  const seconds = parseDurationText(token);
  return seconds !== undefined && seconds > 0 ? seconds : undefined;
}

function parseMultiplier(token: string): number | undefined {
  const match = /^[x*](\d+(?:\.\d+)?)$/.exec(token);
  return match ? Number(match[1]) : undefined;
}

/** `orders+60%:5d`, `shipment_exception+100%:2d:day3`, `orders x1.5:3d:2026-11-27`. */
export function parsePeak(text: string, queues: readonly string[]): PeakSpec {
  const [head, ...rest] = text.split(":").map((t) => t.trim());
  const match = /^([a-z][a-z0-9_]*)\s*(?:([+-])(\d+(?:\.\d+)?)%|\s*[x*](\d+(?:\.\d+)?))$/.exec(head ?? "");
  const usage = `--peak takes SCOPE+N%[:LENGTH][:WHEN], e.g. orders+60%:5d or shipment_exception+100%:2d:day3; got "${text}"`;
  if (!match) throw new PlanFlagError(usage);
  const scope = match[1] as string;
  if (scope !== "orders" && !queues.includes(scope)) {
    throw new PlanFlagError(
      `--peak "${text}": ${scope} is neither "orders" nor a queue (${queues.join(", ")})`,
    );
  }
  const multiplier =
    match[4] !== undefined ? Number(match[4]) : 1 + ((match[2] === "-" ? -1 : 1) * Number(match[3])) / 100;
  if (!(multiplier >= 0)) throw new PlanFlagError(`--peak "${text}": the volume cannot fall below zero`);
  let when: number | string = 1;
  let length_s: number | undefined;
  for (const token of rest) {
    const w = parseWhen(token);
    const l = parseLength(token);
    if (w !== undefined) when = w;
    else if (l !== undefined) length_s = l;
    else throw new PlanFlagError(usage);
  }
  return { text, scope, multiplier, when, length_s };
}

const OUTAGE_DEFAULTS = { carrier: 4, inventory: 5, platform: 0 } as const;

/** `carrier:day3`, `carrier:day3:2d:x3`, `inventory:2026-05-11:12h`, `platform:day2:6h`. */
export function parseOutage(text: string): OutageSpec {
  const [kind, ...rest] = text.split(":").map((t) => t.trim());
  const usage = `--outage takes KIND:WHEN[:LENGTH][:xM] with KIND carrier, inventory or platform, e.g. carrier:day3 or carrier:day3:2d:x3; got "${text}"`;
  if (kind !== "carrier" && kind !== "inventory" && kind !== "platform") throw new PlanFlagError(usage);
  let when: number | string | undefined;
  let length_s: number | undefined = DAY_S;
  let multiplier: number = OUTAGE_DEFAULTS[kind];
  for (const token of rest) {
    const w = parseWhen(token);
    const l = parseLength(token);
    const m = parseMultiplier(token);
    if (w !== undefined && when === undefined) when = w;
    else if (l !== undefined) length_s = l;
    else if (m !== undefined && kind !== "platform") multiplier = m;
    else throw new PlanFlagError(usage);
  }
  if (when === undefined) throw new PlanFlagError(usage);
  return { text, kind, multiplier, when, length_s };
}

export interface PlanOptions {
  /** History to calibrate on (inclusive dates, reporting zone). */
  from: string;
  to: string;
  policy: Policy;
  /** First day of the plan (default: the day after `to`). */
  start?: string;
  /** Days planned (default: to the end of the last event plus two days, at least 7). */
  days?: number;
  peaks: PeakSpec[];
  outages: OutageSpec[];
  replications?: number;
  seed?: number;
  overtimeHoursPerDay?: number;
  maxOvertimeAgents?: number;
  onProgress?: (message: string) => void;
}

export interface OptionCost {
  /** Extra rostered agent-hours over the baseline roster (negative: fewer). */
  added_rostered_hours: number;
  overtime_hours: number;
  /** Hours cross-skilled groups spend on borrowed work beyond what they handled in the baseline. */
  lent_hours: number;
  /** added_rostered_hours (when positive) + overtime_hours + lent_hours. */
  total_agent_hours: number;
}

export interface PlanQueue {
  queue: string;
  attainment_target: number;
  sla_attainment: number | null;
  meets_target: boolean;
}

export interface PlanGroupStaffing {
  group: string;
  shifts: string[];
  baseline_agents: number[];
  agents: number[];
  /** Skills learnt (cross_skilling): warehouse queues. */
  borrowed_queues: string[];
  overtime_agents: number;
}

export interface PlanOption {
  option: "added_staff" | "overtime" | "cross_skilling";
  feasible: boolean;
  reason: string | null;
  meets_all_targets: boolean;
  cost: OptionCost | null;
  groups: PlanGroupStaffing[];
  queues: PlanQueue[];
}

export interface PlanInterval {
  group: string;
  interval_start: string;
  baseline_agents: number;
  planned_agents: number;
  overtime_agents: number;
}

export interface PlanResult {
  from: string;
  to: string;
  start: string;
  days: number;
  zone: string;
  replications: number;
  seed: number;
  peaks: { text: string; scope: string; multiplier: number; start: string; end: string }[];
  outages: { text: string; kind: string; multiplier: number | null; start: string; end: string }[];
  /** Per scenario queue: the policy goal, the attainment with unlimited staff, and the target planned for. */
  targets: { queue: string; goal: number; ceiling: number | null; target: number }[];
  baseline: { meets_all_targets: boolean; rostered_hours: number; queues: PlanQueue[] };
  options: PlanOption[];
  recommended: PlanOption["option"] | null;
  /** The recommended option's staffing per group and interval (agents on duty, interval means). */
  intervals: PlanInterval[];
  /** The recommended scenario, for `orderops simulate`. */
  scenario: ScenarioInput;
  calibration: Calibration;
}

/** Each scenario queue's mean attainment over the replications, against its target. */
function queueResults(summary: SimulationSummary): PlanQueue[] {
  return summary.queues.map((q) => ({
    queue: q.queue,
    attainment_target: q.sla.attainment_target,
    sla_attainment:
      q.metrics.sla_attainment.mean === null ? null : Math.round(q.metrics.sla_attainment.mean * 1e4) / 1e4,
    meets_target: q.meets_target,
  }));
}

interface Evaluation {
  summary: SimulationSummary;
  rosteredHours: Record<string, number>;
  overtimeHours: Record<string, number>;
  handlingHours: Record<string, number>;
  /** Per group, per interval: mean rostered and overtime agents. */
  rostered: Record<string, Float64Array>;
  overtime: Record<string, Float64Array>;
}

async function evaluate(spec: ScenarioInput, replications: number, seed: number): Promise<Evaluation> {
  const plan = compileScenario(ScenarioSpec.parse(spec));
  const K = plan.intervals;
  const rosteredHours: Record<string, number> = {};
  const overtimeHours: Record<string, number> = {};
  const handlingHours: Record<string, number> = {};
  const rostered: Record<string, Float64Array> = {};
  const overtime: Record<string, Float64Array> = {};
  for (const group of plan.groups) {
    rosteredHours[group.name] = 0;
    overtimeHours[group.name] = 0;
    handlingHours[group.name] = 0;
    rostered[group.name] = new Float64Array(K);
    overtime[group.name] = new Float64Array(K);
  }
  const summary = await runScenario(plan, {
    replications,
    seed,
    caseRecords: "none",
    onReplication: (_, output) => {
      plan.groups.forEach((group, g) => {
        const totals = output.groups[g];
        if (!totals) return;
        rosteredHours[group.name] =
          (rosteredHours[group.name] as number) + totals.rostered_agent_s / 3600 / replications;
        overtimeHours[group.name] =
          (overtimeHours[group.name] as number) + totals.overtime_agent_s / 3600 / replications;
        handlingHours[group.name] =
          (handlingHours[group.name] as number) + totals.handling_agent_s / 3600 / replications;
        const r = rostered[group.name] as Float64Array;
        const o = overtime[group.name] as Float64Array;
        for (let k = 0; k < K; k++) {
          r[k] =
            (r[k] as number) +
            (output.groupIntervals.rostered_agent_s[g * K + k] as number) / plan.interval_s / replications;
          o[k] =
            (o[k] as number) +
            (output.groupIntervals.overtime_agent_s[g * K + k] as number) / plan.interval_s / replications;
        }
      });
    },
  });
  return { summary, rosteredHours, overtimeHours, handlingHours, rostered, overtime };
}

const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);
const round1 = (value: number) => Math.round(value * 10) / 10;

function shiftAgents(spec: ScenarioInput): Record<string, number[]> {
  return Object.fromEntries(
    spec.staff.map((group) => [
      group.group,
      group.shifts
        ? group.shifts.map((s) => s.agents)
        : [group.agents === "unlimited" ? 0 : (group.agents ?? 0)],
    ]),
  );
}

function shiftNames(spec: ScenarioInput, group: string): string[] {
  const g = spec.staff.find((s) => s.group === group);
  return g?.shifts ? g.shifts.map((s, i) => s.name ?? `shift ${i + 1}`) : ["around the clock"];
}

export async function planPeak(warehouse: Warehouse, options: PlanOptions): Promise<PlanResult> {
  const replications = options.replications ?? 3;
  const seed = options.seed ?? 1;
  const progress = options.onProgress ?? (() => {});
  const calibration = await calibrate(warehouse, {
    from: options.from,
    to: options.to,
    policy: options.policy,
    split: "tier",
    roster: "pattern",
    backlog: "end",
    replications,
    seed,
    interval_s: 3600,
  });
  const base = calibration.spec;
  const zone = base.zone as string;
  const start = options.start ?? nextDate(options.to);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start))
    throw new PlanFlagError(`--start must be a date as YYYY-MM-DD, got "${start}"`);
  const startMs = localMidnight(start, zone);
  const instantOf = (when: number | string) =>
    typeof when === "number" ? localMidnight(nextDate(start, when - 1), zone) : localMidnight(when, zone);
  const windows = [...options.peaks, ...options.outages].map((w) => {
    const from = instantOf(w.when);
    return { w, from, to: w.length_s === undefined ? undefined : from + w.length_s * 1000 };
  });
  const lastEventDay = Math.max(
    0,
    ...windows.map(({ to }) => (to === undefined ? 0 : Math.ceil((to - startMs) / 86_400_000))),
  );
  const days = options.days ?? Math.max(7, lastEventDay + 2);
  const endMs = localMidnight(nextDate(start, days), zone);
  for (const { w, from } of windows) {
    if (from < startMs || from >= endMs) {
      throw new PlanFlagError(`"${w.text}" starts outside the plan (${start}, ${days} days)`);
    }
  }
  const iso = (ms: number) => new Date(ms).toISOString();
  const segmentsOf = (queue: string) =>
    base.queues.map((q) => q.name).filter((n) => queueOfSegment(n) === queue);
  const events: EventSpec[] = [];
  const peaks: PlanResult["peaks"] = [];
  const outages: PlanResult["outages"] = [];
  for (const { w, from, to } of windows) {
    const end = Math.min(endMs, to ?? endMs);
    if ("scope" in w) {
      const queues = w.scope === "orders" ? undefined : segmentsOf(w.scope);
      if (queues && queues.length === 0)
        throw new PlanFlagError(`--peak "${w.text}": ${w.scope} had no work in the history`);
      events.push({
        kind: "peak",
        name: w.text,
        start: iso(from),
        end: iso(end),
        multiplier: w.multiplier,
        ...(queues ? { queues } : {}),
      });
      peaks.push({ text: w.text, scope: w.scope, multiplier: w.multiplier, start: iso(from), end: iso(end) });
    } else {
      const target =
        w.kind === "carrier"
          ? "shipment_exception"
          : w.kind === "inventory"
            ? "allocation_failure"
            : undefined;
      const queues = target ? segmentsOf(target) : undefined;
      if (queues && queues.length === 0)
        throw new PlanFlagError(`--outage "${w.text}": ${target} had no work in the history`);
      if (w.kind === "platform") {
        events.push({
          kind: "platform_outage",
          name: w.text,
          start: iso(from),
          end: iso(end),
          release: 3600,
        });
      } else {
        events.push({
          kind: w.kind === "carrier" ? "carrier_disruption" : "inventory_sync_failure",
          name: w.text,
          start: iso(from),
          end: iso(end),
          multiplier: w.multiplier,
          queues: queues as string[],
        });
      }
      outages.push({
        text: w.text,
        kind: w.kind,
        multiplier: w.kind === "platform" ? null : w.multiplier,
        start: iso(from),
        end: iso(end),
      });
    }
  }
  const uncapped: ScenarioInput = {
    ...base,
    name: `plan-${start}`,
    description: `Peak plan from ${start} for ${days} days, calibrated on ${options.from}..${options.to}: ${[...options.peaks, ...options.outages].map((w) => w.text).join(", ") || "no events"}.`,
    start: `${start}T00:00`,
    horizon: Math.round((endMs - startMs) / 1000),
    events,
  };
  const checked = ScenarioSpec.safeParse(uncapped);
  if (!checked.success) {
    throw new CalibrationError(
      `the plan's scenario does not validate: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }

  // What no staffing of these shifts can do: with CEILING_AGENTS on every shift nobody waits while a
  // shift is on, and a queue still misses when its dependency waits or handle times alone outlast the
  // target, or when work arrives with no shift on and the target runs out first. Such targets are
  // capped just below that ceiling, so the search asks for what staffing can change.
  progress(`simulating ${CEILING_AGENTS} agents on every shift: the attainment no staffing can exceed`);
  const ceilingEval = await evaluate(
    {
      ...uncapped,
      staff: uncapped.staff.map((g) =>
        g.shifts
          ? {
              ...g,
              shifts: g.shifts.map((shift) => ({ ...shift, agents: CEILING_AGENTS })),
              overtime: undefined,
            }
          : { ...g, agents: g.agents === "unlimited" ? "unlimited" : CEILING_AGENTS, overtime: undefined },
      ),
    },
    replications,
    seed,
  );
  const targets: PlanResult["targets"] = [];
  const baseline: ScenarioInput = {
    ...uncapped,
    queues: uncapped.queues.map((queue) => {
      const result = ceilingEval.summary.queues.find((q) => q.queue === queue.name);
      const ceiling = result?.metrics.sla_attainment.mean ?? null;
      const margin = Math.max(CEILING_MARGIN, result?.metrics.sla_attainment.half_width ?? 0);
      const goal = queue.sla.attainment_target;
      const target =
        ceiling === null || ceiling - margin >= goal
          ? goal
          : Math.round(Math.min(0.9999, Math.max(0.0001, ceiling - margin)) * 1e4) / 1e4;
      targets.push({
        queue: queue.name,
        goal,
        ceiling: ceiling === null ? null : Math.round(ceiling * 1e4) / 1e4,
        target,
      });
      return target === goal ? queue : { ...queue, sla: { ...queue.sla, attainment_target: target } };
    }),
  };

  progress("simulating the baseline roster through the plan");
  const baseEval = await evaluate(baseline, replications, seed);
  const baseRostered = sum(baseEval.rosteredHours);
  const missing = (summary: SimulationSummary) =>
    new Set(summary.queues.filter((q) => !q.meets_target).map((q) => queueOfSegment(q.queue)));
  const missingQueues = missing(baseEval.summary);
  const groupsServing = (spec: ScenarioInput, queues: Set<string>) =>
    spec.staff
      .filter(
        (g) =>
          g.group !== "unstaffed" &&
          g.skills.some((s) => queues.has(queueOfSegment(typeof s === "string" ? s : s.queue))),
      )
      .map((g) => g.group);
  const costOf = (evaluation: Evaluation, lent = 0): OptionCost => {
    const added = sum(evaluation.rosteredHours) - baseRostered;
    const overtime = sum(evaluation.overtimeHours);
    return {
      added_rostered_hours: round1(added),
      overtime_hours: round1(overtime),
      lent_hours: round1(lent),
      total_agent_hours: round1(Math.max(0, added) + overtime + lent),
    };
  };
  const baselineAgents = shiftAgents(baseline);
  const staffing = (spec: ScenarioInput, borrowed: Record<string, string[]> = {}): PlanGroupStaffing[] => {
    const agents = shiftAgents(spec);
    return spec.staff.map((g) => ({
      group: g.group,
      shifts: shiftNames(spec, g.group),
      baseline_agents: baselineAgents[g.group] ?? [],
      agents: agents[g.group] ?? [],
      borrowed_queues: borrowed[g.group] ?? [],
      overtime_agents: g.overtime?.agents ?? 0,
    }));
  };
  const options_: PlanOption[] = [];
  const evaluations = new Map<PlanOption["option"], { spec: ScenarioInput; evaluation: Evaluation }>();
  const search = async (spec: ScenarioInput): Promise<StaffSearchResult | string> => {
    try {
      return await searchStaffing(ScenarioSpec.parse(spec), {
        replications,
        seed,
        onEvaluation: (n, agents, meets) =>
          progress(
            `  search ${n}: ${Object.entries(agents)
              .map(([g, a]) => `${g} ${a.join("/")}`)
              .join(", ")} → ${meets ? "meets" : "misses"}`,
          ),
      });
    } catch (error) {
      if (error instanceof StaffingUnreachableError) return error.message;
      throw error;
    }
  };
  const applySearch = (spec: ScenarioInput, result: StaffSearchResult): ScenarioInput =>
    withAgents(
      ScenarioSpec.parse(spec),
      Object.fromEntries(result.groups.map((g) => [g.group, g.agents])),
    ) as ScenarioInput;

  // --- added staff ----------------------------------------------------------------------------------
  progress("option added_staff: staffing search on the calibrated shifts");
  {
    const result = await search(baseline);
    if (typeof result === "string") {
      options_.push({
        option: "added_staff",
        feasible: false,
        reason: result,
        meets_all_targets: false,
        cost: null,
        groups: staffing(baseline),
        queues: queueResults(baseEval.summary),
      });
    } else {
      const spec = applySearch(baseline, result);
      const evaluation = await evaluate(spec, replications, seed);
      evaluations.set("added_staff", { spec, evaluation });
      options_.push({
        option: "added_staff",
        feasible: evaluation.summary.meets_all_targets,
        reason: null,
        meets_all_targets: evaluation.summary.meets_all_targets,
        cost: costOf(evaluation),
        groups: staffing(spec),
        queues: queueResults(evaluation.summary),
      });
    }
  }

  // --- overtime -------------------------------------------------------------------------------------
  progress("option overtime: the baseline roster with overtime");
  {
    const hoursPerDay = options.overtimeHoursPerDay ?? 4;
    const maxAgents = options.maxOvertimeAgents ?? 20;
    const groups = new Set(groupsServing(baseline, missingQueues));
    const minTarget = (group: string) => {
      const g = baseline.staff.find((s) => s.group === group);
      const targets = (g?.skills ?? []).map((s) => {
        const q = baseline.queues.find((x) => x.name === (typeof s === "string" ? s : s.queue));
        return typeof q?.sla.target === "number" ? q.sla.target : 3600;
      });
      return Math.max(60, Math.round(Math.min(...targets) / 2));
    };
    const withOvertime = (agents: number): ScenarioInput => ({
      ...baseline,
      staff: baseline.staff.map((g) =>
        groups.has(g.group) && agents > 0
          ? {
              ...g,
              overtime: { oldest_age_at_least: minTarget(g.group), agents, max_hours_per_day: hoursPerDay },
            }
          : g,
      ),
    });
    const tried = new Map<number, Evaluation>();
    const tryAgents = async (agents: number) => {
      let evaluation = tried.get(agents);
      if (!evaluation) {
        evaluation = await evaluate(withOvertime(agents), replications, seed);
        tried.set(agents, evaluation);
        progress(
          `  overtime ${agents} agents → ${evaluation.summary.meets_all_targets ? "meets" : "misses"}`,
        );
      }
      return evaluation;
    };
    let pass: number | undefined;
    let fail = 0;
    if (groups.size === 0) pass = 0;
    for (let agents = 1; pass === undefined && agents <= maxAgents; agents *= 2) {
      if ((await tryAgents(agents)).summary.meets_all_targets) pass = agents;
      else fail = agents;
    }
    if (pass === undefined && fail < maxAgents && (await tryAgents(maxAgents)).summary.meets_all_targets)
      pass = maxAgents;
    if (pass === undefined) {
      const last = await tryAgents(maxAgents);
      options_.push({
        option: "overtime",
        feasible: false,
        reason: `even ${maxAgents} overtime agents for ${hoursPerDay} h a day per group miss a target`,
        meets_all_targets: false,
        cost: costOf(last),
        groups: staffing(withOvertime(maxAgents)),
        queues: queueResults(last.summary),
      });
    } else {
      while (pass - fail > 1) {
        const middle = Math.floor((pass + fail) / 2);
        if ((await tryAgents(middle)).summary.meets_all_targets) pass = middle;
        else fail = middle;
      }
      const spec = withOvertime(pass);
      const evaluation = pass === 0 ? baseEval : await tryAgents(pass);
      evaluations.set("overtime", { spec, evaluation });
      options_.push({
        option: "overtime",
        feasible: true,
        reason: null,
        meets_all_targets: evaluation.summary.meets_all_targets,
        cost: costOf(evaluation),
        groups: staffing(spec),
        queues: queueResults(evaluation.summary),
      });
    }
  }

  // --- cross-skilling -------------------------------------------------------------------------------
  progress("option cross_skilling: other groups learn the missing queues");
  {
    const borrowed: Record<string, string[]> = {};
    const crossed: ScenarioInput = {
      ...baseline,
      staff: baseline.staff.map((g) => {
        if (g.group === "unstaffed") return g;
        const own = new Set(g.skills.map((s) => queueOfSegment(typeof s === "string" ? s : s.queue)));
        const learn = [...missingQueues].filter((q) => !own.has(q));
        if (learn.length === 0) return g;
        borrowed[g.group] = learn;
        return {
          ...g,
          skills: [
            ...g.skills.map((s) => (typeof s === "string" ? { queue: s, priority: 1 } : s)),
            ...learn.flatMap((q) => segmentsOf(q).map((queue) => ({ queue, priority: 2 }))),
          ],
        };
      }),
    };
    const lentHours = (evaluation: Evaluation) =>
      Object.keys(borrowed).reduce(
        (total, g) =>
          total + Math.max(0, (evaluation.handlingHours[g] ?? 0) - (baseEval.handlingHours[g] ?? 0)),
        0,
      );
    let evaluation = await evaluate(crossed, replications, seed);
    let spec = crossed;
    let reason: string | null = null;
    if (!evaluation.summary.meets_all_targets && missingQueues.size > 0) {
      const result = await search(crossed);
      if (typeof result === "string") reason = result;
      else {
        spec = applySearch(crossed, result);
        evaluation = await evaluate(spec, replications, seed);
      }
    }
    if (Object.keys(borrowed).length === 0 && missingQueues.size > 0) {
      reason = "every group serving a missing queue already has its skill; nobody can lend";
    }
    evaluations.set("cross_skilling", { spec, evaluation });
    options_.push({
      option: "cross_skilling",
      feasible: reason === null && evaluation.summary.meets_all_targets,
      reason,
      meets_all_targets: evaluation.summary.meets_all_targets,
      cost: costOf(evaluation, lentHours(evaluation)),
      groups: staffing(spec, borrowed),
      queues: queueResults(evaluation.summary),
    });
  }

  const feasible = options_.filter((o) => o.feasible && o.cost);
  const best = feasible.sort(
    (a, b) => (a.cost?.total_agent_hours ?? 0) - (b.cost?.total_agent_hours ?? 0),
  )[0];
  const chosen = best ? evaluations.get(best.option) : undefined;
  const intervals: PlanInterval[] = [];
  const plan = compileScenario(ScenarioSpec.parse(chosen?.spec ?? baseline));
  const chosenEval = chosen?.evaluation ?? baseEval;
  for (const group of plan.groups) {
    const baseRow = baseEval.rostered[group.name];
    const row = chosenEval.rostered[group.name] as Float64Array;
    const over = chosenEval.overtime[group.name] as Float64Array;
    for (let k = 0; k < plan.intervals; k++) {
      intervals.push({
        group: group.name,
        interval_start: iso(plan.epochMs + k * plan.interval_s * 1000),
        baseline_agents: Math.round((baseRow?.[k] ?? 0) * 100) / 100,
        planned_agents: Math.round((row[k] as number) * 100) / 100,
        overtime_agents: Math.round((over[k] as number) * 100) / 100,
      });
    }
  }
  return {
    from: options.from,
    to: options.to,
    start,
    days,
    zone,
    replications,
    seed,
    peaks,
    outages,
    targets,
    baseline: {
      meets_all_targets: baseEval.summary.meets_all_targets,
      rostered_hours: round1(baseRostered),
      queues: queueResults(baseEval.summary),
    },
    options: options_,
    recommended: best?.option ?? null,
    intervals,
    scenario: chosen?.spec ?? baseline,
    calibration,
  };
}
