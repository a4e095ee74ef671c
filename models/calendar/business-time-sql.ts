/**
 * Business-time arithmetic in SQL over `calendar_spans` (business-spans.ts), for many rows at once.
 *
 * The idea: each calendar has a business clock B(t), the business seconds from the start of coverage to
 * instant t. B is read off the one span that starts at or before t (the span's running count plus the
 * part of it already elapsed), which DuckDB finds with an ASOF join: a sorted merge, not a cross join,
 * so the cost grows with rows + spans, not rows × spans. Then
 *   business seconds between a and b = B(b) − B(a)
 *   due time of N business seconds after a = the first instant t with B(t) ≥ B(a) + N,
 * the second found by the inverse lookup (the span whose running count first passes the target).
 *
 * Definitions the marts rely on:
 * - Seconds are whole: B(t) counts the whole seconds of t's span elapsed by t (a sub-second part of an
 *   instant is dropped), so results are exact integers for instants on whole seconds.
 * - Between: negative when b is before a. NULL when either instant or the calendar is NULL, the calendar
 *   is not in `calendar_coverage`, or an instant is outside the calendar's coverage.
 * - Due: the start itself for N ≤ 0; for N > 0 the earliest instant after which N business seconds have
 *   passed, so a target reached exactly at the end of a span falls due at that span's end, not at the
 *   next opening. NULL when the start is outside coverage or the due time would be past its end.
 *
 * Each function returns a kysely raw query that adds one column to every row of a relation (a table or
 * an earlier CTE) and keeps its other columns, to be used as a CTE:
 *   db.with("cycles", …).with("timed", () => businessSecondsBetween({ from: "cycles", … })).selectFrom("timed")
 * Names are identifiers (quoted, never pasted); a constant duration is a bound parameter. The query is
 * parenthesised, as kysely writes a raw CTE body as it is.
 */
import { type RawBuilder, sql } from "kysely";
import {
  type BusinessSpan,
  CALENDAR_COVERAGE_TABLE,
  CALENDAR_SPANS_TABLE,
  type CalendarCoverage,
} from "./business-spans.ts";

/** Where the spans and coverage live, when not in the default tables. */
export interface BusinessTimeTables {
  spans?: string;
  coverage?: string;
  /**
   * The calendars the rows can name (a model passes `Object.keys(policy.calendars)`). When given, the
   * lookups run one calendar at a time, as a UNION ALL of ASOF joins on the instant alone, and rows naming
   * any other calendar (or none) get NULL. Why: an ASOF join with an equality condition (span.calendar =
   * row.calendar) partitions both sides by calendar, which DuckDB runs four to five times slower than
   * the same lookups split by calendar (measured on two million rows and four calendars). The relation is
   * read once per calendar: pass a table or a CTE (DuckDB materialises a CTE read more than once).
   */
  calendars?: readonly string[];
}

interface FromRelation<As extends string> extends BusinessTimeTables {
  /** A table or earlier CTE; every row of it is kept. */
  from: string;
  /** Its column holding the calendar name. */
  calendar: string;
  /** The name of the column added. */
  as: As;
}

type With<T, As extends string, V> = T & { [K in As]: V };

/** Adds `as`: the business clock B(at) of the row's calendar, in seconds. */
export function businessClockAt<T extends object = Record<string, unknown>, As extends string = string>(
  args: FromRelation<As> & { at: string },
): RawBuilder<With<T, As, number | null>> {
  return assemble(
    args,
    "BIGINT",
    (
      source,
      t,
    ) => sql`(SELECT src.*, ${clockAt("coverage", "at_span", column("src", args.at))} AS ${sql.id(args.as)}
FROM ${source} AS src
${joinClockAt(t, args.calendar, "coverage", "at_span", args.at)})`,
  );
}

/** Adds `as`: business seconds of the row's calendar from instant `start` to instant `end`. */
export function businessSecondsBetween<
  T extends object = Record<string, unknown>,
  As extends string = string,
>(args: FromRelation<As> & { start: string; end: string }): RawBuilder<With<T, As, number | null>> {
  const startClock = clockAt("coverage", "start_span", column("src", args.start));
  const endClock = clockAt("coverage", "end_span", column("src", args.end));
  return assemble(
    args,
    "BIGINT",
    (source, t) => sql`(SELECT src.*, ${endClock} - ${startClock} AS ${sql.id(args.as)}
FROM ${source} AS src
${joinClockAt(t, args.calendar, "coverage", "start_span", args.start)}
${joinSpanAt(t, args.calendar, "end_span", args.end)})`,
  );
}

/** Adds `as`: the first instant at which the row's calendar's business clock reaches `clock` seconds. */
export function instantAtBusinessClock<
  T extends object = Record<string, unknown>,
  As extends string = string,
