/**
 * The scenario file: what a workforce planner writes to ask "does this staffing hold the SLAs through
 * this peak?". YAML, validated by the zod schema below (published as JSON Schema at
 * docs/schemas/scenario.schema.json; docs/simulator.md explains every field with a worked example).
 *
 * Errors name the file, the line and the YAML path of the field, e.g.
 * `carrier-outage.yaml:31: queues[2].handle_time.sd: must be a finite non-negative number, got -5`.
 * Units: durations are seconds or "15m"/"4h"-style text (duration.ts); distribution parameters are
 * seconds; instants are "YYYY-MM-DDTHH:MM" in the scenario's zone, or ISO 8601 with Z or an offset.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { formatYamlIssue, parseYamlDocument } from "../ingest/yaml-document.ts";
import { CalendarSpec, ClockTime, clockMinutes, IsoDate, WEEKDAYS, Weekday } from "./calendar.ts";
import { DistributionSpec } from "./distributions.ts";
import { Duration, PositiveDuration } from "./duration.ts";
import { parseInstant, TimeZoneName } from "./time-zone.ts";

/** The built-in calendar in which every second is a business second. */
export const ALWAYS_OPEN_CALENDAR = "24x7";
/** Default queues of the outage kinds that surge one work type. */
export const OUTAGE_DEFAULT_QUEUES = {
  carrier_disruption: "shipment_exception",
  inventory_sync_failure: "allocation_failure",
} as const;
/** Longest horizon accepted: the engine keeps per-interval arrays for the whole run. */
const MAX_HORIZON_S = 3 * 366 * 86_400;

const Name = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, "a name is lower_snake_case: a letter, then letters, digits or _");
const Probability = z.number().min(0).max(1);
const BelowOne = z.number().min(0).lt(1);
const Instant = z.string().meta({
  description: 'An instant: "2026-11-27T08:00" in the scenario zone, or ISO 8601 with Z or an offset.',
});

const Profile = z
  .strictObject({
    hour_of_week: z
      .array(z.number().nonnegative())
      .length(168)
      .optional()
      .meta({ description: "168 weights, Monday 00:00–01:00 first; relative, need not sum to anything." }),
    day_of_week: z
      .array(z.number().nonnegative())
      .length(7)
      .optional()
      .meta({ description: "7 weights, Monday first: each weekday's share of the week's volume." }),
    hour_of_day: z
      .array(z.number().nonnegative())
      .length(24)
      .optional()
      .meta({ description: "24 weights, 00:00–01:00 first: the shape within every day." }),
  })
  .refine((profile) => !(profile.hour_of_week && (profile.day_of_week || profile.hour_of_day)), {
    message: "give either hour_of_week or day_of_week/hour_of_day, not both",
  })
  .refine((profile) => !profile.hour_of_week || profile.hour_of_week.some((w) => w > 0), {
    message: "hour_of_week needs at least one positive weight",
    path: ["hour_of_week"],
  })
  .refine((profile) => !profile.day_of_week || profile.day_of_week.some((w) => w > 0), {
    message: "day_of_week needs at least one positive weight",
    path: ["day_of_week"],
  })
  .refine((profile) => !profile.hour_of_day || profile.hour_of_day.some((w) => w > 0), {
    message: "hour_of_day needs at least one positive weight",
    path: ["hour_of_day"],
  });

const Arrivals = z.strictObject({
  daily_volume: z.number().nonnegative().meta({
    description: "Mean cases per day over a week; the profile spreads the week's 7 × daily_volume.",
  }),
  zone: TimeZoneName.optional().meta({
    description: "Zone the profile's hours are read in (default: the scenario's).",
  }),
  profile: Profile.optional().meta({ description: "Hour-of-week shape (default flat)." }),
  dates: z.record(IsoDate, z.number().nonnegative()).optional().meta({
    description: "Total volume of particular local dates, replacing the profile's share for that day.",
  }),
});

const Sla = z.strictObject({
  target: PositiveDuration.meta({ description: "Business time allowed per cycle, e.g. 4h." }),
  calendar: z
    .string()
    .default(ALWAYS_OPEN_CALENDAR)
    .meta({ description: 'Name of a calendar under `calendars`, or "24x7".' }),
  measure: z.enum(["resolution", "response"]).default("resolution").meta({
    description: "resolution: the cycle must be resolved by the due time; response: first touched.",
  }),
  attainment_target: z
    .number()
    .gt(0)
    .lt(1)
    .meta({ description: "Least acceptable share of cycles meeting the target (e.g. 0.9)." }),
});

