/**
 * Report periods (day, week, month) of an instant, counted in the reporting time zone. Marts label a
 * month as text `YYYY-MM` (it sorts, reads the same in every tool, and is the Hive partition value the
 * export writes) and a week by the local date it starts on (`week_starts_on` in the policy).
 */
import { type Expression, type RawBuilder, sql } from "kysely";

type Instant = Expression<Date | null>;

/** The local calendar day of an instant in `timeZone`. */
export function reportDay(instant: Instant, timeZone: string): RawBuilder<string> {
  return sql<string>`CAST(timezone(${timeZone}, ${instant}) AS DATE)`;
}

/** The local month of an instant in `timeZone`, as `YYYY-MM`. */
export function reportMonth(instant: Instant, timeZone: string): RawBuilder<string> {
  return sql<string>`strftime(timezone(${timeZone}, ${instant}), '%Y-%m')`;
}

/** The first local day of the report week holding the instant (weeks start on Monday or Sunday). */
export function reportWeekStart(
  instant: Instant,
  timeZone: string,
  weekStartsOn: "mon" | "sun",
): RawBuilder<string> {
  return reportWeekStartOfDay(reportDay(instant, timeZone), weekStartsOn);
}

/** The first day of the report week holding a local date. */
export function reportWeekStartOfDay(
  day: Expression<string>,
  weekStartsOn: "mon" | "sun",
): RawBuilder<string> {
  // ISO weeks start on Monday; a Sunday week is the ISO week of the following day, moved back a day.
  const shiftDays = weekStartsOn === "sun" ? 1 : 0;
  return sql<string>`CAST(date_trunc('week', ${day} + CAST(${shiftDays} AS INTEGER)) AS DATE) - CAST(${shiftDays} AS INTEGER)`;
}
