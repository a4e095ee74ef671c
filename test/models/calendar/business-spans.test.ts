import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Warehouse } from "../../../ingest/warehouse.ts";
import {
  type BusinessSpan,
  expandCalendar,
  localWallTimeToInstant,
  materializeCalendarSpans,
} from "../../../models/calendar/business-spans.ts";
import { at, FIXTURE_CALENDARS, RANGE_2026 } from "./fixtures.ts";

const calendar = (name: string) => {
  const found = FIXTURE_CALENDARS[name];
  if (!found) throw new Error(`no fixture calendar ${name}`);
  return found;
};

/** The spans of a calendar over 2026 that belong to one local date, as ISO instants and lengths. */
function spansOn(name: string, localDate: string) {
  return expandCalendar(name, calendar(name), RANGE_2026)
    .spans.filter((span) => span.local_date === localDate)
    .map((span) => [
      new Date(span.span_start).toISOString(),
      new Date(span.span_end).toISOString(),
      span.span_s,
    ]);
}

describe("local wall-clock time to instant", () => {
  test.for([
    // An ordinary time: the one instant showing it.
    ["America/New_York", "2026-03-07T08:00", "2026-03-07T13:00:00.000Z"],
    // Spring forward (02:00 EST → 03:00 EDT): a skipped time maps to the instant of the jump.
    ["America/New_York", "2026-03-08T01:59", "2026-03-08T06:59:00.000Z"],
    ["America/New_York", "2026-03-08T02:00", "2026-03-08T07:00:00.000Z"],
    ["America/New_York", "2026-03-08T02:30", "2026-03-08T07:00:00.000Z"],
    ["America/New_York", "2026-03-08T03:00", "2026-03-08T07:00:00.000Z"],
    ["America/New_York", "2026-03-08T08:00", "2026-03-08T12:00:00.000Z"],
    // Fall back (02:00 EDT → 01:00 EST): a repeated time maps to its first occurrence.
    ["America/New_York", "2026-11-01T01:30", "2026-11-01T05:30:00.000Z"],
    ["America/New_York", "2026-11-01T02:00", "2026-11-01T07:00:00.000Z"],
    ["Europe/Berlin", "2026-03-29T02:30", "2026-03-29T01:00:00.000Z"],
    ["Europe/Berlin", "2026-03-29T03:00", "2026-03-29T01:00:00.000Z"],
    ["Europe/Berlin", "2026-10-25T02:30", "2026-10-25T00:30:00.000Z"],
    ["Europe/Berlin", "2026-10-25T03:00", "2026-10-25T02:00:00.000Z"],
  ] as const)("%s %s is %s", ([zone, wall, instant]) => {
    expect(new Date(localWallTimeToInstant(zone, at(`${wall}Z`))).toISOString()).toBe(instant);
  });
});

