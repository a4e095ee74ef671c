/**
 * The actual roster as scenario staff groups.
 *
 * - A **group** is the people of one team with one set of skills (agents' `team` and `skills`); only
 *   people with rostered `work` or `overtime` shifts in the period count.
 * - A shift **pattern** is a start and end time of day in the agent's own time zone (shifts follow
 *   the local clock through DST, as the simulator's do).
 * - `pattern` roster (a typical week, for planning): for each group, pattern and weekday, the mean
 *   number of agents on that weekday over the period (shifts ÷ occurrences of the weekday), rounded;
 *   weekdays with the same count share one shift entry.
 * - `dated` roster (the period exactly, for a backtest): for each group and pattern, layer k runs on
 *   the dates on which at least k agents worked it; layers with the same dates merge (agents add up).
 *   A layer runs on its weekdays and skips the other dates through a calendar of "holidays"
 *   (`skip_holidays_of`), so the simulated period has exactly the agents the roster had, date by date.
 * - **Shrinkage**: `training` and `meeting` time as a share of the group's work time (the simulator
 *   takes it off by error diffusion, so the agent-hours lost match over the run).
 */
import type { ScenarioInput } from "../scenario.ts";
import { zoneClock } from "../time-zone.ts";
import type { ShiftRow } from "./extract.ts";

type StaffInput = ScenarioInput["staff"][number];
type ShiftInput = NonNullable<StaffInput["shifts"]>[number];
type CalendarInput = NonNullable<ScenarioInput["calendars"]>[string];

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const DAY_MS = 86_400_000;
const WORK = new Set(["work", "overtime"]);
const AWAY = new Set(["training", "meeting"]);

export interface RosterGroup {
  /** Scenario name of the group (lower_snake_case of the team, numbered when a team has several skill sets). */
  group: string;
  team: string;
  /** Warehouse queues the group's people are skilled in. */
  queues: string[];
  agents: number;
  shifts: ShiftInput[];
  shrinkage: number;
  /** Rostered work hours in the period. */
  work_hours: number;
}

export interface Roster {
  groups: RosterGroup[];
  /** Calendars that only carry the dates a dated shift does not run. */
  calendars: Record<string, CalendarInput>;
}

interface LocalShift {
  date: string;
  weekday: number;
  start: string;
  end: string;
}

function localShift(row: ShiftRow): LocalShift {
  const clock = zoneClock(row.time_zone);
  const start = clock.toLocal(row.starts_at.getTime());
  const end = clock.toLocal(row.ends_at.getTime());
  const hhmm = (local: number) => new Date(local).toISOString().slice(11, 16);
  const date = new Date(start).toISOString().slice(0, 10);
  return { date, weekday: (new Date(start).getUTCDay() + 6) % 7, start: hhmm(start), end: hhmm(end) };
}

/** Local dates (YYYY-MM-DD) of `zone` whose midnight-to-midnight overlaps [fromMs, toMs). */
export function localDates(zone: string, fromMs: number, toMs: number): string[] {
  const clock = zoneClock(zone);
  const first = new Date(clock.toLocal(fromMs)).toISOString().slice(0, 10);
  const last = new Date(clock.toLocal(toMs - 1)).toISOString().slice(0, 10);
  const dates: string[] = [];
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= Date.parse(`${last}T00:00:00Z`); t += DAY_MS) {
    dates.push(new Date(t).toISOString().slice(0, 10));
  }
  return dates;
}

/**
 * Whole numbers with the same (rounded) sum as `values`, each the floor or the ceiling of its value:
 * the remainder goes to the largest fractional parts (ties: the earlier weekday), so a week of
 * 2.5-agent days keeps its agent-days instead of rounding every day the same way.
 */
