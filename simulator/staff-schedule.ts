/**
 * A staff group's agents over the run as step functions: rostered (on a shift), and productive
 * (rostered, not on a break, not lost to shrinkage). The engine turns each step into a capacity change.
 *
 * - Shifts repeat on their weekdays in their own zone (DST moves them with the local clock); a shift
 *   ending at or before its start ends the next day; a shift may skip a calendar's holidays.
 * - Breaks: every agent takes `length` inside the break window, staggered evenly so that the first
 *   starts at `from` and the last ends at `to` (start times rounded to the minute, which also merges
 *   change points for large teams). The window is placed on the shift's day, or the next day when it
 *   starts before the shift does (an overnight shift's break after midnight).
 * - Shrinkage (absence, meetings, training beyond the explicit breaks) removes whole agents with
 *   error diffusion: on each step the absent count is the rounding of the share owed so far, so that
 *   over the run exactly `shrinkage` of the present agent-time is lost, never a fractional agent.
 *   Steps are cut at every reporting interval so the loss is spread through the day.
 */
import { clockMinutes, WEEKDAYS } from "./calendar.ts";
import { ZoneClock, zoneClock } from "./time-zone.ts";

const DAY_MS = 86_400_000;

export interface BreakInput {
  from: string;
  to: string;
  length: number;
}

export interface ShiftInput {
  zone: string;
  days: readonly string[];
  start: string;
  end: string;
  agents: number;
  breaks: readonly BreakInput[];
  /** Local dates (YYYY-MM-DD, in the shift's zone) on which the shift does not run. */
  skipDates?: ReadonlySet<string> | undefined;
}

export interface StaffSchedule {
  /** Change times, simulation seconds, ascending; the first is 0. */
  times: Float64Array;
  /** Rostered agents from times[i]. */
  rostered: Float64Array;
  /** Agents available for work from times[i] (Infinity for an unlimited group). */
  productive: Float64Array;
}

/** Agents always on duty (no shifts): one step, with shrinkage diffused across intervals. */
export function flatSchedule(
  agents: number,
  shrinkage: number,
  horizon_s: number,
  interval_s: number,
): StaffSchedule {
  if (agents === Number.POSITIVE_INFINITY) {
    return {
      times: Float64Array.of(0),
      rostered: Float64Array.of(agents),
      productive: Float64Array.of(agents),
    };
  }
  return buildSchedule([{ time: 0, rostered: agents, onBreak: 0 }], shrinkage, horizon_s, interval_s);
}

