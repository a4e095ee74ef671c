import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { BusinessCalendar } from "../../simulator/calendar.ts";
import { parseDurationText } from "../../simulator/duration.ts";
import { loadScenario, parseScenario, ScenarioError, scenarioJsonSchema } from "../../simulator/scenario.ts";
import { compileScenario } from "../../simulator/scenario-plan.ts";
import { flatSchedule, shiftSchedule } from "../../simulator/staff-schedule.ts";
import { parseInstant } from "../../simulator/time-zone.ts";

const SCENARIOS = new URL("../../simulator/scenarios/", import.meta.url);

/** A small valid scenario as YAML text; tests break one line of it. */
const VALID = `name: tiny
start: 2026-03-02T00:00
horizon: 2d
queues:
  - name: payment_hold
    arrivals: { daily_volume: 100 }
    handle_time: { kind: lognormal, mean: 300, sd: 120 }
    sla: { target: 4h, attainment_target: 0.9 }
  - name: allocation_failure
    arrivals: { daily_volume: 50 }
    handle_time: { kind: exponential, mean: 300 }
    sla: { target: 8h, calendar: office, attainment_target: 0.9 }
calendars:
  office:
    zone: Europe/London
    hours: [{ days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00" }]
staff:
  - group: team
    skills: [payment_hold, allocation_failure]
    agents: 3
`;