export function largestRemainder(values: readonly number[]): number[] {
  const floors = values.map((v) => Math.floor(v + 1e-9));
  let remainder = Math.round(values.reduce((a, b) => a + b, 0)) - floors.reduce((a, b) => a + b, 0);
  const order = values
    .map((v, i) => ({ i, fraction: v - (floors[i] as number) }))
    .sort((a, b) => b.fraction - a.fraction || a.i - b.i);
  for (const { i } of order) {
    if (remainder <= 0) break;
    floors[i] = (floors[i] as number) + 1;
    remainder--;
  }
  return floors;
}

const weekdayOf = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;

export function snakeName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
  return /^[a-z]/.test(name) ? name : `g_${name || "group"}`;
}

function dayList(weekdays: Iterable<number>): ShiftInput["days"] {
  return [...new Set(weekdays)].sort((a, b) => a - b).map((d) => WEEKDAYS[d] as (typeof WEEKDAYS)[number]);
}

function daysLabel(days: readonly string[] | undefined): string {
  if (!days) return "daily";
  return days.length === 7 ? "daily" : days.join(",");
}

/**
 * Groups and shifts from the rostered shifts of the period. `mode` is `pattern` (a typical week) or
 * `dated` (every date as it was). `period` is the simulated window; shifts starting up to a day
 * before it should be included in `rows`, so a night shift running into the first day is there.
 */
