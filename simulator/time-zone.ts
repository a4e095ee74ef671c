/**
 * Wall-clock time in IANA time zones without a date library: the UTC offsets a zone uses over time,
 * found once through Intl and then looked up by binary search.
 *
 * Why precompute: a scenario places shifts, business hours and hourly arrival rates in local time for
 * every day of up to several years. Asking Intl for each of those instants would be slow; a zone
 * changes offset at most a few times a year, so we sample each day once, bisect to the second where
 * the offset changed, and afterwards every conversion is arithmetic.
 */

import { z } from "zod";
import { isIanaTimeZone } from "../ingest/time-zone.ts";

const DAY_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** Whether a name is an IANA zone this runtime knows (the project's one definition, in ingest/). */
export const isTimeZone = isIanaTimeZone;

/** An IANA zone name that this Node's Intl knows, e.g. "Europe/London". */
export const TimeZoneName = z
  .string()
  .refine(isTimeZone, { message: "is not an IANA time zone (e.g. Europe/London, America/New_York, UTC)" });

/** Offset (local − UTC, ms) of `zone` at the UTC instant `utcMs`, straight from Intl. */
function intlOffsetMs(zone: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(whole))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const wallAsUtc = Date.UTC(
    parts.year as number,
    (parts.month as number) - 1,
    parts.day as number,
    parts.hour as number,
    parts.minute as number,
    parts.second as number,
  );
  return wallAsUtc - whole;
}

/**
 * One zone's offsets, extended a year at a time as instants further out are asked for. `localMs`
 * values are wall-clock times written as if they were UTC (Date.UTC of the local fields), so that
 * local day and hour arithmetic is plain integer arithmetic.
 */
export class ZoneClock {
  /** Instants (UTC ms) where an offset starts, ascending; offsets[i] applies from starts[i]. */
  private starts: number[] = [];
  private offsets: number[] = [];
  private fromYear = 0;
  private toYear = -1; // covered UTC years: [fromYear, toYear]
  // The same span in UTC ms, [coveredFromMs, coveredToMs): most instants asked about fall inside, and
  // checking that needs no Date (compiling a year's scenario asks some hundreds of thousands of times).
  private coveredFromMs = 0;
  private coveredToMs = 0;

  constructor(readonly zone: string) {
    if (!isTimeZone(zone)) throw new RangeError(`${zone} is not an IANA time zone`);
  }

  /** Offset (local − UTC, ms) in force at the UTC instant `utcMs`. */
  offsetAt(utcMs: number): number {
    this.cover(utcMs);
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((starts[mid] as number) <= utcMs) lo = mid;
      else hi = mid - 1;
    }
    return this.offsets[lo] as number;
  }

  toLocal(utcMs: number): number {
    return utcMs + this.offsetAt(utcMs);
  }

  /**
   * The UTC instant of a wall-clock time. A time skipped by a spring-forward change moves forward by
   * the length of the gap (02:30 becomes 03:30, as Temporal's "compatible" rule does); a time that
   * happens twice at a fall-back change resolves to the first.
   */
  toUtc(localMs: number): number {
    const before = localMs - this.offsetAt(localMs - 14 * 3_600_000);
    const after = localMs - this.offsetAt(localMs + 14 * 3_600_000);
    // Try the earlier instant first: it is the first occurrence when the wall time happens twice.
    for (const candidate of before < after ? [before, after] : [after, before]) {
      if (this.toLocal(candidate) === localMs) return candidate;
    }
    // In a gap: read with the offset from before the change, which lands past the gap.
    return Math.max(before, after);
  }

  /** Local weekday (0 = Monday … 6 = Sunday) of a local time. */
  static weekday(localMs: number): number {
    return (((Math.floor(localMs / DAY_MS) + 3) % 7) + 7) % 7; // 1970-01-01 was a Thursday
  }

  /** Local midnight (as localMs) of the day holding `localMs`. */
  static dayStart(localMs: number): number {
    return Math.floor(localMs / DAY_MS) * DAY_MS;
  }

  private cover(utcMs: number): void {
    if (utcMs >= this.coveredFromMs && utcMs < this.coveredToMs) return;
    const year = new Date(utcMs).getUTCFullYear();
    if (this.toYear < this.fromYear) {
      this.fromYear = year;
      this.toYear = year - 1;
      this.starts = [Number.NEGATIVE_INFINITY];
      this.offsets = [intlOffsetMs(this.zone, Date.UTC(year, 0, 1))];
    }
    while (year > this.toYear) this.appendYear(this.toYear + 1);
    while (year < this.fromYear) this.prependYear(this.fromYear - 1);
    this.coveredFromMs = Date.UTC(this.fromYear, 0, 1);
    this.coveredToMs = Date.UTC(this.toYear + 1, 0, 1);
  }

  /** Offset changes within one UTC year, as [instant, new offset] pairs, found by daily sampling. */
  private changesIn(year: number): [number, number][] {
    const changes: [number, number][] = [];
    const start = Date.UTC(year, 0, 1);
    const end = Date.UTC(year + 1, 0, 1);
    let previous = intlOffsetMs(this.zone, start);
    for (let t = start; t < end; t += DAY_MS) {
      const next = Math.min(t + DAY_MS, end);
      const offset = intlOffsetMs(this.zone, next);
      if (offset === previous) continue;
      // Bisect to the second the new offset begins.
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2000) * 1000;
        if (intlOffsetMs(this.zone, mid) === previous) lo = mid;
        else hi = mid;
      }
      changes.push([hi, offset]);
      previous = offset;
    }
    return changes;
  }

  private appendYear(year: number): void {
    for (const [instant, offset] of this.changesIn(year)) {
      this.starts.push(instant);
      this.offsets.push(offset);
    }
    this.toYear = year;
  }

  private prependYear(year: number): void {
    const changes = this.changesIn(year);
    const startOffset = intlOffsetMs(this.zone, Date.UTC(year, 0, 1));
    this.starts = [Number.NEGATIVE_INFINITY, ...changes.map(([instant]) => instant), ...this.starts.slice(1)];
    this.offsets = [startOffset, ...changes.map(([, offset]) => offset), ...this.offsets.slice(1)];
    this.fromYear = year;
  }
}

const clocks = new Map<string, ZoneClock>();

/** A shared clock per zone (offsets are facts about the zone, not about one scenario). */
export function zoneClock(zone: string): ZoneClock {
  let clock = clocks.get(zone);
  if (!clock) {
    clock = new ZoneClock(zone);
    clocks.set(zone, clock);
  }
  return clock;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses "2026-11-27", "2026-11-27T08:30" (wall-clock time in `zone`) or a full ISO instant with
 * "Z" or an offset ("2026-11-27T13:30:00Z"). Returns UTC ms, or undefined when the text is none of these.
 */
export function parseInstant(text: string, zone: string): number | undefined {
  const local = LOCAL_DATE_TIME.exec(text.trim());
  if (local) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = local;
    const localMs = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const check = new Date(localMs);
    if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
    return zoneClock(zone).toUtc(localMs);
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text.trim()))
    return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