>(args: FromRelation<As> & { clock: string }): RawBuilder<With<T, As, Date | null>> {
  return assemble(
    args,
    "TIMESTAMPTZ",
    (
      source,
      t,
    ) => sql`(SELECT src.*, ${instantAtClock("coverage", "clock_span", column("src", args.clock))} AS ${sql.id(args.as)}
FROM ${source} AS src
LEFT JOIN ${t.coverage} AS coverage ON coverage.calendar = ${column("src", args.calendar)}
${joinSpanReachingClock(t, args.calendar, "clock_span", column("src", args.clock))})`,
  );
}

/**
 * Adds `as`: the instant at which `businessSeconds` business seconds have passed since `start` in the
 * row's calendar (a due time). `businessSeconds` is a column name or a constant.
 */
export function businessDueAt<T extends object = Record<string, unknown>, As extends string = string>(
  args: FromRelation<As> & { start: string; businessSeconds: string | number },
): RawBuilder<With<T, As, Date | null>> {
  const seconds =
    typeof args.businessSeconds === "number"
      ? sql`CAST(${args.businessSeconds} AS BIGINT)`
      : column("src", args.businessSeconds);
  const start = column("src", args.start);
  const dueSeconds = column("src", DUE_SECONDS);
  const dueClock = column("src", DUE_CLOCK);
  // Two steps: the clock at the start plus the duration is the reading to reach; the inverse lookup
  // then finds when the clock reaches it. The helper columns are dropped from the output.
  return assemble(
    args,
    "TIMESTAMPTZ",
    (source, t) => sql`(SELECT src.* EXCLUDE (${sql.id(DUE_CLOCK)}, ${sql.id(DUE_SECONDS)}), CASE
    WHEN ${start} IS NULL OR ${dueSeconds} IS NULL THEN NULL
    WHEN ${dueSeconds} <= 0 THEN ${start}
    ELSE ${instantAtClock("due_coverage", "due_span", dueClock)}
  END AS ${sql.id(args.as)}
FROM (
  SELECT src.*, ${seconds} AS ${sql.id(DUE_SECONDS)},
    ${clockAt("coverage", "start_span", start)} + ${seconds} AS ${sql.id(DUE_CLOCK)}
  FROM ${source} AS src
  ${joinClockAt(t, args.calendar, "coverage", "start_span", args.start)}
) AS src
LEFT JOIN ${t.coverage} AS due_coverage ON due_coverage.calendar = ${column("src", args.calendar)}
${joinSpanReachingClock(t, args.calendar, "due_span", dueClock)})`,
  );
}

/**
 * The query around a helper's body: the body over the whole relation (spans matched by calendar), or,
 * with `calendars`, one body per calendar over that calendar's rows and spans, and NULL for the rest.
 */
function assemble<R>(
  args: FromRelation<string>,
  nullType: "BIGINT" | "TIMESTAMPTZ",
  body: (source: RawBuilder<unknown>, t: ResolvedTables) => RawBuilder<unknown>,
): RawBuilder<R> {
  const relation = sql.table(relationName(args.from));
  const t = tables(args);
  if (!args.calendars) return body(relation, t) as RawBuilder<R>;
  const calendar = column("src", args.calendar);
  const branches = args.calendars.map((name) =>
    body(sql`(SELECT * FROM ${relation} AS src WHERE ${calendar} = ${name})`, {
      spans: sql`(SELECT * FROM ${t.spans} AS s WHERE s.calendar = ${name})`,
      coverage: sql`(SELECT * FROM ${t.coverage} AS c WHERE c.calendar = ${name})`,
      oneCalendar: true,
    }),
  );
  const known =
    args.calendars.length > 0 ? sql`${calendar} NOT IN (${sql.join([...args.calendars])})` : sql`true`;
  const rest = sql`(SELECT src.*, CAST(NULL AS ${sql.raw(nullType)}) AS ${sql.id(args.as)} FROM ${relation} AS src
WHERE ${calendar} IS NULL OR ${known})`;
  return sql<R>`(${sql.join(
    [...branches, rest],
    sql`
UNION ALL
`,
  )})`;
}

// Helper columns of businessDueAt, removed from its output.
const DUE_CLOCK = "__business_due_clock";
const DUE_SECONDS = "__business_due_seconds";

// ---------------------------------------------------------------------------------------------------
// The two definitions everything above is built from: the clock at an instant, and its inverse.

/**
 * B(t) given the coverage row and the span that starts at or before t (ASOF-joined): the span's running
 * count plus its whole seconds elapsed by t, capped at the span's length (t may be after the span ends).
 */
function clockAt(coverage: string, span: string, instant: RawBuilder<unknown>): RawBuilder<number | null> {
  const c = sql.id(coverage);
  const s = sql.id(span);
  return sql<number | null>`(CASE
    WHEN ${c}.calendar IS NULL OR ${instant} IS NULL
      OR ${instant} < ${c}.covered_from OR ${instant} > ${c}.covered_to THEN NULL
    WHEN ${s}.span_start IS NULL THEN CAST(0 AS BIGINT)
    ELSE ${s}.business_s_at_start
      + least(${s}.span_s, (epoch_us(${instant}) - epoch_us(${s}.span_start)) // 1000000)
  END)`;
}

