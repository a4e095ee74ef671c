/**
 * Calibration: a scenario (simulator/scenario.ts) measured from the warehouse over a period.
 *
 * - **Queues of the scenario** are segments of the warehouse's queues: by default one per queue ×
 *   work type × SLA tier (`split: "tier"`), so that each has the one resolution target the policy
 *   gives it. The tier is the case's priority for p1 and p2 (urgent work, served first: `routing:
 *   priority` with queue priority 1), and for p3/p4 when the policy gives them targets of their own;
 *   otherwise `default`. Names are `QUEUE__WORK_TYPE__TIER` (`QUEUE__WORK_TYPE` with `split:
 *   "work_type"`, `QUEUE` with `split: "queue"`, where the target is that of the most common tier).
 * - **Arrivals**: stays started by an opening or a transfer in (reopens are the reopen model's). The
 *   hour-of-week shape is the queue's (all its segments together; in the queue calendar's zone):
 *   entries per hour of the week ÷ the occurrences of that weekday in the period. With fewer than
 *   MIN_ENTRIES_FOR_HOUR_OF_WEEK entries it is day of week × hour of day instead (fewer numbers to
 *   estimate). A segment's daily_volume is its share of the queue's mean daily volume; with
 *   `volumes: "dated"` each local date's actual count is given too (`arrivals.dates`).
 * - **Handle time**: the handlings of extract.ts (worked → the same actor's resolution, transfer or
 *   pending), fitted lognormal by maximum likelihood per queue × work type, pooled to the queue when
 *   fewer than MIN_OBSERVATIONS; follow-ups after a dependency separately (`followup_handle_time`).
 * - **Rework**: handlings followed by another `worked` with no outcome ÷ handlings with an outcome.
 * - **Dependency**: first handlings (not follow-ups) ending in `pending_dependency` ÷ first handlings
 *   with an outcome; the party is the queue's most common one, the wait (pending → returned) fitted
 *   lognormal over all its parties; `pauses_sla` from the policy.
 * - **Reopen**: resolutions followed by a reopen ÷ resolutions, the delay fitted lognormal; reopens
 *   after the period's end count (the data's end is the only cut-off).
 * - **Transfers**: stays that ended by a transfer out ÷ stays that ended; reported, and carried by the
 *   arrivals of the receiving queue (the scenario has no transfers between queues).
 * - **SLA**: the policy's resolution target, goal and the queue's calendar.
 * - **Staff**: roster.ts.
 */
import { PRIORITIES, QUEUES } from "../../ingest/contracts/cases.ts";
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Policy } from "../../models/policy/schema.ts";
import { type ScenarioInput, ScenarioSpec } from "../scenario.ts";
import { zoneClock } from "../time-zone.ts";
import {
  type CaseKind,
  type DependencyRow,
  type EntryRow,
  type ExitRow,
  type HandlingRow,
  type Period,
  readDataRange,
  readDependencyWaits,
  readEntries,
  readExits,
  readHandlings,
  readShifts,
  readStays,
  type StayRow,
} from "./extract.ts";
import { fitLognormal, type LognormalFit, roundTo } from "./fit.ts";
import { buildRoster, localDates, type RosterGroup } from "./roster.ts";

export const SPLITS = ["tier", "work_type", "queue"] as const;
export type Split = (typeof SPLITS)[number];

/** Fewer observations than this at queue × work type: the fit pools the queue's work types. */
export const MIN_OBSERVATIONS = 30;
/** Fewer entries than this in a queue: its profile is day of week × hour of day, not 168 hours. */
export const MIN_ENTRIES_FOR_HOUR_OF_WEEK = 1000;
/** Handlings longer than this (an agent who left a case open) are left out of the fit. */
export const MAX_HANDLE_S = 8 * 3600;

const DAY_MS = 86_400_000;
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

export class CalibrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CalibrationError";
  }
}