describe("scenario files", () => {
  test.for(readdirSync(SCENARIOS).filter((file) => file.endsWith(".yaml")))(
    "example %s is valid and compiles",
    (file) => {
      const spec = loadScenario(new URL(file, SCENARIOS).pathname);
      const plan = compileScenario(spec);
      expect(plan.queues.length).toBeGreaterThan(0);
      expect(plan.intervals * plan.interval_s).toBe(plan.horizon_s);
    },
  );

  test("defaults: 15-minute intervals, FIFO, 10 replications, seed 1, first replication's cases", () => {
    const spec = parseScenario(VALID, "tiny.yaml");
    expect(spec).toMatchObject({
      interval: 900,
      routing: "fifo",
      replications: 10,
      seed: 1,
      case_records: "first",
      warmup: 0,
    });
    expect(spec.horizon).toBe(2 * 86_400);
    expect(spec.queues[0]?.sla).toMatchObject({ target: 4 * 3600, calendar: "24x7", measure: "resolution" });
  });

  // Each case replaces one piece of VALID; the message must name the file, the line and the YAML path.
  test.for([
    [
      "sd: 120",
      "sd: -5",
      "tiny.yaml:7: queues[0].handle_time.sd: must be a finite non-negative number, got -5",
    ],
    [
      "kind: exponential, mean: 300",
      "kind: exponential, mean: 0",
      "tiny.yaml:11: queues[1].handle_time.mean: must be a finite positive number, got 0",
    ],
    [
      "calendar: office",
      "calendar: head_office",
      "tiny.yaml:12: queues[1].sla.calendar: no calendar named head_office under calendars",
    ],
    [
      "horizon: 2d",
      "horizon: 2 days",
      'tiny.yaml:3: horizon: a duration is seconds or a number with a unit: "90s", "15m", "4h", "2d", "1w"',
    ],
    ["horizon: 2d", "horizon: 100m", "tiny.yaml:3: horizon: must be a whole number of intervals"],
    [
      "zone: Europe/London",
      "zone: Europe/Londres",
      "tiny.yaml:15: calendars.office.zone: is not an IANA time zone",
    ],
    [
      'from: "09:00"',
      'from: "9am"',
      'tiny.yaml:16: calendars.office.hours[0].from: a time of day is "HH:MM"',
    ],
    [
      "skills: [payment_hold, allocation_failure]",
      "skills: [payment_hold, returns]",
      "tiny.yaml:19: staff[0].skills[1]: no queue named returns",
    ],
    [
      "skills: [payment_hold, allocation_failure]",
      "skills: [payment_hold]",
      "tiny.yaml:9: queues[1].name: no staff group has the skill allocation_failure",
    ],
    ["agents: 3", "agents: 3\n    agent_count: 4", "tiny.yaml:21: staff[0].agent_count: unknown key"],
    [
      "attainment_target: 0.9 }\n  - name",
      "attainment_target: 1.5 }\n  - name",
      "tiny.yaml:8: queues[0].sla.attainment_target: Too big",
    ],
    [
      "start: 2026-03-02T00:00",
      "start: 2026-02-30T00:00",
      'tiny.yaml:2: start: "2026-02-30T00:00" is not an instant',
    ],
  ])("%s → %s is reported as: %s", ([from, to, message]) => {
    const text = VALID.replace(from as string, to as string);
    expect(text).not.toBe(VALID);
    let error: unknown;
    try {
      parseScenario(text, "tiny.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as ScenarioError).problems.join("\n")).toContain(message as string);
  });

  test("outage kinds surge their own queue by default, and say so when it is missing", () => {
    const text = `${VALID}events:\n  - { kind: carrier_disruption, start: 2026-03-02T08:00, end: 2026-03-02T12:00, multiplier: 3 }\n`;
    expect(() => parseScenario(text, "tiny.yaml")).toThrow(
      "tiny.yaml:22: events[0].queues: carrier_disruption surges shipment_exception by default, which is not a queue here: name the queues",
    );
  });

  test("YAML syntax errors name the line", () => {
    expect(() => parseScenario("name: x\nqueues: [\n", "bad.yaml")).toThrow(/^bad\.yaml:\d+: not valid YAML/);
  });

  test("docs/schemas/scenario.schema.json is the schema's current JSON Schema", () => {
    const published = JSON.parse(
      readFileSync(new URL("../../docs/schemas/scenario.schema.json", import.meta.url), "utf8"),
    );
    expect(
      published,
      "stale: run `node bin/run-ts.js simulator/write-scenario-schema.ts` and commit the result",
    ).toEqual(scenarioJsonSchema());
    expect((published as { required: string[] }).required).toEqual([
      "name",
      "start",
      "horizon",
      "queues",
      "staff",
    ]);
  });
});

describe("durations and instants", () => {
  test.for([
    ["90s", 90],
    ["15m", 900],
    ["1.5h", 5400],
    ["2d", 172_800],
    ["1w", 604_800],
    ["15 minutes", undefined],
  ] as const)("%s is %s seconds", ([text, seconds]) => {
    expect(parseDurationText(text)).toBe(seconds);
  });

  test("plain instants are read in the zone, across a DST change; a skipped wall time moves forward", () => {
    expect(parseInstant("2026-03-27T09:00", "Europe/London")).toBe(Date.parse("2026-03-27T09:00:00Z"));
    expect(parseInstant("2026-03-30T09:00", "Europe/London")).toBe(Date.parse("2026-03-30T08:00:00Z"));
    expect(parseInstant("2026-03-29T01:30", "Europe/London")).toBe(Date.parse("2026-03-29T01:30:00Z")); // 01:30 GMT → 02:30 BST
    expect(parseInstant("2026-11-01T01:30", "America/New_York")).toBe(Date.parse("2026-11-01T05:30:00Z")); // first of two
    expect(parseInstant("2026-11-27T08:00:00+01:00", "UTC")).toBe(Date.parse("2026-11-27T07:00:00Z"));
  });
});

describe("business calendars", () => {
  // Mon–Fri 09:00–17:00 London, Good Friday and Easter Monday 2026 off; the clocks go forward on 29 March.
  const epoch = Date.parse("2026-03-23T00:00:00Z"); // Monday, GMT
  const calendar = new BusinessCalendar(
    {
      zone: "Europe/London",
      hours: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", to: "17:00" }],
      holidays: ["2026-04-03", "2026-04-06"],
    },
    epoch,
  );
  const at = (iso: string) => (Date.parse(iso) - epoch) / 1000;
  const iso = (t: number) => new Date(epoch + t * 1000).toISOString();

  test("a due time skips the night and the weekend", () => {
    expect(iso(calendar.add(at("2026-03-27T16:00:00Z"), 2 * 3600))).toBe("2026-03-30T09:00:00.000Z"); // Fri 16:00 GMT + 2h → Mon 10:00 BST
    expect(iso(calendar.add(at("2026-03-24T20:00:00Z"), 3600))).toBe("2026-03-25T10:00:00.000Z"); // after hours: clock starts at 09:00
  });

  test("holidays have no business hours; between and add agree", () => {
    // Thu 2 April 15:00 BST + 4 business hours: 2 on Thursday, Good Friday and Easter Monday off → Tuesday 11:00.
    const from = at("2026-04-02T14:00:00Z");
    const due = calendar.add(from, 4 * 3600);
    expect(iso(due)).toBe("2026-04-07T10:00:00.000Z");
    expect(calendar.between(from, due)).toBe(4 * 3600);
    expect(calendar.between(at("2026-03-28T00:00:00Z"), at("2026-03-30T00:00:00Z"))).toBe(0);
  });

  test("instants before the start and far past it are compiled on demand", () => {
    expect(calendar.between(at("2026-01-05T00:00:00Z"), at("2026-01-12T00:00:00Z"))).toBe(5 * 8 * 3600);
    expect(iso(calendar.add(at("2026-12-31T16:00:00Z"), 2 * 3600))).toBe("2027-01-01T10:00:00.000Z");
  });
});

describe("staff schedules", () => {
  const epoch = Date.parse("2026-03-02T00:00:00Z"); // Monday
  const levelAt = (schedule: { times: Float64Array; productive: Float64Array }, t: number) => {
    let i = 0;
    while (i + 1 < schedule.times.length && (schedule.times[i + 1] as number) <= t) i++;
    return schedule.productive[i] as number;
  };

  test("breaks are staggered so that the window always has the same share off", () => {
    // 4 agents, 30 minutes each inside 12:00–14:00: starts 12:00, 12:30, 13:00, 13:30 → always one off.
    const schedule = shiftSchedule(
      [
        {
          zone: "UTC",
          days: ["mon"],
          start: "09:00",
          end: "17:00",
          agents: 4,
          breaks: [{ from: "12:00", to: "14:00", length: 1800 }],
        },
      ],
      0,
      epoch,
      86_400,
      900,
    );
    const hour = 3600;
    expect([8, 9, 11.9, 12, 12.6, 13.9, 14, 16.9, 17].map((h) => levelAt(schedule, h * hour))).toEqual([
      0, 4, 4, 3, 3, 3, 4, 4, 0,
    ]);
  });

  test("an overnight shift runs past midnight, and shrinkage takes exactly its share of agent-time", () => {
    const schedule = shiftSchedule(
      [{ zone: "UTC", days: ["mon", "tue"], start: "22:00", end: "06:00", agents: 5, breaks: [] }],
      0.3,
      epoch,
      3 * 86_400,
      900,
    );
    let productive = 0;
    let rostered = 0;
    for (let i = 0; i < schedule.times.length; i++) {
      const end = i + 1 < schedule.times.length ? (schedule.times[i + 1] as number) : 3 * 86_400;
      productive += (schedule.productive[i] as number) * (end - (schedule.times[i] as number));
      rostered += (schedule.rostered[i] as number) * (end - (schedule.times[i] as number));
    }
    expect(rostered).toBe(2 * 8 * 3600 * 5);
    expect(Math.abs(productive / rostered - 0.7)).toBeLessThan(900 / rostered + 1e-9); // within one agent-interval
    expect(levelAt({ times: schedule.times, productive: schedule.rostered }, 86_400 + 3 * 3600)).toBe(5); // Tue 03:00
    expect(flatSchedule(10, 0.25, 86_400, 900).productive.every((n) => n === 7 || n === 8)).toBe(true);
  });
});