describe("expanding a calendar into spans", () => {
  test("08:00-20:00 stays 12 hours on both DST Sundays in New York: the clocks change at night", () => {
    expect(spansOn("ny_daily", "2026-03-07")).toEqual([
      ["2026-03-07T13:00:00.000Z", "2026-03-08T01:00:00.000Z", 43_200],
    ]);
    expect(spansOn("ny_daily", "2026-03-08")).toEqual([
      ["2026-03-08T12:00:00.000Z", "2026-03-09T00:00:00.000Z", 43_200],
    ]);
    expect(spansOn("ny_daily", "2026-11-01")).toEqual([
      ["2026-11-01T13:00:00.000Z", "2026-11-02T01:00:00.000Z", 43_200],
    ]);
  });

  test("a night span across the change is 7 hours in spring and 9 in autumn (New York)", () => {
    expect(spansOn("ny_night", "2026-03-07")).toEqual([
      ["2026-03-08T03:00:00.000Z", "2026-03-08T10:00:00.000Z", 25_200],
    ]);
    expect(spansOn("ny_night", "2026-03-08")).toEqual([
      ["2026-03-09T02:00:00.000Z", "2026-03-09T10:00:00.000Z", 28_800],
    ]);
    expect(spansOn("ny_night", "2026-10-31")).toEqual([
      ["2026-11-01T02:00:00.000Z", "2026-11-01T11:00:00.000Z", 32_400],
    ]);
  });

  test("the same in Berlin, and a whole day is 23 and 25 hours", () => {
    expect(spansOn("berlin_night", "2026-03-28")).toEqual([
      ["2026-03-28T21:00:00.000Z", "2026-03-29T04:00:00.000Z", 25_200],
    ]);
    expect(spansOn("berlin_night", "2026-10-24")).toEqual([
      ["2026-10-24T20:00:00.000Z", "2026-10-25T05:00:00.000Z", 32_400],
    ]);
    expect(spansOn("berlin_all_day", "2026-03-29")).toEqual([
      ["2026-03-28T23:00:00.000Z", "2026-03-29T22:00:00.000Z", 82_800],
    ]);
    expect(spansOn("berlin_all_day", "2026-10-25")).toEqual([
      ["2026-10-24T22:00:00.000Z", "2026-10-25T23:00:00.000Z", 90_000],
    ]);
  });

  test("spans that start or end in a skipped or repeated hour", () => {
    // 01:30-02:30 ends at the jump (30 min); 02:40-02:50 is skipped entirely; 03:30-04:00 is normal.
    expect(spansOn("ny_dst_edges", "2026-03-08")).toEqual([
      ["2026-03-08T06:30:00.000Z", "2026-03-08T07:00:00.000Z", 1_800],
      ["2026-03-08T07:30:00.000Z", "2026-03-08T08:00:00.000Z", 1_800],
    ]);
    // 01:30 first occurs at 05:30Z; 02:30 comes after the repeated hour: 1 h + the repeated hour.
    expect(spansOn("ny_dst_edges", "2026-11-01")[0]).toEqual([
      "2026-11-01T05:30:00.000Z",
      "2026-11-01T07:30:00.000Z",
      7_200,
    ]);
    // 23:00-24:00 on the Saturday before: ends at local midnight.
    expect(spansOn("ny_dst_edges", "2026-03-07")).toEqual([
      ["2026-03-08T04:00:00.000Z", "2026-03-08T05:00:00.000Z", 3_600],
    ]);
  });

  test("two spans a day around a lunch break", () => {
    expect(spansOn("berlin_lunch", "2026-09-14")).toEqual([
      ["2026-09-14T06:00:00.000Z", "2026-09-14T10:00:00.000Z", 14_400],
      ["2026-09-14T11:00:00.000Z", "2026-09-14T15:00:00.000Z", 14_400],
    ]);
    expect(spansOn("berlin_lunch", "2026-09-13")).toEqual([]); // Sunday
  });

  test("a holiday removes the spans that start on it; the eve's night span still runs into it", () => {
    expect(spansOn("ny_night", "2026-12-24")).toEqual([
      ["2026-12-25T03:00:00.000Z", "2026-12-25T11:00:00.000Z", 28_800],
    ]);
    expect(spansOn("ny_night", "2026-12-25")).toEqual([]);
    expect(spansOn("ny_night", "2026-12-26")).toHaveLength(1);
    expect(spansOn("ny_extended", "2026-09-07")).toEqual([]); // a single date
    expect(spansOn("ny_extended", "2026-11-26")).toEqual([]); // a range...
    expect(spansOn("ny_extended", "2026-11-27")).toEqual([]);
    expect(spansOn("ny_extended", "2026-11-28")).toHaveLength(1); // ...that ends
    expect(spansOn("berlin_lunch", "2026-12-24")).toEqual([]);
  });

  test("coverage runs local midnight to local midnight; spans are clipped to it", () => {
    const { spans, coverage } = expandCalendar("ny_night", calendar("ny_night"), {
      from: "2026-03-02",
      to: "2026-03-03",
    });
    expect(new Date(coverage.covered_from).toISOString()).toBe("2026-03-02T05:00:00.000Z");
    expect(new Date(coverage.covered_to).toISOString()).toBe("2026-03-04T05:00:00.000Z");
    expect(
      spans.map((s) => [
        s.local_date,
        new Date(s.span_start).toISOString(),
        new Date(s.span_end).toISOString(),
      ]),
    ).toEqual([
      // Sunday night's span, from the covered start to 06:00.
      ["2026-03-01", "2026-03-02T05:00:00.000Z", "2026-03-02T11:00:00.000Z"],
      ["2026-03-02", "2026-03-03T03:00:00.000Z", "2026-03-03T11:00:00.000Z"],
      // Tuesday night's span, cut at the covered end.
      ["2026-03-03", "2026-03-04T03:00:00.000Z", "2026-03-04T05:00:00.000Z"],
    ]);
    expect(coverage.business_s_total).toBe(6 * 3600 + 8 * 3600 + 2 * 3600);
    expect(() => expandCalendar("x", calendar("ny_night"), { from: "2026-03-03", to: "2026-03-02" })).toThrow(
      RangeError,
    );
  });

  test.for(Object.keys(FIXTURE_CALENDARS))(
    "%s: spans are ordered, disjoint, and the running count adds up",
    (name) => {
      const { spans, coverage } = expandCalendar(name, calendar(name), RANGE_2026);
      let previous: BusinessSpan | undefined;
      for (const span of spans) {
        expect(span.span_end).toBeGreaterThan(span.span_start);
        expect(span.span_s).toBe((span.span_end - span.span_start) / 1000);
        expect(span.business_s_at_end).toBe(span.business_s_at_start + span.span_s);
        expect(span.span_start).toBeGreaterThanOrEqual(previous?.span_end ?? coverage.covered_from);
        expect(span.business_s_at_start).toBe(previous?.business_s_at_end ?? 0);
        previous = span;
      }
      expect(previous?.span_end ?? 0).toBeLessThanOrEqual(coverage.covered_to);
      expect(coverage.business_s_total).toBe(previous?.business_s_at_end ?? 0);
    },
  );
});