export interface CalibrateOptions {
  /** First and last local dates of the period (inclusive), in the policy's reporting zone. */
  from: string;
  to: string;
  policy: Policy;
  split?: Split;
  /** `pattern`: a typical week; `dated`: every date of the period as rostered. */
  roster?: "pattern" | "dated";
  /** `profile`: daily volume and shape; `dated`: also each date's actual volume. */
  volumes?: "profile" | "dated";
  /** Which open cases the scenario starts with: those open at the period's start (default), at its end, or none. */
  backlog?: "start" | "end" | "none";
  name?: string;
  replications?: number;
  seed?: number;
  /** Reporting interval, seconds (default 3600). */
  interval_s?: number;
}

export interface SegmentInfo {
  /** Scenario queue name. */
  name: string;
  queue: string;
  work_type: string | null;
  tier: string | null;
  entries: number;
  daily_volume: number;
  target_s: number;
  goal: number;
  backlog: number;
}

export interface DistributionReport {
  level: "queue_work_type" | "queue" | "all" | "none";
  n: number;
  fit: LognormalFit | null;
}

export interface WorkFitReport {
  queue: string;
  work_type: string;
  handlings: number;
  handle_time: DistributionReport;
  followup_handle_time: DistributionReport;
  /** Handlings whose time was not observed (no outcome by the same actor, or longer than MAX_HANDLE_S). */
  unobserved_handlings: number;
  rework_probability: number;
  dependency: {
    probability: number;
    first_handlings: number;
    party: string | null;
    pauses_sla: boolean;
    wait: DistributionReport;
  };
  reopen: { probability: number; resolutions: number; delay: DistributionReport };
}

export interface QueueReport {
  queue: string;
  zone: string;
  entries: number;
  transfers_in: number;
  profile: "hour_of_week" | "day_of_week × hour_of_day" | "flat";
  daily_volume: number;
  /** Stays that ended by a transfer out ÷ stays that ended (resolved or transferred) in the period. */
  transfer_rate: number;
  transfers_to: Record<string, number>;
}

export interface CalibrationReport {
  from: string;
  to: string;
  zone: string;
  start: string;
  end: string;
  split: Split;
  roster: "pattern" | "dated";
  fit_method: "lognormal maximum likelihood";
  queues: QueueReport[];
  segments: SegmentInfo[];
  work: WorkFitReport[];
  groups: Omit<RosterGroup, "shifts">[];
  notes: string[];
}

export interface Calibration {
  spec: ScenarioInput;
  report: CalibrationReport;
  period: Period;
}

/** UTC ms of local midnight of `date` in `zone`. */
export function localMidnight(date: string, zone: string): number {
  return zoneClock(zone).toUtc(Date.parse(`${date}T00:00:00Z`));
}

export function nextDate(date: string, days = 1): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The period [from 00:00, to + 1 day 00:00) in the zone. */
export function periodOf(from: string, to: string, zone: string): Period {
  for (const [flag, date] of [
    ["--from", from],
    ["--to", to],
  ] as const) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
      throw new CalibrationError(`${flag} must be a date as YYYY-MM-DD, got "${date}"`);
    }
  }
  if (to < from) throw new CalibrationError(`--to (${to}) is before --from (${from})`);
  return { fromMs: localMidnight(from, zone), toMs: localMidnight(nextDate(to), zone) };
}

interface Segmenter {
  key(kind: CaseKind): { name: string; work_type: string | null; tier: string | null };
}

/** The SLA tier of a case: its priority when urgent or when the policy gives it its own targets. */
export function tierOf(policy: Policy, queue: string, workType: string, priority: string | null): string {
  const targets = policy.queues[queue as (typeof QUEUES)[number]]?.sla[workType as "standard"];
  if (!targets || priority === null || !PRIORITIES.includes(priority as "p1")) return "default";
  if (priority === "p1" || priority === "p2") return priority;
  const own = targets[priority as "p3"];
  const base = targets.default;
  return own.resolve_within !== base.resolve_within || own.goal !== base.goal ? priority : "default";
}

function segmenter(policy: Policy, split: Split): Segmenter {
  return {
    key: ({ queue, work_type, priority }) => {
      if (split === "queue") return { name: queue, work_type: null, tier: null };
      if (split === "work_type") return { name: `${queue}__${work_type}`, work_type, tier: null };
      const tier = tierOf(policy, queue, work_type, priority);
      return { name: `${queue}__${work_type}__${tier}`, work_type, tier };
    },
  };
}