/** The schedule of a group's shifts over [0, horizon_s]. */
export function shiftSchedule(
  shifts: readonly ShiftInput[],
  shrinkage: number,
  epochMs: number,
  horizon_s: number,
  interval_s: number,
): StaffSchedule {
  const deltas: { time: number; rostered: number; onBreak: number }[] = [];
  const toSim = (utcMs: number) => (utcMs - epochMs) / 1000;
  for (const shift of shifts) {
    if (shift.agents === 0) continue;
    const clock = zoneClock(shift.zone);
    const days = new Set(shift.days.map((day) => WEEKDAYS.indexOf(day as (typeof WEEKDAYS)[number])));
    const startMin = clockMinutes(shift.start);
    let endMin = clockMinutes(shift.end);
    if (endMin <= startMin) endMin += 24 * 60;
    // From two days before the run (an overnight shift already under way) to the day after it.
    const firstDay = ZoneClock.dayStart(clock.toLocal(epochMs)) - 2 * DAY_MS;
    const lastDay = ZoneClock.dayStart(clock.toLocal(epochMs + horizon_s * 1000)) + DAY_MS;
    for (let day = firstDay; day <= lastDay; day += DAY_MS) {
      if (!days.has(ZoneClock.weekday(day))) continue;
      if (shift.skipDates?.has(new Date(day).toISOString().slice(0, 10))) continue;
      const on = toSim(clock.toUtc(day + startMin * 60_000));
      const off = toSim(clock.toUtc(day + endMin * 60_000));
      if (off <= 0 || on >= horizon_s) continue;
      deltas.push(
        { time: on, rostered: shift.agents, onBreak: 0 },
        { time: off, rostered: -shift.agents, onBreak: 0 },
      );
      for (const pause of shift.breaks) {
        let fromMin = clockMinutes(pause.from);
        let toMin = clockMinutes(pause.to);
        if (toMin <= fromMin) toMin += 24 * 60;
        if (fromMin < startMin) {
          fromMin += 24 * 60;
          toMin += 24 * 60;
        }
        const lengthMs = pause.length * 1000;
        const slackMs = (toMin - fromMin) * 60_000 - lengthMs;
        for (let agent = 0; agent < shift.agents; agent++) {
          const offsetMs = shift.agents === 1 ? 0 : (slackMs * agent) / (shift.agents - 1);
          const breakStartLocal = day + fromMin * 60_000 + Math.round(offsetMs / 60_000) * 60_000;
          const breakStart = toSim(clock.toUtc(breakStartLocal));
          const breakEnd = toSim(clock.toUtc(breakStartLocal + lengthMs));
          // A break outside the shift's own span (a window that misses it) takes nobody off work.
          const start = Math.max(breakStart, on);
          const end = Math.min(breakEnd, off);
          if (end > start)
            deltas.push({ time: start, rostered: 0, onBreak: 1 }, { time: end, rostered: 0, onBreak: -1 });
        }
      }
    }
  }
  // Cumulate the deltas into levels at each distinct time; anything before 0 sets the level at 0.
  deltas.sort((a, b) => a.time - b.time);
  const levels: { time: number; rostered: number; onBreak: number }[] = [
    { time: 0, rostered: 0, onBreak: 0 },
  ];
  let rostered = 0;
  let onBreak = 0;
  for (const delta of deltas) {
    rostered += delta.rostered;
    onBreak += delta.onBreak;
    const time = Math.max(0, delta.time);
    if (time >= horizon_s) break;
    const last = levels[levels.length - 1] as { time: number; rostered: number; onBreak: number };
    if (last.time === time) {
      last.rostered = rostered;
      last.onBreak = onBreak;
    } else {
      levels.push({ time, rostered, onBreak });
    }
  }
  return buildSchedule(levels, shrinkage, horizon_s, interval_s);
}

/** Applies shrinkage by error diffusion over levels cut at every interval, then drops repeats. */
function buildSchedule(
  levels: readonly { time: number; rostered: number; onBreak: number }[],
  shrinkage: number,
  horizon_s: number,
  interval_s: number,
): StaffSchedule {
  const cut: { time: number; rostered: number; present: number }[] = [];
  let next = 0;
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as { time: number; rostered: number; onBreak: number };
    const end = i + 1 < levels.length ? (levels[i + 1] as { time: number }).time : horizon_s;
    const present = level.rostered - level.onBreak;
    cut.push({ time: level.time, rostered: level.rostered, present });
    if (shrinkage > 0) {
      while (next <= level.time) next += interval_s;
      for (let t = next; t < end; t += interval_s) cut.push({ time: t, rostered: level.rostered, present });
    }
  }
  const times: number[] = [];
  const rostered: number[] = [];
  const productive: number[] = [];
  let owed = 0; // absent agent-seconds owed to shrinkage and not yet taken
  for (let i = 0; i < cut.length; i++) {
    const step = cut[i] as { time: number; rostered: number; present: number };
    const duration = (i + 1 < cut.length ? (cut[i + 1] as { time: number }).time : horizon_s) - step.time;
    let available = step.present;
    if (shrinkage > 0 && duration > 0) {
      const due = step.present * shrinkage * duration + owed;
      const absent = Math.min(step.present, Math.max(0, Math.round(due / duration)));
      owed = due - absent * duration;
      available = step.present - absent;
    }
    const last = times.length - 1;
    if (last >= 0 && rostered[last] === step.rostered && productive[last] === available) continue;
    times.push(step.time);
    rostered.push(step.rostered);
    productive.push(available);
  }
  return {
    times: Float64Array.from(times),
    rostered: Float64Array.from(rostered),
    productive: Float64Array.from(productive),
  };
}