const Queue = z.strictObject({
  name: Name,
  priority: z
    .number()
    .int()
    .min(1)
    .default(1)
    .meta({ description: "Work-type priority for `routing: priority` (1 = most urgent)." }),
  arrivals: Arrivals,
  handle_time: DistributionSpec.meta({ description: "Seconds of agent work per handling." }),
  sla: Sla,
  patience: DistributionSpec.optional().meta({
    description:
      "Seconds a case waits before it abandons (customer cancels, resolves itself); none by default.",
  }),
  rework_probability: BelowOne.default(0).meta({
    description: "Chance a handling is sent back to the queue at once (same SLA cycle, clock running).",
  }),
  reopen: z
    .strictObject({
      probability: BelowOne,
      delay: DistributionSpec.meta({ description: "Seconds from resolution to the reopen." }),
    })
    .optional()
    .meta({ description: "A resolved case comes back later as a new SLA cycle." }),
  dependency: z
    .strictObject({
      probability: Probability,
      party: z.string().min(1).meta({ description: "Who is waited on: customer, warehouse, carrier, ..." }),
      wait: DistributionSpec.meta({ description: "Seconds until the dependency returns." }),
      pauses_sla: z
        .boolean()
        .default(false)
        .meta({ description: "true: the SLA clock stops while waiting (due time moves out)." }),
      followup_handle_time: DistributionSpec.optional().meta({
        description: "Seconds of work after the return (default: handle_time).",
      }),
    })
    .optional()
    .meta({ description: "After the first handling, the case may wait on another party, then comes back." }),
  initial_backlog: z
    .strictObject({
      cases: z.number().int().nonnegative(),
      age: DistributionSpec.default({ kind: "deterministic", value: 0 }).meta({
        description: "Seconds each backlog case has been open at the start.",
      }),
    })
    .optional(),
});
export type QueueSpec = z.infer<typeof Queue>;

const QueueList = z.array(Name).min(1);
const windowFields = {
  name: z.string().optional(),
  start: Instant,
  end: Instant,
};
const Event = z.discriminatedUnion("kind", [
  z
    .strictObject({
      kind: z.literal("peak"),
      ...windowFields,
      multiplier: z.number().nonnegative(),
      queues: QueueList.optional(),
    })
    .meta({ description: "Arrivals × multiplier in [start, end) (promotion, launch, holiday)." }),
  z
    .strictObject({
      kind: z.literal("carrier_disruption"),
      ...windowFields,
      multiplier: z.number().nonnegative(),
      queues: QueueList.optional(),
    })
    .meta({ description: "A carrier disruption: shipment_exception arrivals × multiplier." }),
  z
    .strictObject({
      kind: z.literal("inventory_sync_failure"),
      ...windowFields,
      multiplier: z.number().nonnegative(),
      queues: QueueList.optional(),
    })
    .meta({ description: "An inventory-sync failure: allocation_failure arrivals × multiplier." }),
  z
    .strictObject({
      kind: z.literal("platform_outage"),
      ...windowFields,
      release: PositiveDuration.default(3600).meta({
        description: "Time over which the held intake is released after the outage (default 1h).",
      }),
      queues: QueueList.optional(),
    })
    .meta({ description: "Intake stops in [start, end); what would have arrived is released after it." }),
]);
export type EventSpec = z.infer<typeof Event>;

const Skill = z.union([
  Name.transform((queue) => ({ queue, priority: 1 })),
  z.strictObject({
    queue: Name,
    priority: z.number().int().min(1).default(1).meta({ description: "1 = the agent's first choice." }),
  }),
]);

const Break = z
  .strictObject({ from: ClockTime, to: ClockTime, length: PositiveDuration })
  .meta({ description: "Each agent takes `length` off inside [from, to), staggered evenly across agents." });

const Shift = z.strictObject({
  name: z.string().optional(),
  zone: TimeZoneName.optional().meta({ description: "Zone of start/end/breaks (default: the scenario's)." }),
  days: z
    .array(Weekday)
    .min(1)
    .default([...WEEKDAYS]),
  start: ClockTime,
  end: ClockTime.meta({ description: "At or before start: the shift ends the next day." }),
  agents: z.number().int().nonnegative(),
  breaks: z.array(Break).default([]),
  skip_holidays_of: z
    .string()
    .optional()
    .meta({ description: "A calendar name: the shift does not run on its holidays." }),
});
export type ShiftSpec = z.infer<typeof Shift>;