/**
 * The first instant the clock reads `clock`, given the span whose running count at its start is the
 * greatest below `clock` (ASOF-joined): that span's start plus the seconds still needed.
 */
function instantAtClock(coverage: string, span: string, clock: RawBuilder<unknown>): RawBuilder<Date | null> {
  const c = sql.id(coverage);
  const s = sql.id(span);
  return sql<Date | null>`(CASE
    WHEN ${c}.calendar IS NULL OR ${clock} IS NULL THEN NULL
    WHEN ${clock} <= 0 THEN ${c}.covered_from
    WHEN ${clock} > ${c}.business_s_total THEN NULL
    ELSE ${s}.span_start + to_microseconds(CAST((${clock} - ${s}.business_s_at_start) * 1000000 AS BIGINT))
  END)`;
}

interface ResolvedTables {
  spans: RawBuilder<unknown>;
  coverage: RawBuilder<unknown>;
  /** The spans are one calendar's: the lookups match on the instant alone. */
  oneCalendar: boolean;
}

function tables(args: BusinessTimeTables): ResolvedTables {
  return {
    spans: sql.table(relationName(args.spans ?? CALENDAR_SPANS_TABLE)),
    coverage: sql.table(relationName(args.coverage ?? CALENDAR_COVERAGE_TABLE)),
    oneCalendar: false,
  };
}

/** The calendar condition of a span lookup: none when the spans are already one calendar's. */
function sameCalendar(t: ResolvedTables, span: RawBuilder<unknown>, calendar: string): RawBuilder<unknown> {
  return t.oneCalendar ? sql`` : sql`${span}.calendar = ${column("src", calendar)} AND `;
}

function joinClockAt(
  t: ResolvedTables,
  calendar: string,
  coverage: string,
  span: string,
  at: string,
): RawBuilder<unknown> {
  return sql`LEFT JOIN ${t.coverage} AS ${sql.id(coverage)} ON ${sql.id(coverage)}.calendar = ${column("src", calendar)}
${joinSpanAt(t, calendar, span, at)}`;
}

/** The span of the row's calendar that starts at or before the instant (none before the first span). */
function joinSpanAt(t: ResolvedTables, calendar: string, span: string, at: string): RawBuilder<unknown> {
  const s = sql.id(span);
  return sql`ASOF LEFT JOIN ${t.spans} AS ${s}
  ON ${sameCalendar(t, s, calendar)}${column("src", at)} >= ${s}.span_start`;
}

/** The span of the row's calendar in which the clock passes `clock`: greatest running count below it. */
function joinSpanReachingClock(
  t: ResolvedTables,
  calendar: string,
  span: string,
  clock: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const s = sql.id(span);
  return sql`ASOF LEFT JOIN ${t.spans} AS ${s}
  ON ${sameCalendar(t, s, calendar)}${clock} > ${s}.business_s_at_start`;
}

function column(relation: string, name: string): RawBuilder<unknown> {
  if (!IDENTIFIER.test(name)) throw new RangeError(`not a column name: ${JSON.stringify(name)}`);
  return sql.id(relation, name);
}

function relationName(name: string): string {
  if (!name.split(".").every((part) => IDENTIFIER.test(part))) {
    throw new RangeError(`not a table name: ${JSON.stringify(name)}`);
  }
  return name;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

// ---------------------------------------------------------------------------------------------------
// A reference implementation in plain JavaScript, for tests only: it walks the spans and sums overlaps
// (no running counts, no lookups), so that agreeing with the SQL on random cases means something.

function covered(coverage: CalendarCoverage, instant: number): boolean {
  return instant >= coverage.covered_from && instant <= coverage.covered_to;
}

/** Business seconds between two instants (epoch ms) by summing overlaps with every span. */
export function referenceBusinessSeconds(
  spans: readonly BusinessSpan[],
  coverage: CalendarCoverage,
  start: number,
  end: number,
): number | null {
  if (!covered(coverage, start) || !covered(coverage, end)) return null;
  if (end < start) return -(referenceBusinessSeconds(spans, coverage, end, start) ?? 0);
  let ms = 0;
  for (const span of spans)
    ms += Math.max(0, Math.min(end, span.span_end) - Math.max(start, span.span_start));
  return ms / 1000;
}

/** The instant (epoch ms) at which `seconds` business seconds have passed since `start`, by walking spans. */
export function referenceDueAt(
  spans: readonly BusinessSpan[],
  coverage: CalendarCoverage,
  start: number,
  seconds: number,
): number | null {
  if (seconds <= 0) return start;
  if (!covered(coverage, start)) return null;
  let remainingMs = seconds * 1000;
  for (const span of spans) {
    if (span.span_end <= start) continue;
    const from = Math.max(span.span_start, start);
    const available = span.span_end - from;
    if (remainingMs <= available) return from + remainingMs;
    remainingMs -= available;
  }
  return null;
}
