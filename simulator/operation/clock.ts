/**
 * Local time for the generator: instants of local wall-clock times, and ISO 8601 text with the zone's
 * offset (exports carry local offsets, as real platforms' do). Offsets are cached per hour, since the
 * generator formats millions of timestamps and a zone's offset only changes at DST transitions.
 */
import { localWallTimeToInstant, utcOffsetMs } from "../../models/calendar/business-spans.ts";

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export class ZoneClock {
  private readonly offsets = new Map<number, number>();
  private readonly wallTimes = new Map<string, number>();
  constructor(readonly zone: string) {}

  offsetMs(instant: number): number {
    const hour = Math.floor(instant / HOUR_MS);
    let offset = this.offsets.get(hour);
    if (offset === undefined) {
      offset = utcOffsetMs(this.zone, hour * HOUR_MS);
      this.offsets.set(hour, offset);
    }
    return offset;
  }

  /** ISO 8601 with the zone's offset, whole seconds: 2026-03-01T09:30:00-05:00. */
  iso(instant: number): string {
    const t = Math.round(instant / 1000) * 1000;
    const offset = this.offsetMs(t);
    const local = new Date(t + offset).toISOString().slice(0, 19);
    const sign = offset < 0 ? "-" : "+";
    const abs = Math.abs(offset) / MINUTE_MS;
    return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  }

  /** The instant of a local date (YYYY-MM-DD) and minutes after local midnight. */
  at(localDate: string, minutes: number): number {
    const key = `${localDate} ${minutes}`;
    let instant = this.wallTimes.get(key);
    if (instant === undefined) {
      const [y, m, d] = localDate.split("-").map(Number) as [number, number, number];
      instant = localWallTimeToInstant(this.zone, Date.UTC(y, m - 1, d) + minutes * MINUTE_MS);
      this.wallTimes.set(key, instant);
    }
    return instant;
  }

  /** Local weekday 0 = Monday … 6 = Sunday, and local hour. */
  weekday(instant: number): number {
    return (new Date(instant + this.offsetMs(instant)).getUTCDay() + 6) % 7;
  }

  hour(instant: number): number {
    return new Date(instant + this.offsetMs(instant)).getUTCHours();
  }

  /** The local date of an instant, YYYY-MM-DD. */
  localDate(instant: number): string {
    return new Date(instant + this.offsetMs(instant)).toISOString().slice(0, 10);
  }
}

/** YYYY-MM-DD plus n days. */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** "08:00-16:00" as minutes after midnight [from, to]. */
export function parseClockSpan(span: string): [number, number] {
  const [from, to] = span.split("-").map((t) => {
    const [h, m] = t.split(":").map(Number) as [number, number];
    return h * 60 + m;
  }) as [number, number];
  return [from, to <= from ? to + 24 * 60 : to];
}
