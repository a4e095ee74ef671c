/**
 * Durations in scenario files: a number of seconds (`900`) or a number with a unit (`"15m"`, `"1.5h"`,
 * `"14d"`, `"2w"`), because a planner writes "4h" and a validation case writes "20s", and both should
 * read as written. Units: s, m (minutes), h, d (24 h), w (7 d). In a business-time field (an SLA
 * target) "1d" means 24 hours of business time, as in the service-management tools.
 */
import { z } from "zod";

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };
const DURATION_TEXT = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;

/** Seconds in a duration text, or undefined when it is not one. */
export function parseDurationText(text: string): number | undefined {
  const match = DURATION_TEXT.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

/** A non-negative duration, parsed to seconds. */
export const Duration = z
  .union([
    z.number().nonnegative(),
    z
      .string()
      .regex(DURATION_TEXT, 'a duration is seconds or a number with a unit: "90s", "15m", "4h", "2d", "1w"'),
  ])
  .transform((value) => (typeof value === "number" ? value : (parseDurationText(value) as number)))
  .meta({ description: 'Seconds, or a number with a unit: "90s", "15m", "4h", "2d", "1w".' });

/** A duration that must be longer than zero. */
export const PositiveDuration = Duration.refine((seconds) => seconds > 0, "must be longer than zero");

/** Seconds as the shortest exact text with a unit, e.g. 5400 → "90m", 86400 → "1d" (for messages and docs). */
export function formatDuration(seconds: number): string {
  for (const unit of ["w", "d", "h", "m"] as const) {
    const size = UNIT_SECONDS[unit] as number;
    if (seconds >= size && Number.isInteger(seconds / size)) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