/** Warehouse queue of a scenario queue name. */
export function queueOfSegment(name: string): string {
  return name.split("__")[0] as string;
}

function policyCalendar(policy: Policy, name: string): NonNullable<ScenarioInput["calendars"]>[string] {
  const calendar = policy.calendars[name];
  if (!calendar) throw new CalibrationError(`the policy has no calendar ${name}`);
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  const byText = new Map<string, { from: string; to: string; days: (typeof WEEKDAYS)[number][] }>();
  for (const day of WEEKDAYS) {
    for (const span of calendar.hours[day] ?? []) {
      const from = hhmm(span.start_min);
      const to =
        span.end_min === 1440
          ? "24:00"
          : span.end_min > 1440
            ? hhmm(span.end_min - 1440)
            : hhmm(span.end_min);
      const key = `${from}-${to}`;
      const entry = byText.get(key) ?? { from, to, days: [] };
      entry.days.push(day);
      byText.set(key, entry);
    }
  }
  const holidays: string[] = [];
  for (const holiday of calendar.holidays) {
    for (let date = holiday.from; date <= holiday.to; date = nextDate(date)) holidays.push(date);
  }
  return {
    zone: calendar.time_zone,
    hours: [...byText.values()].map(({ days, from, to }) => ({ days, from, to })),
    holidays: [...new Set(holidays)].sort(),
  };
}

const lognormalSpec = (fit: LognormalFit) =>
  ({ kind: "lognormal", mean: Math.round(fit.mean), sd: Math.round(fit.sd) }) as const;

