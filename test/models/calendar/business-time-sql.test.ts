import { timestampTZValue } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Warehouse } from "../../../ingest/warehouse.ts";
import { expandCalendar, materializeCalendarSpans } from "../../../models/calendar/business-spans.ts";
import {
  businessClockAt,
  businessDueAt,
  businessSecondsBetween,
  instantAtBusinessClock,
  referenceBusinessSeconds,
  referenceDueAt,
} from "../../../models/calendar/business-time-sql.ts";
import { coldKysely, kyselyFor } from "../../../models/kysely-duckdb.ts";
import { loadPolicy } from "../../../models/policy/load.ts";
import type { Calendar } from "../../../models/policy/schema.ts";
import { WEEKDAYS } from "../../../models/policy/schema.ts";
import { createRng } from "../../../simulator/rng.ts";
import { at, FIXTURE_CALENDARS, RANGE_2026 } from "./fixtures.ts";

let warehouse: Warehouse;
let calendars: Record<string, Calendar>;
const db = () => kyselyFor<Record<string, Record<string, unknown>>>(warehouse);

beforeAll(async () => {
  warehouse = await Warehouse.open(":memory:");
  // The fixtures and the shipped policy's calendars (whose names do not clash), over all of 2026.
  calendars = { ...FIXTURE_CALENDARS, ...(await loadPolicy()).policy.calendars };
  await materializeCalendarSpans(warehouse, calendars, RANGE_2026);
});
afterAll(() => warehouse.close());

interface Given {
  calendar: string | null;
  start: string | number | null;
  end?: string | number | null;
  seconds?: number | null;
}

const toIso = (value: string | number | null | undefined) =>
  value === null || value === undefined
    ? null
    : new Date(typeof value === "number" ? value : at(value)).toISOString();