export function buildRoster(
  rows: readonly ShiftRow[],
  period: { fromMs: number; toMs: number },
  mode: "pattern" | "dated",
): Roster {
  const byGroup = new Map<string, { team: string; queues: string[]; rows: ShiftRow[] }>();
  for (const row of rows) {
    const queues = [...new Set(row.skills)].sort();
    const key = `${row.team ?? "unassigned"}|${queues.join(",")}`;
    let entry = byGroup.get(key);
    if (!entry) {
      entry = { team: row.team ?? "unassigned", queues, rows: [] };
      byGroup.set(key, entry);
    }
    entry.rows.push(row);
  }
  const usedNames = new Set<string>();
  const calendars: Record<string, CalendarInput> = {};
  const calendarByDates = new Map<string, string>();
  const skipCalendar = (zone: string, dates: string[]): string => {
    const key = `${zone}|${dates.join(",")}`;
    let name = calendarByDates.get(key);
    if (!name) {
      name = `roster_off_${calendarByDates.size + 1}`;
      calendarByDates.set(key, name);
      calendars[name] = {
        zone,
        hours: [{ days: [...WEEKDAYS], from: "00:00", to: "24:00" }],
        holidays: dates,
      };
    }
    return name;
  };

  const groups: RosterGroup[] = [];
  for (const entry of [...byGroup.values()].sort((a, b) => a.team.localeCompare(b.team))) {
    const work = entry.rows.filter((r) => WORK.has(r.activity));
    if (work.length === 0 || entry.queues.length === 0) continue;
    let name = snakeName(entry.team);
    for (let i = 2; usedNames.has(name); i++) name = `${snakeName(entry.team)}_${i}`;
    usedNames.add(name);
    const hours = (r: ShiftRow) => (r.ends_at.getTime() - r.starts_at.getTime()) / 3_600_000;
    const inPeriod = (r: ShiftRow) =>
      r.starts_at.getTime() >= period.fromMs && r.starts_at.getTime() < period.toMs;
    const workHours = work.filter(inPeriod).reduce((a, r) => a + hours(r), 0);
    const awayHours = entry.rows
      .filter((r) => AWAY.has(r.activity) && inPeriod(r))
      .reduce((a, r) => a + hours(r), 0);
    const shrinkage = workHours > 0 ? Math.min(0.9, Math.round((awayHours / workHours) * 1e4) / 1e4) : 0;

    // pattern key → zone, start, end, and agents per local date
    const patterns = new Map<
      string,
      { zone: string; start: string; end: string; perDate: Map<string, number> }
    >();
    for (const row of work) {
      const local = localShift(row);
      if (local.start === local.end) continue;
      const key = `${row.time_zone}|${local.start}|${local.end}`;
      let pattern = patterns.get(key);
      if (!pattern) {
        pattern = { zone: row.time_zone, start: local.start, end: local.end, perDate: new Map() };
        patterns.set(key, pattern);
      }
      pattern.perDate.set(local.date, (pattern.perDate.get(local.date) ?? 0) + 1);
    }

    const shifts: ShiftInput[] = [];
    for (const pattern of [...patterns.values()].sort(
      (a, b) => a.start.localeCompare(b.start) || a.end.localeCompare(b.end) || a.zone.localeCompare(b.zone),
    )) {
      const span = `${pattern.start}-${pattern.end}`;
      if (mode === "pattern") {
        // Mean agents per weekday over the weekday's occurrences in the period (in the shift's zone).
        // Whole local days inside the period only: a zone ahead of the period's has a partial first day.
        const all = localDates(pattern.zone, period.fromMs, period.toMs);
        const clock = zoneClock(pattern.zone);
        const whole = all.filter((date) => {
          const start = clock.toUtc(Date.parse(`${date}T00:00:00Z`));
          const end = clock.toUtc(Date.parse(`${date}T00:00:00Z`) + DAY_MS);
          return start >= period.fromMs && end <= period.toMs;
        });
        const dates = whole.length > 0 ? whole : all;
        const occurrences = new Array(7).fill(0) as number[];
        for (const date of dates) occurrences[weekdayOf(date)] = (occurrences[weekdayOf(date)] as number) + 1;
        const totals = new Array(7).fill(0) as number[];
        for (const [date, n] of pattern.perDate) {
          if (!dates.includes(date)) continue;
          totals[weekdayOf(date)] = (totals[weekdayOf(date)] as number) + n;
        }
        const means = totals.map((total, weekday) => total / Math.max(1, occurrences[weekday] as number));
        const byCount = new Map<number, number[]>();
        largestRemainder(means).forEach((rounded, weekday) => {
          // A weekday the pattern ran on keeps at least one agent: rounding must not open a gap in cover.
          const count = (means[weekday] as number) > 0 ? Math.max(1, rounded) : 0;
          if (count > 0) byCount.set(count, [...(byCount.get(count) ?? []), weekday]);
        });
        for (const [agents, weekdays] of [...byCount.entries()].sort((a, b) => b[0] - a[0])) {
          const days = dayList(weekdays);
          shifts.push({
            name: `${span} ${daysLabel(days)}`,
            zone: pattern.zone,
            days,
            start: pattern.start,
            end: pattern.end,
            agents,
          });
        }
      } else {
        const dates = localDates(pattern.zone, period.fromMs - DAY_MS, period.toMs + DAY_MS);
        const most = Math.max(...pattern.perDate.values());
        let previous: { dates: string; shift: ShiftInput } | undefined;
        for (let k = 1; k <= most; k++) {
          const on = dates.filter((d) => (pattern.perDate.get(d) ?? 0) >= k);
          const key = on.join(",");
          if (previous && previous.dates === key) {
            previous.shift.agents = (previous.shift.agents as number) + 1;
            continue;
          }
          const weekdays = new Set(on.map(weekdayOf));
          const days = dayList(weekdays);
          const off = dates.filter((d) => weekdays.has(weekdayOf(d)) && !on.includes(d));
          const shift: ShiftInput = {
            name: `${span} ${daysLabel(days)} #${k}`,
            zone: pattern.zone,
            days,
            start: pattern.start,
            end: pattern.end,
            agents: 1,
            ...(off.length > 0 ? { skip_holidays_of: skipCalendar(pattern.zone, off) } : {}),
          };
          shifts.push(shift);
          previous = { dates: key, shift };
        }
      }
    }
    if (shifts.length === 0) continue;
    groups.push({
      group: name,
      team: entry.team,
      queues: entry.queues,
      agents: new Set(work.map((r) => r.agent_id)).size,
      shifts,
      shrinkage,
      work_hours: Math.round(workHours * 10) / 10,
    });
  }
  return { groups, calendars };
}
