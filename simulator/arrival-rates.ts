/**
 * A queue's arrival rate over the run as a step function (cases per second on each segment): the
 * hour-of-week profile × daily volume, times the multiplier windows (peaks, carrier disruptions,
 * inventory-sync failures), with platform outages holding intake back and releasing it afterwards.
 *
 * Arrivals are a non-homogeneous Poisson process with this rate. Because the rate is piecewise
 * constant, the next arrival is found exactly by inverting the cumulative rate (`nextArrival`), not by
 * thinning: no rejected draws, and the same draws give the same arrivals whatever the segment layout.
 */
import { ZoneClock, zoneClock } from "./time-zone.ts";

const QUARTER_HOUR_MS = 900_000;

export interface RateSegments {
  /** Segment start times, simulation seconds, ascending; the first is 0. */
  starts: Float64Array;
  /** Arrivals per second from starts[i] to starts[i + 1] (the last runs to the horizon). */
  rates: Float64Array;
  horizon_s: number;
}

export interface ArrivalProfileInput {
  daily_volume: number;
  zone: string;
  profile?: {
    hour_of_week?: number[] | undefined;
    day_of_week?: number[] | undefined;
    hour_of_day?: number[] | undefined;
  };
  dates?: Record<string, number> | undefined;
}

/** A window on the run, simulation seconds [start_s, end_s). */
export interface RateWindow {
  start_s: number;
  end_s: number;
}

export interface RateModifiers {
  multipliers: (RateWindow & { multiplier: number })[];
  /** Intake stops in the window; what would have arrived is released uniformly over release_s after it. */
  outages: (RateWindow & { release_s: number })[];
}

/** Share of a weekday's volume in each local hour, and each weekday's share of the week. */
function weekShape(profile: ArrivalProfileInput["profile"]): { hourShare: number[][]; dayShare: number[] } {
  const hourShare: number[][] = [];
  const dayWeights: number[] = [];
  const hourOfWeek = profile?.hour_of_week;
  for (let day = 0; day < 7; day++) {
    const hours = hourOfWeek
      ? hourOfWeek.slice(day * 24, day * 24 + 24)
      : (profile?.hour_of_day ?? new Array<number>(24).fill(1));
    const dayTotal = hours.reduce((sum, w) => sum + w, 0);
    // A day with no weight in its hours gets date overrides spread evenly rather than lost.
    hourShare.push(hours.map((w) => (dayTotal > 0 ? w / dayTotal : 1 / 24)));
    dayWeights.push(hourOfWeek ? dayTotal : (profile?.day_of_week?.[day] ?? 1));
  }
  const weekTotal = dayWeights.reduce((sum, w) => sum + w, 0);
  return { hourShare, dayShare: dayWeights.map((w) => w / weekTotal) };
}

/**
 * The rate segments of one queue over [0, horizon_s]. Segments break on every local quarter hour
 * (hour boundaries in any zone with a whole-quarter-hour offset, which is every zone in use) and on
 * every window edge, so the rate is exactly constant on each.
 */
export function arrivalRates(
  input: ArrivalProfileInput,
  modifiers: RateModifiers,
  epochMs: number,
  horizon_s: number,
): RateSegments {
  const clock = zoneClock(input.zone);
  const { hourShare, dayShare } = weekShape(input.profile);

  // Every edge, sorted, each once (a year has some 35,000 quarter hours: an array sorted as numbers
  // beats a Set).
  const edges: number[] = [0];
  const firstQuarter = Math.ceil(epochMs / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  for (let ms = firstQuarter; ms < epochMs + horizon_s * 1000; ms += QUARTER_HOUR_MS) {
    edges.push((ms - epochMs) / 1000);
  }
  const addEdge = (t: number) => {
    if (t > 0 && t < horizon_s) edges.push(t);
  };
  for (const window of modifiers.multipliers) {
    addEdge(window.start_s);
    addEdge(window.end_s);
  }
  for (const outage of modifiers.outages) {
    addEdge(outage.start_s);
    addEdge(outage.end_s);
    addEdge(outage.end_s + outage.release_s);
  }
  const sorted = Float64Array.from(edges).sort();
  let unique = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || (sorted[i] as number) !== (sorted[unique - 1] as number))
      sorted[unique++] = sorted[i] as number;
  }
  const starts = sorted.slice(0, unique);
  const rates = new Float64Array(starts.length);

  for (let i = 0; i < starts.length; i++) {
    const local = clock.toLocal(epochMs + (starts[i] as number) * 1000);
    const day = ZoneClock.dayStart(local);
    const weekday = ZoneClock.weekday(local);
    const hour = Math.floor((local - day) / 3_600_000);
    const override = input.dates ? input.dates[new Date(day).toISOString().slice(0, 10)] : undefined;
    const dayVolume = override ?? input.daily_volume * 7 * (dayShare[weekday] as number);
    rates[i] = (dayVolume * ((hourShare[weekday] as number[])[hour] as number)) / 3600;
  }

  const segmentEnd = (i: number) => (i + 1 < starts.length ? (starts[i + 1] as number) : horizon_s);
  for (const window of modifiers.multipliers) {
    for (let i = 0; i < starts.length; i++) {
      if ((starts[i] as number) >= window.start_s && segmentEnd(i) <= window.end_s) {
        rates[i] = (rates[i] as number) * window.multiplier;
      }
    }
  }
  // Outages in start order, so a release falling inside a later outage is held again by it.
  for (const outage of [...modifiers.outages].sort((a, b) => a.start_s - b.start_s)) {
    let held = 0;
    for (let i = 0; i < starts.length; i++) {
      if ((starts[i] as number) >= outage.start_s && segmentEnd(i) <= outage.end_s) {
        held += (rates[i] as number) * (segmentEnd(i) - (starts[i] as number));
        rates[i] = 0;
      }
    }
    const releaseEnd = outage.end_s + outage.release_s;
    for (let i = 0; i < starts.length; i++) {
      if ((starts[i] as number) >= outage.end_s && segmentEnd(i) <= releaseEnd) {
        rates[i] = (rates[i] as number) + held / outage.release_s;
      }
    }
  }
  return { starts, rates, horizon_s };
}

/** Expected arrivals in [from_s, to_s): the integral of the rate. */
export function expectedArrivals(segments: RateSegments, from_s: number, to_s: number): number {
  let total = 0;
  const { starts, rates, horizon_s } = segments;
  for (let i = 0; i < starts.length; i++) {
    const start = Math.max(starts[i] as number, from_s);
    const end = Math.min(i + 1 < starts.length ? (starts[i + 1] as number) : horizon_s, to_s);
    if (end > start) total += (rates[i] as number) * (end - start);
  }
  return total;
}

/**
 * Walks a rate step function to produce arrival times: each call consumes one Exp(1) draw (`unitDraw`)
 * of "expected arrivals" and advances through the segments until that much rate has accumulated.
 * Returns Infinity once the horizon is passed.
 */
export class ArrivalClock {
  private segment = 0;
  private time = 0;

  constructor(private readonly segments: RateSegments) {}

  next(unitDraw: number): number {
    const { starts, rates, horizon_s } = this.segments;
    const last = starts.length - 1;
    let need = unitDraw;
    for (;;) {
      const rate = rates[this.segment] as number;
      const end = this.segment < last ? (starts[this.segment + 1] as number) : horizon_s;
      if (rate > 0) {
        const available = rate * (end - this.time);
        if (need <= available) {
          this.time += need / rate;
          return this.time;
        }
        need -= available;
      }
      if (this.segment >= last) return Number.POSITIVE_INFINITY;
      this.segment++;
      this.time = end;
    }
  }
}
