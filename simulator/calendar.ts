/**
 * Business calendars for SLA clocks in the simulator: an IANA zone, weekly business spans and
 * holidays, and the two operations an SLA needs — business seconds between two instants, and the
 * instant a business duration after another (a due time).
 *
 * Deliberately self-contained: the warehouse's policy calendars (models/policy) answer the same
 * question for real cases, but a scenario must run with no warehouse at all, so this keeps its own
 * small schema. Times are simulation seconds from the scenario's start instant (`epochMs`).
 */
import { z } from "zod";
import { TimeZoneName, ZoneClock, zoneClock } from "./time-zone.ts";

const DAY_MS = 86_400_000;

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const Weekday = z.enum(WEEKDAYS);
export type Weekday = z.infer<typeof Weekday>;

/** "HH:MM" on a 24-hour clock; "24:00" is the end of the day. */
export const ClockTime = z
  .string()
  .regex(/^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a time of day is "HH:MM" from 00:00 to 24:00');

/** Minutes after midnight of a validated "HH:MM". */
export function clockMinutes(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

export const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is "YYYY-MM-DD"')
  .refine((text) => {
    const date = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
  }, "is not a calendar date");

/** Business hours on some weekdays; `to` at or before `from` runs past midnight into the next day. */
export const WeeklySpan = z
  .strictObject({ days: z.array(Weekday).min(1), from: ClockTime, to: ClockTime })
  .refine((span) => span.from !== span.to, { message: "from and to must differ", path: ["to"] });
export type WeeklySpan = z.infer<typeof WeeklySpan>;

export const CalendarSpec = z.strictObject({
  zone: TimeZoneName.meta({ description: "IANA time zone the hours and holidays are read in." }),
  hours: z.array(WeeklySpan).min(1).meta({ description: "Weekly business spans." }),
  holidays: z
    .array(IsoDate)
    .default([])
    .meta({ description: "Local dates with no business hours (spans starting that day are dropped)." }),
});
export type CalendarSpec = z.infer<typeof CalendarSpec>;

/** Business-time arithmetic over simulation seconds. */
export interface BusinessClock {
  /** True when every second is a business second (then between/add are plain arithmetic). */
  readonly alwaysOpen: boolean;
  /** Business seconds in [from, to); 0 when to ≤ from. */
  between(from: number, to: number): number;
  /** The earliest instant at which `seconds` business seconds have passed since `from`. */
  add(from: number, seconds: number): number;
  /**
   * The same calendar with its own state. A calendar compiles its spans as far as it is asked, and
   * the arithmetic can differ in the last bit with the span it starts counting from, so each
   * replication takes its own, independent of what ran before it.
   */
  fork(): BusinessClock;
}

/** The built-in "24x7" calendar: every second counts. */
export const ALWAYS_OPEN: BusinessClock = {
  alwaysOpen: true,
  between: (from, to) => (to > from ? to - from : 0),
  add: (from, seconds) => from + seconds,
  fork: () => ALWAYS_OPEN,
};

/** How many weeks to add each time an instant outside the compiled spans is asked for. */
const EXTEND_WEEKS = 8;

/**
 * A weekly calendar compiled to explicit spans (simulation seconds) over a range of local days that
 * grows on demand in either direction (due times run past the horizon; an initial backlog starts
 * before it). Lookups are binary searches over span starts with cumulative business seconds.
 */
export class BusinessCalendar implements BusinessClock {
  readonly alwaysOpen = false;
  private readonly clock: ZoneClock;
  private readonly holidays: Set<string>;
  private readonly rules: { weekdays: Set<number>; fromMs: number; toMs: number }[];
  private firstDay = 0; // local midnight (localMs) of the first compiled day
  private lastDay = -1; // local midnight of the day after the last compiled day
  private starts = new Float64Array(0);
  private ends = new Float64Array(0);
  /** Business seconds in all spans before span i. */
  private before = new Float64Array(0);

  constructor(
    private readonly spec: CalendarSpec,
    private readonly epochMs: number,
  ) {
    this.clock = zoneClock(spec.zone);
    this.holidays = new Set(spec.holidays);
    this.rules = spec.hours.map((span) => {
      const fromMs = clockMinutes(span.from) * 60_000;
      let toMs = clockMinutes(span.to) * 60_000;
      if (toMs <= fromMs) toMs += DAY_MS;
      return { weekdays: new Set(span.days.map((day) => WEEKDAYS.indexOf(day))), fromMs, toMs };
    });
    const startDay = ZoneClock.dayStart(this.clock.toLocal(epochMs));
    this.compile(startDay - 7 * DAY_MS, startDay + EXTEND_WEEKS * 7 * DAY_MS);
  }

  fork(): BusinessCalendar {
    return new BusinessCalendar(this.spec, this.epochMs);
  }

  between(from: number, to: number): number {
    if (!(to > from)) return 0;
    this.cover(from);
    this.cover(to);
    return this.elapsedAt(to) - this.elapsedAt(from);
  }

  add(from: number, seconds: number): number {
    if (seconds <= 0) return from;
    this.cover(from);
    const target = this.elapsedAt(from) + seconds;
    while (this.totalElapsed() < target)
      this.compile(this.firstDay, this.lastDay + EXTEND_WEEKS * 7 * DAY_MS);
    // The first span whose end reaches the target holds the due instant.
    const starts = this.starts;
    const ends = this.ends;
    const before = this.before;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const endElapsed = (before[mid] as number) + (ends[mid] as number) - (starts[mid] as number);
      if (endElapsed >= target) hi = mid;
      else lo = mid + 1;
    }
    return (starts[lo] as number) + (target - (before[lo] as number));
  }

  /** Business seconds from the first compiled span to t (t must be covered). */
  private elapsedAt(t: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    if (hi < 0 || t <= (starts[0] as number)) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= t) lo = mid;
      else hi = mid - 1;
    }
    const start = starts[lo] as number;
    const end = this.ends[lo] as number;
    return (this.before[lo] as number) + Math.min(t, end) - start;
  }

  private totalElapsed(): number {
    const last = this.starts.length - 1;
    if (last < 0) return 0;
    return (this.before[last] as number) + (this.ends[last] as number) - (this.starts[last] as number);
  }

  /** Makes sure spans are compiled around t, with two days' margin for offsets and overnight spans. */
  private cover(t: number): void {
    const local = this.clock.toLocal(this.epochMs + t * 1000);
    while (local < this.firstDay + 2 * DAY_MS) {
      this.compile(this.firstDay - EXTEND_WEEKS * 7 * DAY_MS, this.lastDay);
    }
    while (local > this.lastDay - 2 * DAY_MS) {
      this.compile(this.firstDay, this.lastDay + EXTEND_WEEKS * 7 * DAY_MS);
    }
  }

  /** Rebuilds the spans for local days [firstDay, lastDay): rare, so simplicity beats incrementality. */
  private compile(firstDay: number, lastDay: number): void {
    const spans: [number, number][] = [];
    for (let day = firstDay; day < lastDay; day += DAY_MS) {
      if (this.holidays.has(new Date(day).toISOString().slice(0, 10))) continue;
      const weekday = ZoneClock.weekday(day);
      for (const rule of this.rules) {
        if (!rule.weekdays.has(weekday)) continue;
        const start = (this.clock.toUtc(day + rule.fromMs) - this.epochMs) / 1000;
        const end = (this.clock.toUtc(day + rule.toMs) - this.epochMs) / 1000;
        if (end > start) spans.push([start, end]);
      }
    }
    spans.sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const span of spans) {
      const last = merged[merged.length - 1];
      if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
      else merged.push([span[0], span[1]]);
    }
    this.starts = Float64Array.from(merged, (span) => span[0]);
    this.ends = Float64Array.from(merged, (span) => span[1]);
    this.before = new Float64Array(merged.length);
    let elapsed = 0;
    for (let i = 0; i < merged.length; i++) {
      this.before[i] = elapsed;
      elapsed += (this.ends[i] as number) - (this.starts[i] as number);
    }
    this.firstDay = firstDay;
    this.lastDay = lastDay;
  }
}