/** Loads rows into the table `given` through DuckDB's appender, numbered by `id` in order. */
async function given(rows: readonly Given[]): Promise<void> {
  await warehouse.run(`CREATE OR REPLACE TABLE given (
    id INTEGER, calendar VARCHAR, start_at TIMESTAMPTZ, end_at TIMESTAMPTZ, business_seconds BIGINT)`);
  const appender = await warehouse.connection.createAppender("given");
  const instant = (value: string | number | null | undefined) => {
    const iso = toIso(value);
    if (iso === null) appender.appendNull();
    else appender.appendTimestampTZ(timestampTZValue(BigInt(at(iso)) * 1000n));
  };
  try {
    rows.forEach((row, id) => {
      appender.appendInteger(id);
      if (row.calendar === null) appender.appendNull();
      else appender.appendVarchar(row.calendar);
      instant(row.start);
      instant(row.end);
      if (row.seconds === undefined || row.seconds === null) appender.appendNull();
      else appender.appendBigInt(BigInt(row.seconds));
      appender.endRow();
    });
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

async function betweenRows(rows: readonly Given[], calendars?: string[]): Promise<(number | null)[]> {
  await given(rows);
  const result = await db()
    .with("timed", () =>
      businessSecondsBetween({
        from: "given",
        calendar: "calendar",
        start: "start_at",
        end: "end_at",
        as: "business_s",
        calendars,
      }),
    )
    .selectFrom("timed")
    .select(["id", "business_s"])
    .orderBy("id")
    .execute();
  return result.map((row) => row.business_s as number | null);
}

async function dueRows(rows: readonly Given[], calendars?: string[]): Promise<(string | null)[]> {
  await given(rows);
  const result = await db()
    .with("due", () =>
      businessDueAt({
        from: "given",
        calendar: "calendar",
        start: "start_at",
        businessSeconds: "business_seconds",
        as: "due_at",
        calendars,
      }),
    )
    .selectFrom("due")
    .select(["id", "due_at"])
    .orderBy("id")
    .execute();
  return result.map((row) => (row.due_at instanceof Date ? row.due_at.toISOString() : null));
}

const H = 3_600;

describe("business seconds between two instants", () => {
  test.for([
    // [what, calendar, start, end, business seconds]
    ["inside one span", "ny_extended", "2026-09-14T09:00:00-04:00", "2026-09-14T10:30:00-04:00", 1.5 * H],
    ["start before opening", "ny_extended", "2026-09-14T06:00:00-04:00", "2026-09-14T09:00:00-04:00", H],
    ["end after closing", "ny_extended", "2026-09-14T19:00:00-04:00", "2026-09-14T23:00:00-04:00", H],
    [
      "both outside hours, same night",
      "ny_extended",
      "2026-09-14T21:00:00-04:00",
      "2026-09-15T07:00:00-04:00",
      0,
    ],
    [
      "across a weekend (Sunday closed)",
      "ny_extended",
      "2026-09-12T19:00:00-04:00",
      "2026-09-14T09:00:00-04:00",
      2 * H,
    ],
    [
      "across Sunday and Labor Day",
      "ny_extended",
      "2026-09-05T19:00:00-04:00",
      "2026-09-08T09:00:00-04:00",
      2 * H,
    ],
    ["a whole week", "ny_extended", "2026-09-14T00:00:00-04:00", "2026-09-21T00:00:00-04:00", 6 * 12 * H],
    ["zero length", "ny_extended", "2026-09-14T10:00:00-04:00", "2026-09-14T10:00:00-04:00", 0],
    ["one second", "ny_extended", "2026-09-14T10:00:00-04:00", "2026-09-14T10:00:01-04:00", 1],
    [
      "two seconds around closing",
      "ny_extended",
      "2026-09-14T19:59:59-04:00",
      "2026-09-14T20:00:01-04:00",
      1,
    ],
    [
      "exactly at opening and closing",
      "ny_extended",
      "2026-09-14T08:00:00-04:00",
      "2026-09-14T20:00:00-04:00",
      12 * H,
    ],
    [
      "end before start: negative",
      "ny_extended",
      "2026-09-14T10:30:00-04:00",
      "2026-09-14T09:00:00-04:00",
      -1.5 * H,
    ],
    ["lunch break", "berlin_lunch", "2026-09-14T11:30:00+02:00", "2026-09-14T13:30:00+02:00", H],
    [
      "after-midnight span, from before it to after it",
      "ny_night",
      "2026-09-14T21:00:00-04:00",
      "2026-09-15T07:00:00-04:00",
      8 * H,
    ],
    [
      "after-midnight span, both after midnight",
      "ny_night",
      "2026-09-15T01:00:00-04:00",
      "2026-09-15T02:30:00-04:00",
      1.5 * H,
    ],
    [
      "spring forward, New York night",
      "ny_night",
      "2026-03-07T21:00:00-05:00",
      "2026-03-08T07:00:00-04:00",
      7 * H,
    ],
    [
      "fall back, New York night",
      "ny_night",
      "2026-10-31T21:00:00-04:00",
      "2026-11-01T07:00:00-05:00",
      9 * H,
    ],
    [
      "spring forward, New York day: still 12 h",
      "ny_daily",
      "2026-03-08T00:00:00-05:00",
      "2026-03-09T00:00:00-04:00",
      12 * H,
    ],
    [
      "spring forward, Berlin night",
      "berlin_night",
      "2026-03-28T21:00:00+01:00",
      "2026-03-29T07:00:00+02:00",
      7 * H,
    ],
    [
      "fall back, Berlin night",
      "berlin_night",
      "2026-10-24T21:00:00+02:00",
      "2026-10-25T07:00:00+01:00",
      9 * H,
    ],
    [
      "fall back, Berlin all day",
      "berlin_all_day",
      "2026-10-25T00:00:00+02:00",
      "2026-10-26T00:00:00+01:00",
      25 * H,
    ],
    [
      "inside the repeated hour",
      "berlin_all_day",
      "2026-10-25T02:30:00+02:00",
      "2026-10-25T02:30:00+01:00",
      H,
    ],
    ["24x7 over a week", "always_on", "2026-09-14T00:00:00-04:00", "2026-09-21T00:00:00-04:00", 7 * 24 * H],
  ] as const)("%s", async ([, calendar, start, end, expected]) => {
    expect(await betweenRows([{ calendar, start, end }])).toEqual([expected]);
  });

  test("NULL when an instant is missing or outside coverage, or the calendar is unknown", async () => {
    expect(
      await betweenRows([
        { calendar: "ny_extended", start: null, end: "2026-09-14T10:00:00Z" },
        { calendar: "ny_extended", start: "2025-12-31T12:00:00Z", end: "2026-01-02T12:00:00Z" },
        { calendar: "ny_extended", start: "2026-12-31T12:00:00Z", end: "2027-01-02T12:00:00Z" },
        { calendar: "no_such_calendar", start: "2026-09-14T10:00:00Z", end: "2026-09-14T11:00:00Z" },
        { calendar: null, start: "2026-09-14T10:00:00Z", end: "2026-09-14T11:00:00Z" },
        // Covered from local midnight: 00:00 New York on 1 January is in, with nothing before it.
        { calendar: "ny_extended", start: "2026-01-01T00:00:00-05:00", end: "2026-01-02T09:00:00-05:00" },
      ]),
    ).toEqual([null, null, null, null, null, 13 * H]);
  });
});

describe("due time: when N business seconds have passed", () => {
  test.for([
    // [what, calendar, start, business seconds, due]
    ["start inside hours", "ny_extended", "2026-09-14T09:00:00-04:00", H, "2026-09-14T14:00:00.000Z"],
    ["start before opening", "ny_extended", "2026-09-14T06:00:00-04:00", H, "2026-09-14T13:00:00.000Z"],
    ["start on a Sunday", "ny_extended", "2026-09-13T12:00:00-04:00", H, "2026-09-14T13:00:00.000Z"],
    [
      "reached exactly at closing: due at closing",
      "ny_extended",
      "2026-09-11T18:00:00-04:00",
      2 * H,
      "2026-09-12T00:00:00.000Z",
    ],
    [
      "one second more: the next opening plus one",
      "ny_extended",
      "2026-09-11T18:00:00-04:00",
      2 * H + 1,
      "2026-09-12T12:00:01.000Z",
    ],
    [
      "over Sunday and Labor Day",
      "ny_extended",
      "2026-09-05T19:00:00-04:00",
      2 * H,
      "2026-09-08T13:00:00.000Z",
    ],
    [
      "zero: the start itself, even outside hours",
      "ny_extended",
      "2026-09-13T12:00:00-04:00",
      0,
      "2026-09-13T16:00:00.000Z",
    ],
    ["lunch break", "berlin_lunch", "2026-09-14T11:30:00+02:00", H, "2026-09-14T11:30:00.000Z"],
    [
      "Friday afternoon to Monday (Berlin)",
      "berlin_lunch",
      "2026-09-11T16:00:00+02:00",
      2 * H,
      "2026-09-14T07:00:00.000Z",
    ],
    ["after-midnight span", "ny_night", "2026-09-14T23:00:00-04:00", 5 * H, "2026-09-15T08:00:00.000Z"],
    [
      "spring forward night: 7 h fill it",
      "ny_night",
      "2026-03-07T22:00:00-05:00",
      7 * H,
      "2026-03-08T10:00:00.000Z",
    ],
    [
      "spring forward night plus one second",
      "ny_night",
      "2026-03-07T22:00:00-05:00",
      7 * H + 1,
      "2026-03-09T02:00:01.000Z",
    ],
    [
      "fall back night: 9 h fill it",
      "ny_night",
      "2026-10-31T22:00:00-04:00",
      9 * H,
      "2026-11-01T11:00:00.000Z",
    ],
    [
      "Berlin fall back, all day",
      "berlin_all_day",
      "2026-10-25T00:00:00+02:00",
      25 * H,
      "2026-10-25T23:00:00.000Z",
    ],
    ["24x7", "always_on", "2026-09-14T23:30:00-04:00", 45 * 60, "2026-09-15T04:15:00.000Z"],
  ] as const)("%s", async ([, calendar, start, seconds, due]) => {
    expect(await dueRows([{ calendar, start, seconds }])).toEqual([due]);
  });

  test("NULL past the end of coverage, for a start outside it, or with no duration", async () => {
    expect(
      await dueRows([
        { calendar: "ny_extended", start: "2026-12-31T10:00:00-05:00", seconds: 100 * H },
        { calendar: "ny_extended", start: "2025-12-31T10:00:00-05:00", seconds: H },
        { calendar: "ny_extended", start: "2026-09-14T10:00:00-04:00", seconds: null },
        { calendar: "ny_extended", start: null, seconds: H },
      ]),
    ).toEqual([null, null, null, null]);
  });

  test("a constant duration is a bound parameter", async () => {
    const query = businessDueAt({
      from: "given",
      calendar: "calendar",
      start: "start_at",
      businessSeconds: 5400,
      as: "due_at",
    });
    const compiled = query.compile(coldKysely());
    expect(compiled.parameters).toContain(5400);
    expect(compiled.sql).not.toContain("5400");
    await given([{ calendar: "ny_extended", start: "2026-09-14T19:00:00-04:00" }]);
    const { rows } = await query.execute(db());
    expect(rows.map((row) => (row.due_at as Date).toISOString())).toEqual(["2026-09-15T12:30:00.000Z"]);
    // The helper columns do not leak into the output.
    expect(Object.keys(rows[0] ?? {}).sort()).toEqual([
      "business_seconds",
      "calendar",
      "due_at",
      "end_at",
      "id",
      "start_at",
    ]);
  });

  test("names are identifiers, never SQL", () => {
    expect(() =>
      businessSecondsBetween({
        from: "given; drop table x",
        calendar: "calendar",
        start: "a",
        end: "b",
        as: "s",
      }),
    ).toThrow(RangeError);
    expect(() =>
      businessSecondsBetween({ from: "given", calendar: "calendar", start: 'a" or 1=1', end: "b", as: "s" }),
    ).toThrow(RangeError);
  });
});

describe("the clock and its inverse", () => {
  test("clock readings, and the first instant each reading is reached", async () => {
    // The fixture ny_extended has no New Year holiday: Thursday 1 January is open 08:00-20:00.
    await given([
      { calendar: "ny_extended", start: "2026-01-01T00:00:00-05:00" }, // the covered start: clock 0
      { calendar: "ny_extended", start: "2026-01-02T08:00:00-05:00" }, // Friday's opening: 12 h
      { calendar: "ny_extended", start: "2026-01-02T09:00:00-05:00" }, // an hour later: 13 h
    ]);
    const clocked = await db()
      .with("clocked", () =>
        businessClockAt({ from: "given", calendar: "calendar", at: "start_at", as: "clock_s" }),
      )
      .with("back", () =>
        instantAtBusinessClock({ from: "clocked", calendar: "calendar", clock: "clock_s", as: "reached_at" }),
      )
      .selectFrom("back")
      .select(["id", "clock_s", "reached_at"])
      .orderBy("id")
      .execute();
    expect(clocked.map((row) => [row.clock_s, (row.reached_at as Date).toISOString()])).toEqual([
      [0, "2026-01-01T05:00:00.000Z"],
      [12 * H, "2026-01-02T01:00:00.000Z"], // reached at the close of 1 January, not at the next opening
      [13 * H, "2026-01-02T14:00:00.000Z"],
    ]);
  });
});

describe("the SQL agrees with a plain JavaScript walk over the spans", () => {
  const expanded = () =>
    Object.fromEntries(
      Object.entries(calendars).map(([name, calendar]) => [name, expandCalendar(name, calendar, RANGE_2026)]),
    );

  test("on 3,000 random cases over every calendar (seeded), including span edges and zero", async () => {
    const rng = createRng(20260907);
    const byCalendar = expanded();
    const names = Object.keys(byCalendar).sort();
    const cases: { calendar: string; start: number; end: number; seconds: number }[] = [];
    for (let i = 0; i < 3000; i++) {
      const calendar = names[rng.nextInt(names.length)] ?? "";
      const { spans, coverage } = byCalendar[calendar] ?? {
        spans: [],
        coverage: { covered_from: 0, covered_to: 0 },
      };
      const pick = rng.next();
      let start: number;
      if (pick < 0.3 && spans.length > 0) {
        // On a span edge, or a second either side of it.
        const span = spans[rng.nextInt(spans.length)];
        const edge = rng.next() < 0.5 ? (span?.span_start ?? 0) : (span?.span_end ?? 0);
        start = edge + (rng.nextInt(3) - 1) * 1000;
      } else {
        const seconds = Math.floor((coverage.covered_to - coverage.covered_from) / 1000);
        start = coverage.covered_from + rng.nextInt(seconds) * 1000;
      }
      start = Math.min(Math.max(start, coverage.covered_from), coverage.covered_to);
      const lengthS = rng.next() < 0.05 ? 0 : rng.nextInt(20 * 86_400) - (rng.next() < 0.1 ? 5 * 86_400 : 0);
      const end = Math.min(Math.max(start + lengthS * 1000, coverage.covered_from), coverage.covered_to);
      const seconds = rng.next() < 0.05 ? 0 : rng.nextInt(200 * H);
      cases.push({ calendar, start, end, seconds });
    }
    const between = await betweenRows(cases);
    const due = await dueRows(cases);
    const mismatches: unknown[] = [];
    cases.forEach((c, i) => {
      const { spans, coverage } = byCalendar[c.calendar] ?? { spans: [], coverage: undefined };
      if (!coverage) throw new Error(c.calendar);
      const expectedBetween = referenceBusinessSeconds(spans, coverage, c.start, c.end);
      const expectedDue = referenceDueAt(spans, coverage, c.start, c.seconds);
      const expectedDueIso = expectedDue === null ? null : new Date(expectedDue).toISOString();
      if (between[i] !== expectedBetween || due[i] !== expectedDueIso) {
        mismatches.push({ ...c, between: between[i], expectedBetween, due: due[i], expectedDueIso });
      }
    });
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The random cases did reach the interesting places.
    expect(due.filter((d) => d === null).length).toBeGreaterThan(0);
    expect(between.filter((b) => b !== null && b < 0).length).toBeGreaterThan(0);

    // Split by calendar (`calendars`, the fast form models use): the same answers, row for row; a
    // calendar left out of the list reads NULL.
    expect(await betweenRows(cases, names)).toEqual(between);
    expect(await dueRows(cases, names)).toEqual(due);
    const withoutFirst = names.slice(1);
    const partial = await betweenRows(cases, withoutFirst);
    expect(partial).toEqual(cases.map((c, i) => (c.calendar === names[0] ? null : between[i])));
    const clocks = await db()
      .with("clocked", () =>
        businessClockAt({
          from: "given",
          calendar: "calendar",
          at: "start_at",
          as: "clock_s",
          calendars: names,
        }),
      )
      .with("back", () =>
        instantAtBusinessClock({
          from: "clocked",
          calendar: "calendar",
          clock: "clock_s",
          as: "reached_at",
          calendars: names,
        }),
      )
      .with("generic", () =>
        businessClockAt({ from: "given", calendar: "calendar", at: "start_at", as: "clock_s" }),
      )
      .selectFrom("back")
      .innerJoin("generic", "generic.id", "back.id")
      .select(["back.id", "back.clock_s", "generic.clock_s as generic_clock_s", "back.reached_at"])
      .orderBy("back.id")
      .execute();
    expect(clocks).toHaveLength(cases.length);
    expect(clocks.filter((row) => row.clock_s !== row.generic_clock_s)).toEqual([]);
    // Reading the clock and finding when it reaches that reading lands at or before the instant.
    expect(
      clocks.filter(
        (row, i) => row.reached_at instanceof Date && row.reached_at.getTime() > (cases[i]?.start ?? 0),
      ),
    ).toEqual([]);
  });

  test("around every 2026 DST change, business time equals the quarter-hours whose local wall clock is in business hours", async () => {
    // An independent check of the span generation: read each quarter-hour's local date and time with
    // Intl and test it against the weekly hours, with no conversion from wall time to instants.
    const windows = [
      ["2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z"],
      ["2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z"],
      ["2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z"],
      ["2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z"],
      ["2026-12-22T00:00:00Z", "2026-12-29T00:00:00Z"],
    ] as const;
    const names = Object.keys(calendars)
      .filter((name) => name !== "ny_dst_edges") // its spans start inside the skipped/repeated hours by design
      .sort();
    const rows: Given[] = names.flatMap((calendar) =>
      windows.map(([start, end]) => ({ calendar, start, end })),
    );
    const sql = await betweenRows(rows);
    const wallClock = rows.map((row) => {
      const calendar = calendars[row.calendar ?? ""];
      if (!calendar) throw new Error(String(row.calendar));
      let seconds = 0;
      for (let t = at(String(row.start)); t < at(String(row.end)); t += 15 * 60_000) {
        if (isBusinessByWallClock(calendar, t)) seconds += 15 * 60;
      }
      return seconds;
    });
    expect(sql).toEqual(wallClock);
  });
});

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** Is instant t inside the calendar's hours, judged from the local wall clock at t. */
function isBusinessByWallClock(calendar: Calendar, t: number): boolean {
  let format = wallFormats.get(calendar.time_zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-CA", {
      timeZone: calendar.time_zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    });
    wallFormats.set(calendar.time_zone, format);
  }
  const part = Object.fromEntries(format.formatToParts(t).map((p) => [p.type, p.value]));
  const date = `${part.year}-${part.month}-${part.day}`;
  const minute = Number(part.hour) * 60 + Number(part.minute);
  const dayBefore = new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const isHoliday = (d: string) => calendar.holidays.some((h) => h.from <= d && d <= h.to);
  const weekday = (d: string) => WEEKDAYS[(new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7] ?? "mon";
  const today = isHoliday(date) ? [] : (calendar.hours[weekday(date)] ?? []);
  const yesterday = isHoliday(dayBefore) ? [] : (calendar.hours[weekday(dayBefore)] ?? []);
  return (
    today.some((span) => span.start_min <= minute && minute < span.end_min) ||
    yesterday.some((span) => span.end_min > 1440 && minute < span.end_min - 1440)
  );
}