const Overtime = z
  .strictObject({
    backlog_at_least: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: "Trips when the group's queues hold at least this many open cases." }),
    oldest_age_at_least: PositiveDuration.optional().meta({
      description: "Trips when the oldest open case in the group's queues is at least this old.",
    }),
    agents: z.number().int().positive().meta({ description: "Extra agents while tripped." }),
    max_hours_per_day: z
      .number()
      .positive()
      .max(24)
      .meta({ description: "Hours of overtime intervals per day, in the scenario's zone." }),
    from: ClockTime.default("00:00").meta({
      description: "Overtime only in intervals starting from this local time (scenario zone).",
    }),
    to: ClockTime.default("24:00").meta({ description: "… and before this one." }),
  })
  .refine(
    (overtime) => overtime.backlog_at_least !== undefined || overtime.oldest_age_at_least !== undefined,
    {
      message: "give backlog_at_least, oldest_age_at_least or both",
    },
  );

const StaffGroup = z
  .strictObject({
    group: Name,
    skills: z.array(Skill).min(1),
    agents: z
      .union([z.number().int().nonnegative(), z.literal("unlimited")])
      .optional()
      .meta({
        description: 'Agents on duty around the clock ("unlimited": nobody ever waits); or give shifts.',
      }),
    shifts: z.array(Shift).min(1).optional(),
    shrinkage: BelowOne.default(0).meta({
      description: "Share of rostered time not available for work beyond the explicit breaks.",
    }),
    overtime: Overtime.optional(),
  })
  .refine((group) => (group.agents === undefined) !== (group.shifts === undefined), {
    message: "give either agents (around the clock) or shifts",
  });
export type StaffGroupSpec = z.infer<typeof StaffGroup>;

const Rebalancing = z.strictObject({
  every: PositiveDuration.default(3600).meta({ description: "How often cross-skilled groups are reviewed." }),
  at_risk: z.number().positive().default(0.75).meta({
    description: "Share of the SLA target used by the head-of-line case that makes a queue at risk.",
  }),
  switch_cost: Duration.default(600).meta({
    description: "Time each moved agent spends unavailable when the group's focus changes.",
  }),
});

export const ROUTING_POLICIES = ["fifo", "priority", "earliest_due"] as const;

export const ScenarioSpec = z
  .strictObject({
    name: z.string().min(1),
    description: z.string().optional(),
    start: Instant,
    zone: TimeZoneName.default("UTC").meta({ description: "Zone for plain instants and for daily volumes." }),
    horizon: PositiveDuration.meta({ description: "Length of the run, e.g. 14d." }),
    interval: PositiveDuration.default(900).meta({ description: "Reporting interval (default 15m)." }),
    warmup: Duration.default(0).meta({ description: "Initial time left out of the statistics." }),
    replications: z.number().int().min(1).max(1000).default(10),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .default(1),
    routing: z.enum(ROUTING_POLICIES).default("fifo").meta({
      description:
        "fifo: skill priority, then longest waiting; priority: work-type priority first; earliest_due: earliest SLA due time first.",
    }),
    case_records: z
      .enum(["first", "all", "none"])
      .default("first")
      .meta({ description: "Which replications write per-case records (sim_case)." }),
    calendars: z.record(Name, CalendarSpec).default({}),
    queues: z.array(Queue).min(1),
    events: z.array(Event).default([]),
    staff: z.array(StaffGroup).min(1),
    rebalancing: Rebalancing.optional().meta({
      description: "Move cross-skilled groups to the queue at worst SLA risk, at a switching cost.",
    }),
  })
  .superRefine(checkReferences);
export type ScenarioSpec = z.infer<typeof ScenarioSpec>;
/** What a scenario file may contain (defaults not yet applied). */
export type ScenarioInput = z.input<typeof ScenarioSpec>;