/** The pooled fit: queue × work type, else the queue, else everything. */
function pooledFit(
  values: (level: "queue_work_type" | "queue" | "all") => number[],
  min: number,
): DistributionReport {
  for (const level of ["queue_work_type", "queue", "all"] as const) {
    const sample = values(level);
    if (sample.length >= min || level === "all") {
      const fit = fitLognormal(sample);
      return fit ? { level, n: sample.length, fit } : { level: "none", n: sample.length, fit: null };
    }
  }
  return { level: "none", n: 0, fit: null };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** The most common value (ties: the first in sort order). */
function mode<T extends string>(values: readonly T[]): T | null {
  const counts = new Map<T, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  for (const [value, count] of [...counts.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (count > bestCount) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

export async function calibrate(warehouse: Warehouse, options: CalibrateOptions): Promise<Calibration> {
  const policy = options.policy;
  const zone = policy.reporting.time_zone;
  const split = options.split ?? "tier";
  const rosterMode = options.roster ?? "pattern";
  const period = periodOf(options.from, options.to, zone);
  const notes: string[] = [];

  const range = await readDataRange(warehouse);
  if (!range.first || !range.last) {
    throw new CalibrationError(
      `${warehouse.path} holds no cases: run \`orderops ingest\` and \`orderops build\` first`,
    );
  }
  if (range.last.getTime() <= period.fromMs || range.first.getTime() >= period.toMs) {
    throw new CalibrationError(
      `no cases in ${options.from}..${options.to}: the warehouse's cases run from ${range.first.toISOString().slice(0, 10)} to ${range.last.toISOString().slice(0, 10)}`,
    );
  }
  if (range.last.getTime() < period.toMs) {
    notes.push(
      `the data ends at ${range.last.toISOString()}, before the period does: the last days are incomplete`,
    );
  }

  const [entries, handlings, exits, waits, stays, shiftRows] = await Promise.all([
    readEntries(warehouse, period),
    readHandlings(warehouse, period),
    readExits(warehouse, period),
    readDependencyWaits(warehouse, period),
    options.backlog === "none" ? Promise.resolve([] as StayRow[]) : readStays(warehouse, period),
    readShifts(warehouse, { fromMs: period.fromMs - DAY_MS, toMs: period.toMs }),
  ]);
  if (entries.length === 0)
    throw new CalibrationError(`no case entered a queue in ${options.from}..${options.to}`);

  const segments = segmenter(policy, split);
  const queueZone = (queue: string) => {
    const settings = policy.queues[queue as (typeof QUEUES)[number]];
    if (!settings) throw new CalibrationError(`queue ${queue} is not in the policy`);
    return policy.calendars[settings.calendar]?.time_zone ?? zone;
  };

  // --- arrivals -------------------------------------------------------------------------------------
  const queues = QUEUES.filter((q) => entries.some((e) => e.queue === q) || stays.some((s) => s.queue === q));
  const queueReports: QueueReport[] = [];
  const profiles = new Map<string, NonNullable<ScenarioInput["queues"][number]["arrivals"]["profile"]>>();
  const queueDaily = new Map<string, number>();
  for (const queue of queues) {
    const qZone = queueZone(queue);
    const clock = zoneClock(qZone);
    const dates = localDates(qZone, period.fromMs, period.toMs);
    // Occurrences of each weekday, as the share of that weekday's 24 hours inside the period.
    const occurrences = new Array(7).fill(0) as number[];
    for (const date of dates) {
      const start = Math.max(period.fromMs, localMidnight(date, qZone));
      const end = Math.min(period.toMs, localMidnight(nextDate(date), qZone));
      const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
      occurrences[weekday] = (occurrences[weekday] as number) + Math.max(0, end - start) / DAY_MS;
    }
    const counts = new Array(168).fill(0) as number[];
    const mine = entries.filter((e) => e.queue === queue);
    for (const entry of mine) {
      const local = clock.toLocal(entry.at.getTime());
      const weekday = (new Date(local).getUTCDay() + 6) % 7;
      const hour = new Date(local).getUTCHours();
      counts[weekday * 24 + hour] = (counts[weekday * 24 + hour] as number) + 1;
    }
    const perWeek = counts.map((c, i) => ratio(c, occurrences[Math.floor(i / 24)] as number));
    const weekTotal = perWeek.reduce((a, b) => a + b, 0);
    const daily = weekTotal / 7;
    queueDaily.set(queue, daily);
    let kind: QueueReport["profile"] = "flat";
    if (mine.length >= MIN_ENTRIES_FOR_HOUR_OF_WEEK) {
      profiles.set(queue, { hour_of_week: perWeek.map((w) => roundTo(ratio(w, weekTotal) * 168, 4)) });
      kind = "hour_of_week";
    } else if (mine.length > 0) {
      const day = WEEKDAYS.map((_, d) => perWeek.slice(d * 24, d * 24 + 24).reduce((a, b) => a + b, 0));
      const hour = Array.from({ length: 24 }, (_, h) =>
        counts.filter((_, i) => i % 24 === h).reduce((a, b) => a + b, 0),
      );
      const dayTotal = day.reduce((a, b) => a + b, 0);
      const hourTotal = hour.reduce((a, b) => a + b, 0);
      profiles.set(queue, {
        day_of_week: day.map((w) => roundTo(ratio(w, dayTotal) * 7, 4)),
        hour_of_day: hour.map((w) => roundTo(ratio(w, hourTotal) * 24, 4)),
      });
      kind = "day_of_week × hour_of_day";
    }
    const queueExits = exits.filter((x) => x.queue === queue);
    const transfersOut = queueExits.filter((x) => x.kind === "transferred");
    const transfersTo: Record<string, number> = {};
    for (const t of transfersOut)
      transfersTo[t.to_queue ?? "unknown"] = (transfersTo[t.to_queue ?? "unknown"] ?? 0) + 1;
    queueReports.push({
      queue,
      zone: qZone,
      entries: mine.length,
      transfers_in: mine.filter((e) => e.kind === "transferred").length,
      profile: kind,
      daily_volume: roundTo(daily, 3),
      transfer_rate: roundTo(ratio(transfersOut.length, queueExits.length), 4),
      transfers_to: transfersTo,
    });
  }

  // --- segments -------------------------------------------------------------------------------------
  const segmentRows = new Map<
    string,
    {
      queue: string;
      work_type: string | null;
      tier: string | null;
      entries: EntryRow[];
      backlog: StayRow[];
      kinds: CaseKind[];
    }
  >();
  const segmentOf = (kind: CaseKind) => {
    const key = segments.key(kind);
    let entry = segmentRows.get(key.name);
    if (!entry) {
      entry = {
        queue: kind.queue,
        work_type: key.work_type,
        tier: key.tier,
        entries: [],
        backlog: [],
        kinds: [],
      };
      segmentRows.set(key.name, entry);
    }
    return entry;
  };
  for (const entry of entries) {
    const segment = segmentOf(entry);
    segment.entries.push(entry);
    segment.kinds.push(entry);
  }
  const backlogAtMs = options.backlog === "end" ? period.toMs : period.fromMs;
  for (const stay of stays) {
    if (
      stay.entered_at.getTime() < backlogAtMs &&
      (stay.left_at === null || stay.left_at.getTime() >= backlogAtMs)
    ) {
      const segment = segmentOf(stay);
      segment.backlog.push(stay);
      segment.kinds.push(stay);
    }
  }
  const queueOrder = (q: string) => QUEUES.indexOf(q as (typeof QUEUES)[number]);
  const segmentNames = [...segmentRows.keys()].sort(
    (a, b) => queueOrder(queueOfSegment(a)) - queueOrder(queueOfSegment(b)) || a.localeCompare(b),
  );

  // --- fits per queue × work type -------------------------------------------------------------------
  // With split "queue" a scenario queue holds every work type: its fits are the queue's ("*").
  const workTypes = [
    ...new Set([...entries, ...stays].map((r) => `${r.queue}|${split === "queue" ? "*" : r.work_type}`)),
  ].sort();
  const handleOf = (rows: HandlingRow[], phase: "first" | "followup") =>
    rows
      .filter((r) => r.phase === phase && r.handle_s !== null && r.handle_s <= MAX_HANDLE_S)
      .map((r) => r.handle_s as number);
  const pick =
    <T extends CaseKind>(rows: readonly T[], queue: string, workType: string) =>
    (level: "queue_work_type" | "queue" | "all") =>
      rows.filter(
        (r) =>
          level === "all" ||
          (r.queue === queue && (level === "queue" || workType === "*" || r.work_type === workType)),
      );
  const work = new Map<string, WorkFitReport>();
  for (const key of workTypes) {
    const [queue, workType] = key.split("|") as [string, string];
    const handlingsAt = pick(handlings, queue, workType);
    const mineHandlings = handlingsAt("queue_work_type");
    const handle = pooledFit((level) => handleOf(handlingsAt(level), "first"), MIN_OBSERVATIONS);
    const followup = pooledFit((level) => handleOf(handlingsAt(level), "followup"), MIN_OBSERVATIONS);
    // Rework and dependency rates pool the same way as the fits, on the count of handlings.
    const rateLevel = (min: number, count: (rows: HandlingRow[]) => number) =>
      (["queue_work_type", "queue", "all"] as const).find((level) => count(handlingsAt(level)) >= min) ??
      "all";
    const withOutcome = (rows: HandlingRow[]) => rows.filter((r) => r.outcome !== null);
    const reworkRows = withOutcome(handlingsAt(rateLevel(MIN_OBSERVATIONS, (r) => withOutcome(r).length)));
    const rework = ratio(reworkRows.filter((r) => r.outcome === "worked").length, reworkRows.length);
    const firstDone = (rows: HandlingRow[]) =>
      rows.filter((r) => r.phase === "first" && r.outcome !== null && r.outcome !== "worked");
    const depRows = firstDone(handlingsAt(rateLevel(MIN_OBSERVATIONS, (r) => firstDone(r).length)));
    const depProbability = ratio(
      depRows.filter((r) => r.outcome === "pending_dependency").length,
      depRows.length,
    );
    const waitsAt = pick(waits, queue, workType);
    const party = mode(waitsAt("queue").map((w: DependencyRow) => w.dependency));
    const wait = pooledFit(
      (level) =>
        waitsAt(level)
          .filter((w) => w.wait_s !== null)
          .map((w) => w.wait_s as number),
      MIN_OBSERVATIONS,
    );
    const exitsAt = pick(exits, queue, workType);
    const resolvedAt = (level: "queue_work_type" | "queue" | "all") =>
      exitsAt(level).filter((x: ExitRow) => x.kind === "resolved");
    const reopenLevel =
      (["queue_work_type", "queue", "all"] as const).find((l) => resolvedAt(l).length >= MIN_OBSERVATIONS) ??
      "all";
    const resolutions = resolvedAt(reopenLevel);
    const reopenProbability = ratio(
      resolutions.filter((x) => x.reopened_after_s !== null).length,
      resolutions.length,
    );
    const delay = pooledFit(
      (level) =>
        resolvedAt(level)
          .filter((x) => x.reopened_after_s !== null)
          .map((x) => x.reopened_after_s as number),
      MIN_OBSERVATIONS,
    );
    work.set(key, {
      queue,
      work_type: workType,
      handlings: mineHandlings.length,
      handle_time: handle,
      followup_handle_time: followup,
      unobserved_handlings: mineHandlings.filter((r) => r.handle_s === null || r.handle_s > MAX_HANDLE_S)
        .length,
      rework_probability: roundTo(Math.min(rework, 0.95), 4),
      dependency: {
        probability: roundTo(depProbability, 4),
        first_handlings: depRows.length,
        party,
        pauses_sla: party !== null && (policy.dependencies[party as "customer"]?.pauses_sla ?? false),
        wait,
      },
      reopen: {
        probability: roundTo(Math.min(reopenProbability, 0.95), 4),
        resolutions: resolutions.length,
        delay,
      },
    });
  }

  // --- scenario queues ------------------------------------------------------------------------------
  const calendarsUsed = new Set<string>();
  const segmentInfos: SegmentInfo[] = [];
  const scenarioQueues: ScenarioInput["queues"] = [];
  for (const name of segmentNames) {
    const segment = segmentRows.get(name) as NonNullable<ReturnType<typeof segmentRows.get>>;
    const queue = segment.queue;
    const settings = policy.queues[queue as (typeof QUEUES)[number]];
    // The work type whose fits apply: the segment's, else its most common one.
    const fits =
      work.get(`${queue}|${segment.work_type ?? "*"}`) ?? [...work.values()].find((w) => w.queue === queue);
    if (!fits?.handle_time.fit) {
      throw new CalibrationError(
        `no handling with an observed handle time for ${queue} (nor any queue) in the period`,
      );
    }
    const tierKind = mode(
      segment.kinds.map((k) => `${k.work_type}|${tierOf(policy, queue, k.work_type, k.priority)}`),
    ) as string;
    const [tierWorkType, tier] = tierKind.split("|") as [string, string];
    const targets =
      settings.sla[tierWorkType as "standard"][tier as "default"] ??
      settings.sla[tierWorkType as "standard"].default;
    calendarsUsed.add(settings.calendar);
    const share = ratio(segment.entries.length, entries.filter((e) => e.queue === queue).length);
    const dailyVolume = roundTo((queueDaily.get(queue) ?? 0) * share, 4);
    const arrivals: ScenarioInput["queues"][number]["arrivals"] = {
      daily_volume: dailyVolume,
      zone: queueZone(queue),
      ...(profiles.has(queue) ? { profile: profiles.get(queue) } : {}),
    };
    if (options.volumes === "dated") {
      const clock = zoneClock(queueZone(queue));
      const dates: Record<string, number> = {};
      for (const date of localDates(queueZone(queue), period.fromMs, period.toMs)) dates[date] = 0;
      for (const entry of segment.entries) {
        const date = new Date(clock.toLocal(entry.at.getTime())).toISOString().slice(0, 10);
        dates[date] = (dates[date] ?? 0) + 1;
      }
      arrivals.dates = dates;
    }
    const urgent = segment.tier === "p1" || segment.tier === "p2";
    const spec: ScenarioInput["queues"][number] = {
      name,
      priority: split === "tier" ? (urgent ? 1 : 2) : 1,
      arrivals,
      handle_time: lognormalSpec(fits.handle_time.fit),
      sla: {
        target: targets.resolve_within,
        calendar: settings.calendar,
        measure: "resolution",
        attainment_target: Math.min(0.9999, Math.max(0.0001, targets.goal)),
      },
      rework_probability: fits.rework_probability,
    };
    if (fits.dependency.probability > 0 && fits.dependency.wait.fit && fits.dependency.party) {
      spec.dependency = {
        probability: fits.dependency.probability,
        party: fits.dependency.party,
        wait: lognormalSpec(fits.dependency.wait.fit),
        pauses_sla: fits.dependency.pauses_sla,
        ...(fits.followup_handle_time.fit && fits.followup_handle_time.level !== "all"
          ? { followup_handle_time: lognormalSpec(fits.followup_handle_time.fit) }
          : {}),
      };
    }
    if (fits.reopen.probability > 0 && fits.reopen.delay.fit) {
      spec.reopen = { probability: fits.reopen.probability, delay: lognormalSpec(fits.reopen.delay.fit) };
    }
    if (segment.backlog.length > 0) {
      spec.initial_backlog = {
        cases: segment.backlog.length,
        age: {
          kind: "empirical",
          values: segment.backlog.map((s) =>
            Math.max(0, Math.round((backlogAtMs - s.entered_at.getTime()) / 1000)),
          ),
        },
      };
    }
    scenarioQueues.push(spec);
    segmentInfos.push({
      name,
      queue,
      work_type: segment.work_type,
      tier: segment.tier,
      entries: segment.entries.length,
      daily_volume: dailyVolume,
      target_s: targets.resolve_within,
      goal: targets.goal,
      backlog: segment.backlog.length,
    });
  }

  // --- staff ----------------------------------------------------------------------------------------
  const roster = buildRoster(shiftRows, period, rosterMode);
  const staff: ScenarioInput["staff"] = [];
  const served = new Set<string>();
  for (const group of roster.groups) {
    const skills = segmentNames.filter((s) => group.queues.includes(queueOfSegment(s)));
    if (skills.length === 0) {
      notes.push(
        `group ${group.group} (${group.team}) has no skill in a queue with work in the period: left out`,
      );
      continue;
    }
    for (const s of skills) served.add(s);
    staff.push({ group: group.group, skills, shrinkage: group.shrinkage, shifts: group.shifts });
  }
  const unserved = segmentNames.filter((s) => !served.has(s));
  if (unserved.length > 0) {
    notes.push(
      `nobody rostered in the period has the skill for ${[...new Set(unserved.map(queueOfSegment))].join(", ")}: an unstaffed group of 0 agents holds them`,
    );
    staff.push({ group: "unstaffed", skills: unserved, agents: 0 });
  }
  if (roster.groups.length === 0) notes.push("no rostered shifts in the period");

  const calendars: NonNullable<ScenarioInput["calendars"]> = {};
  for (const name of [...calendarsUsed].sort()) calendars[name] = policyCalendar(policy, name);
  Object.assign(calendars, roster.calendars);

  const transferNote = queueReports
    .filter((q) => q.transfer_rate > 0)
    .map((q) => `${q.queue} ${(q.transfer_rate * 100).toFixed(1)}%`)
    .join(", ");
  const horizon_s = Math.round((period.toMs - period.fromMs) / 1000);
  const interval_s = options.interval_s ?? 3600;
  const spec: ScenarioInput = {
    name: options.name ?? `calibrated-${options.from}-${options.to}`,
    description:
      `Calibrated by orderops calibrate from ${warehouse.path}, ${options.from} to ${options.to} (${zone}); ` +
      `segments by ${split}, ${rosterMode} roster. Handle times, dependency waits and reopen delays are lognormal ` +
      `maximum-likelihood fits. Transfers out (not modelled as such; the receiving queues' arrivals include them): ${transferNote || "none"}.`,
    start: `${options.from}T00:00`,
    zone,
    horizon: horizon_s,
    interval: interval_s,
    replications: options.replications ?? 5,
    seed: options.seed ?? 1,
    routing: split === "tier" ? "priority" : "fifo",
    calendars,
    queues: scenarioQueues,
    staff,
  };
  const checked = ScenarioSpec.safeParse(spec);
  if (!checked.success) {
    throw new CalibrationError(
      `the calibrated scenario does not validate: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
  }
  return {
    spec,
    period,
    report: {
      from: options.from,
      to: options.to,
      zone,
      start: new Date(period.fromMs).toISOString(),
      end: new Date(period.toMs).toISOString(),
      split,
      roster: rosterMode,
      fit_method: "lognormal maximum likelihood",
      queues: queueReports,
      segments: segmentInfos,
      work: [...work.values()],
      groups: roster.groups.map(({ shifts: _shifts, ...rest }) => rest),
      notes,
    },
  };
}
