/**
 * Business calendars expanded into spans of instants: one row per business span per local day, with a
 * running count of business seconds, so that business time between two instants (and its inverse, a due
 * time) is two range lookups in SQL rather than a walk over minutes (see business-time-sql.ts).
 *
 * Definitions (docs/policy.md, "Business time"):
 * - A span written "08:00-20:00" under `mon` is the set of instants from the moment the calendar's
 *   local clock first shows Monday 08:00 to the moment it first shows Monday 20:00. Business time is
 *   counted in real elapsed seconds between those instants, so a span that contains a DST change is an
 *   hour shorter (spring forward) or longer (fall back) than its wall-clock length; spans that do not
 *   contain the change (08:00-20:00 in New York or Berlin, whose clocks change at night) are unaffected.
 * - A local time the clocks skip (02:30 on a spring-forward night) maps to the instant of the jump; a
 *   local time that occurs twice (01:30 on a fall-back night) maps to its first occurrence. Both are "the
 *   first instant the local clock shows that time or later", which keeps span ends in order.
 * - A span whose end is before its start runs past midnight: "22:00-06:00" under `mon` ends Tuesday
 *   06:00. It belongs to the day it starts on: a holiday removes the spans that start on that date, so
 *   a night span starting on a holiday's eve runs to its end.
 * - The table covers [local midnight starting `from`, local midnight ending `to`] of each calendar's
 *   zone; spans are clipped to it. Instants outside it have no business clock (NULL in SQL).
 */
import { dateValue, timestampTZValue } from "@duckdb/node-api";
import type { Warehouse } from "../../ingest/warehouse.ts";
import { type Calendar, WEEKDAYS } from "../policy/schema.ts";

export const CALENDAR_SPANS_TABLE = "calendar_spans";
export const CALENDAR_COVERAGE_TABLE = "calendar_coverage";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Local dates, both included, YYYY-MM-DD. */
export interface DateRange {
  from: string;
  to: string;
}

/** One row of `calendar_spans`; instants in epoch milliseconds. */
export interface BusinessSpan {
  calendar: string;
  /** The local date whose weekly hours produced the span (the day it starts on). */
  local_date: string;
  span_start: number;
  span_end: number;
  /** Length in seconds. */
  span_s: number;
  /** Business seconds of this calendar from the start of coverage to span_start. */
  business_s_at_start: number;
  /** business_s_at_start + span_s. */
  business_s_at_end: number;
}

/** One row of `calendar_coverage`: the instants the calendar's spans were generated for. */
export interface CalendarCoverage {
  calendar: string;
  time_zone: string;
  covered_from: number;
  covered_to: number;
  business_s_total: number;
}

/** `calendar_spans` as the warehouse returns it (for the models' `Database` interface). */
export interface CalendarSpansTable {
  calendar: string;
  local_date: string;
  span_start: Date;
  span_end: Date;
  span_s: number;
  business_s_at_start: number;
  business_s_at_end: number;
}

/** `calendar_coverage` as the warehouse returns it. */
export interface CalendarCoverageTable {
  calendar: string;
  time_zone: string;
  covered_from: Date;
  covered_to: Date;
  business_s_total: number;
}

export interface ExpandedCalendar {
  spans: BusinessSpan[];
  coverage: CalendarCoverage;
}