/** Checks across fields: names resolve, windows are ordered, durations fit the interval grid. */
function checkReferences(spec: ScenarioSpec, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: "custom", path, message });
  const startMs = parseInstant(spec.start, spec.zone);
  if (startMs === undefined) issue(["start"], `"${spec.start}" is not an instant (e.g. 2026-11-23T00:00)`);
  if (spec.horizon > MAX_HORIZON_S) issue(["horizon"], "must be at most 3 years");
  if (spec.interval < 60) issue(["interval"], "must be at least 1m");
  if (!Number.isInteger(spec.horizon / spec.interval))
    issue(["horizon"], "must be a whole number of intervals");
  if (!Number.isInteger(spec.warmup / spec.interval))
    issue(["warmup"], "must be a whole number of intervals");
  if (spec.warmup >= spec.horizon) issue(["warmup"], "must be shorter than the horizon");

  const calendars = new Set([ALWAYS_OPEN_CALENDAR, ...Object.keys(spec.calendars)]);
  const queueNames = new Set<string>();
  spec.queues.forEach((queue, i) => {
    if (queueNames.has(queue.name)) issue(["queues", i, "name"], `queue ${queue.name} is defined twice`);
    queueNames.add(queue.name);
    if (!calendars.has(queue.sla.calendar)) {
      issue(["queues", i, "sla", "calendar"], `no calendar named ${queue.sla.calendar} under calendars`);
    }
  });

  spec.events.forEach((event, i) => {
    const from = parseInstant(event.start, spec.zone);
    const to = parseInstant(event.end, spec.zone);
    if (from === undefined) issue(["events", i, "start"], `"${event.start}" is not an instant`);
    if (to === undefined) issue(["events", i, "end"], `"${event.end}" is not an instant`);
    if (from !== undefined && to !== undefined && to <= from)
      issue(["events", i, "end"], "must be after start");
    if (event.queues) {
      event.queues.forEach((queue, j) => {
        if (!queueNames.has(queue)) issue(["events", i, "queues", j], `no queue named ${queue}`);
      });
    } else if (event.kind === "carrier_disruption" || event.kind === "inventory_sync_failure") {
      const queue = OUTAGE_DEFAULT_QUEUES[event.kind];
      if (!queueNames.has(queue)) {
        issue(
          ["events", i, "queues"],
          `${event.kind} surges ${queue} by default, which is not a queue here: name the queues`,
        );
      }
    }
  });

  const groups = new Set<string>();
  const served = new Set<string>();
  spec.staff.forEach((group, i) => {
    if (groups.has(group.group)) issue(["staff", i, "group"], `group ${group.group} is defined twice`);
    groups.add(group.group);
    const skills = new Set<string>();
    group.skills.forEach((skill, j) => {
      if (!queueNames.has(skill.queue)) issue(["staff", i, "skills", j], `no queue named ${skill.queue}`);
      if (skills.has(skill.queue)) issue(["staff", i, "skills", j], `skill ${skill.queue} is listed twice`);
      skills.add(skill.queue);
      served.add(skill.queue);
    });
    group.shifts?.forEach((shift, j) => {
      if (shift.skip_holidays_of !== undefined && !calendars.has(shift.skip_holidays_of)) {
        issue(["staff", i, "shifts", j, "skip_holidays_of"], `no calendar named ${shift.skip_holidays_of}`);
      }
      shift.breaks.forEach((pause, k) => {
        let window = clockMinutes(pause.to) - clockMinutes(pause.from);
        if (window <= 0) window += 24 * 60;
        if (pause.length > window * 60) {
          issue(["staff", i, "shifts", j, "breaks", k, "length"], "is longer than its from–to window");
        }
      });
    });
  });
  spec.queues.forEach((queue, i) => {
    if (!served.has(queue.name)) issue(["queues", i, "name"], `no staff group has the skill ${queue.name}`);
  });
}

/** A scenario file that cannot be used, with every problem found (exit 2 in the CLI). */
export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    const [first, ...rest] = problems;
    super(rest.length === 0 ? (first as string) : `${first}\n${rest.map((p) => `  also ${p}`).join("\n")}`);
    this.name = "ScenarioError";
  }
}

/** Parses and validates scenario YAML text; `file` is only used in messages. */
export function parseScenario(text: string, file: string): ScenarioSpec {
  const result = parseYamlDocument(text, ScenarioSpec);
  if (result.ok) return result.data;
  throw new ScenarioError(
    file,
    result.issues.map((issue) => {
      // Distribution checks say "sd must be ..."; the path already names sd.
      const last = issue.path.split(/[.[]/).pop() ?? "";
      const message =
        last !== "" && issue.message.startsWith(`${last} `)
          ? issue.message.slice(last.length + 1)
          : issue.message;
      return formatYamlIssue(file, { ...issue, message });
    }),
  );
}

/** Reads and validates a scenario file. */
export function loadScenario(file: string): ScenarioSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new ScenarioError(file, [`${file}: cannot read the scenario: ${reason}`]);
  }
  return parseScenario(text, file);
}

/** The scenario's start instant, UTC ms (valid once parsed). */
export function scenarioStartMs(spec: ScenarioSpec): number {
  return parseInstant(spec.start, spec.zone) as number;
}

/** JSON Schema of the scenario file (what may be written, before defaults). */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ScenarioSpec, { io: "input", target: "draft-2020-12" }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: "https://orderops.dev/schemas/scenario.schema.json",
    title: "orderops staffing scenario",
    description: "A scenario for `orderops simulate` and `orderops staff`; see docs/simulator.md.",
  };
}