describe("materialising into the warehouse", () => {
  let warehouse: Warehouse;
  beforeAll(async () => {
    warehouse = await Warehouse.open(":memory:");
  });
  afterAll(() => warehouse.close());

  test("calendar_spans and calendar_coverage hold exactly the expanded spans", async () => {
    const range = { from: "2026-03-01", to: "2026-03-31" };
    const result = await materializeCalendarSpans(warehouse, FIXTURE_CALENDARS, range);
    const expected = Object.entries(FIXTURE_CALENDARS).map(([name, cal]) => expandCalendar(name, cal, range));
    expect(result).toEqual({
      calendars: expected.length,
      spans: expected.reduce((n, e) => n + e.spans.length, 0),
    });
    const rows = await warehouse.all("SELECT * FROM calendar_spans WHERE calendar = $1 ORDER BY span_start", [
      "ny_night",
    ]);
    const ny = expected.find((e) => e.coverage.calendar === "ny_night");
    expect(rows).toEqual(
      ny?.spans.map((span) => ({
        ...span,
        span_start: new Date(span.span_start),
        span_end: new Date(span.span_end),
      })),
    );
    expect(
      await warehouse.one("SELECT * FROM calendar_coverage WHERE calendar = $1", ["berlin_all_day"]),
    ).toEqual({
      calendar: "berlin_all_day",
      time_zone: "Europe/Berlin",
      covered_from: new Date("2026-02-28T23:00:00Z"),
      covered_to: new Date("2026-03-31T22:00:00Z"),
      // March in Berlin: 31 days less the hour skipped on the 29th.
      business_s_total: 31 * 86_400 - 3_600,
    });
    // Materialising again replaces, not appends.
    await materializeCalendarSpans(warehouse, FIXTURE_CALENDARS, range);
    expect(await warehouse.one("SELECT count(*) AS n FROM calendar_spans")).toEqual({ n: result.spans });
  });
});