/** Expands one calendar over a range of its local dates (per day, never per minute). */
export function expandCalendar(name: string, calendar: Calendar, range: DateRange): ExpandedCalendar {
  const firstDay = dayNumber(range.from, "from");
  const lastDay = dayNumber(range.to, "to");
  if (lastDay < firstDay)
    throw new RangeError(`calendar range ends (${range.to}) before it starts (${range.from})`);
  const zone = calendar.time_zone;
  const coveredFrom = localWallTimeToInstant(zone, firstDay * DAY_MS);
  const coveredTo = localWallTimeToInstant(zone, (lastDay + 1) * DAY_MS);
  const holidays = holidayDays(calendar, firstDay - 1, lastDay);

  const spans: BusinessSpan[] = [];
  let businessSeconds = 0;
  // The day before the range too: its spans that run past midnight reach into the first day.
  for (let day = firstDay - 1; day <= lastDay; day++) {
    if (holidays.has(day)) continue;
    const weekday = WEEKDAYS[(new Date(day * DAY_MS).getUTCDay() + 6) % 7] ?? "mon";
    for (const hours of calendar.hours[weekday] ?? []) {
      const start = Math.max(
        coveredFrom,
        localWallTimeToInstant(zone, day * DAY_MS + hours.start_min * MINUTE_MS),
      );
      const end = Math.min(coveredTo, localWallTimeToInstant(zone, day * DAY_MS + hours.end_min * MINUTE_MS));
      // Empty when clipped away, or when the whole span falls in a skipped hour.
      if (end <= start) continue;
      const previous = spans.at(-1);
      if (previous && start < previous.span_end) {
        // The schema rejects overlapping weekly hours and wall time maps to instants in order, so this
        // would be a bug here; the SQL relies on spans being disjoint and ordered.
        throw new Error(
          `calendar ${name}: span at ${new Date(start).toISOString()} overlaps the previous one`,
        );
      }
      const span_s = Math.round((end - start) / 1000);
      spans.push({
        calendar: name,
        local_date: isoDate(day),
        span_start: start,
        span_end: end,
        span_s,
        business_s_at_start: businessSeconds,
        business_s_at_end: businessSeconds + span_s,
      });
      businessSeconds += span_s;
    }
  }
  return {
    spans,
    coverage: {
      calendar: name,
      time_zone: zone,
      covered_from: coveredFrom,
      covered_to: coveredTo,
      business_s_total: businessSeconds,
    },
  };
}

/**
 * Writes `calendar_spans` and `calendar_coverage` (replacing them) for every calendar over the range, in
 * bulk through DuckDB's appender.
 */
export async function materializeCalendarSpans(
  warehouse: Warehouse,
  calendars: Readonly<Record<string, Calendar>>,
  range: DateRange,
): Promise<{ calendars: number; spans: number }> {
  const expanded = Object.entries(calendars).map(([name, calendar]) => expandCalendar(name, calendar, range));
  await warehouse.run(`CREATE OR REPLACE TABLE ${CALENDAR_SPANS_TABLE} (
    calendar VARCHAR NOT NULL,
    local_date DATE NOT NULL,
    span_start TIMESTAMPTZ NOT NULL,
    span_end TIMESTAMPTZ NOT NULL,
    span_s BIGINT NOT NULL,
    business_s_at_start BIGINT NOT NULL,
    business_s_at_end BIGINT NOT NULL
  )`);
  await warehouse.run(`CREATE OR REPLACE TABLE ${CALENDAR_COVERAGE_TABLE} (
    calendar VARCHAR NOT NULL PRIMARY KEY,
    time_zone VARCHAR NOT NULL,
    covered_from TIMESTAMPTZ NOT NULL,
    covered_to TIMESTAMPTZ NOT NULL,
    business_s_total BIGINT NOT NULL
  )`);
  const spans = await warehouse.connection.createAppender(CALENDAR_SPANS_TABLE);
  try {
    for (const { spans: rows } of expanded) {
      for (const span of rows) {
        spans.appendVarchar(span.calendar);
        spans.appendDate(dateValue(dayNumber(span.local_date, "local_date")));
        spans.appendTimestampTZ(instantValue(span.span_start));
        spans.appendTimestampTZ(instantValue(span.span_end));
        spans.appendBigInt(BigInt(span.span_s));
        spans.appendBigInt(BigInt(span.business_s_at_start));
        spans.appendBigInt(BigInt(span.business_s_at_end));
        spans.endRow();
      }
    }
    spans.flushSync();
  } finally {
    spans.closeSync();
  }
  const coverage = await warehouse.connection.createAppender(CALENDAR_COVERAGE_TABLE);
  try {
    for (const { coverage: row } of expanded) {
      coverage.appendVarchar(row.calendar);
      coverage.appendVarchar(row.time_zone);
      coverage.appendTimestampTZ(instantValue(row.covered_from));
      coverage.appendTimestampTZ(instantValue(row.covered_to));
      coverage.appendBigInt(BigInt(row.business_s_total));
      coverage.endRow();
    }
    coverage.flushSync();
  } finally {
    coverage.closeSync();
  }
  return { calendars: expanded.length, spans: expanded.reduce((n, e) => n + e.spans.length, 0) };
}

