/** Hand-made calendars for the business-time tests: each exercises one thing a real calendar can do. */
import { type Calendar, Calendar as CalendarSchema } from "../../../models/policy/schema.ts";

const everyDay = (spans: string[]) => ({
  mon: spans,
  tue: spans,
  wed: spans,
  thu: spans,
  fri: spans,
  sat: spans,
  sun: spans,
});

export const FIXTURE_CALENDARS: Record<string, Calendar> = {
  // Monday to Saturday 08:00-20:00, Labor Day and a Thanksgiving range off.
  ny_extended: CalendarSchema.parse({
    time_zone: "America/New_York",
    hours: { ...everyDay(["08:00-20:00"]), sun: [] },
    holidays: [
      { date: "2026-09-07", name: "Labor Day" },
      { from: "2026-11-26", to: "2026-11-27" },
    ],
  }),
  // Every day 08:00-20:00, so the DST Sundays have hours.
  ny_daily: CalendarSchema.parse({ time_zone: "America/New_York", hours: everyDay(["08:00-20:00"]) }),
  // A night desk: every day 22:00 to 06:00 the next morning; Christmas Day off.
  ny_night: CalendarSchema.parse({
    time_zone: "America/New_York",
    hours: everyDay(["22:00-06:00"]),
    holidays: ["2026-12-25"],
  }),
  // Monday to Friday with a lunch break.
  berlin_lunch: CalendarSchema.parse({
    time_zone: "Europe/Berlin",
    hours: {
      mon: ["08:00-12:00", "13:00-17:00"],
      tue: ["08:00-12:00", "13:00-17:00"],
      wed: ["08:00-12:00", "13:00-17:00"],
      thu: ["08:00-12:00", "13:00-17:00"],
      fri: ["08:00-12:00", "13:00-17:00"],
    },
    holidays: [{ from: "2026-12-24", to: "2026-12-26", name: "Weihnachten" }],
  }),
  berlin_night: CalendarSchema.parse({ time_zone: "Europe/Berlin", hours: everyDay(["22:00-06:00"]) }),
  berlin_all_day: CalendarSchema.parse({ time_zone: "Europe/Berlin", hours: everyDay(["00:00-24:00"]) }),
  // Spans that start or end in the hour New York skips or repeats.
  ny_dst_edges: CalendarSchema.parse({
    time_zone: "America/New_York",
    hours: { sun: ["01:30-02:30", "02:40-02:50", "03:30-04:00"], sat: ["23:00-24:00"] },
  }),
};

/** The year the tests cover: both DST changes of 2026 in both zones. */
export const RANGE_2026 = { from: "2026-01-01", to: "2026-12-31" } as const;

/** Epoch ms of an ISO instant (with Z or an offset). */
export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${iso}`);
  return ms;
};