/**
 * The first instant (epoch ms) at which the zone's local clock shows `wallMs` or later, where `wallMs`
 * is the local date and time written as if it were UTC (Date.UTC(y, m - 1, d, h, min)). For an ordinary
 * local time that is the one instant showing it; for a time shown twice (fall back) the first; for a
 * time the clocks skip (spring forward) the instant of the jump.
 */
export function localWallTimeToInstant(timeZone: string, wallMs: number): number {
  // Offsets a day either side bracket any single transition near this time.
  const offsetBefore = utcOffsetMs(timeZone, wallMs - DAY_MS);
  const offsetAfter = utcOffsetMs(timeZone, wallMs + DAY_MS);
  // No change of offset in the two days around: the one candidate (nearly every call).
  if (offsetBefore === offsetAfter) return wallMs - offsetBefore;
  const candidates = [wallMs - offsetBefore, wallMs - offsetAfter]
    .filter((instant) => instant + utcOffsetMs(timeZone, instant) === wallMs)
    .sort((a, b) => a - b);
  if (candidates[0] !== undefined) return candidates[0];
  // Skipped: the local clock jumps over wallMs between these two instants; find the jump to the second.
  let below = Math.min(wallMs - offsetBefore, wallMs - offsetAfter);
  let above = Math.max(wallMs - offsetBefore, wallMs - offsetAfter);
  if (below + utcOffsetMs(timeZone, below) >= wallMs || above + utcOffsetMs(timeZone, above) < wallMs) {
    throw new Error(`cannot place local time ${new Date(wallMs).toISOString().slice(0, 16)} in ${timeZone}`);
  }
  while (above - below > 1000) {
    const middle = below + Math.floor((above - below) / 2000) * 1000;
    if (middle + utcOffsetMs(timeZone, middle) >= wallMs) above = middle;
    else below = middle;
  }
  return above;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at an instant, in ms (local = instant + offset), to the second. */
export function utcOffsetMs(timeZone: string, instant: number): number {
  let format = offsetFormatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormatters.set(timeZone, format);
  }
  const wholeSecond = Math.floor(instant / 1000) * 1000;
  const part: Record<string, number> = {};
  for (const { type, value } of format.formatToParts(wholeSecond)) part[type] = Number(value);
  const local = Date.UTC(
    part.year ?? 0,
    (part.month ?? 1) - 1,
    part.day ?? 1,
    part.hour ?? 0,
    part.minute ?? 0,
    part.second ?? 0,
  );
  return local - wholeSecond;
}

/** Days since 1970-01-01 of the holiday dates that fall within [firstDay, lastDay]. */
function holidayDays(calendar: Calendar, firstDay: number, lastDay: number): Set<number> {
  const days = new Set<number>();
  for (const holiday of calendar.holidays) {
    const from = Math.max(firstDay, dayNumber(holiday.from, "holiday"));
    const to = Math.min(lastDay, dayNumber(holiday.to, "holiday"));
    for (let day = from; day <= to; day++) days.add(day);
  }
  return days;
}

function dayNumber(date: string, what: string): number {
  const ms = Date.parse(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(ms)) {
    throw new RangeError(`${what}: expected a date as YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
  return Math.round(ms / DAY_MS);
}

function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function instantValue(ms: number) {
  return timestampTZValue(BigInt(ms) * 1000n);
}
