/**
 * The operating policy (`policy.yaml`) as one zod schema: SLA targets, business calendars, aging and
 * backlog thresholds, dependency rules, QA and control settings. The same schema validates the file,
 * types the parsed policy, and generates the JSON Schema editors use (docs/schemas/policy.schema.json);
 * docs/policy.md explains each key.
 *
 * The file is written for people ("8h", "95%", "08:00-20:00"); the parsed policy is written for code
 * (seconds, fractions, minutes after midnight), so transforms sit at the leaves and consumers never
 * parse text.
 */

import { z } from "zod";
import { ADJUSTMENT_KINDS } from "../../ingest/contracts/adjustments.ts";
import { DEPENDENCIES } from "../../ingest/contracts/case-events.ts";
import { PRIORITIES, QUEUES, WORK_TYPES } from "../../ingest/contracts/cases.ts";
import { QA_DIMENSIONS } from "../../ingest/contracts/qa-reviews.ts";
import { isIanaTimeZone } from "../../ingest/time-zone.ts";

/** Weekday keys of a calendar's weekly hours, Monday first (ISO 8601 order). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const MINUTES_PER_DAY = 24 * 60;

// ---------------------------------------------------------------------------------------------------
// Leaves: durations, shares, times of day, dates, zones, names

const DURATION_UNITS = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 } as const;
// Either one number with a unit ("8h", "1.5h", "2w"), as scenario files write durations, or whole
// numbers of several units largest first ("1h30m", "1d12h").
const SINGLE_UNIT = /^(\d+(?:\.\d+)?)([wdhms])$/;
const COMPOUND = /^(?=\d)(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;
const DURATION_PATTERN = new RegExp(`${SINGLE_UNIT.source}|${COMPOUND.source}`);
const DURATION_EXAMPLES = "8h, 30m, 2d, 1.5h or 1h30m";

/**
 * Seconds in a duration written like "8h", "30m", "2d", "1.5h" or "1h30m" (units w, d, h, m, s). `d` is
 * always 24 hours: whether the seconds are business or wall-clock seconds is a property of the key that
 * holds the duration, never of the unit (so two business days of a 12-hour calendar are "24h", not
 * "2d"). A duration is a whole number of seconds.
 */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  const single = SINGLE_UNIT.exec(trimmed);
  const compound = single ? null : COMPOUND.exec(trimmed);
  let seconds: number;
  if (single) {
    seconds = Number(single[1]) * DURATION_UNITS[single[2] as keyof typeof DURATION_UNITS];
  } else if (compound) {
    const [, w, d, h, m, s] = compound;
    seconds =
      Number(w ?? 0) * DURATION_UNITS.w +
      Number(d ?? 0) * DURATION_UNITS.d +
      Number(h ?? 0) * DURATION_UNITS.h +
      Number(m ?? 0) * DURATION_UNITS.m +
      Number(s ?? 0) * DURATION_UNITS.s;
  } else {
    throw new RangeError(`not a duration: ${JSON.stringify(text)} (write e.g. ${DURATION_EXAMPLES})`);
  }
  if (!Number.isInteger(seconds)) {
    throw new RangeError(`not a whole number of seconds: ${JSON.stringify(text)}`);
  }
  return seconds;
}

/** True when parseDuration accepts the text. */
function isDuration(text: string): boolean {
  try {
    parseDuration(text);
    return true;
  } catch {
    return false;
  }
}

const durationText = () =>
  z
    .string({ error: (iss) => `expected a duration such as ${DURATION_EXAMPLES}, got ${show(iss.input)}` })
    .regex(DURATION_PATTERN, {
      error: (iss) => `expected a duration such as ${DURATION_EXAMPLES}, got ${show(iss.input)}`,
    })
    // Checks all run: a text the pattern already rejected is not reported twice.
    .refine((text) => !DURATION_PATTERN.test(text) || isDuration(text), {
      error: (iss) => `${show(iss.input)} is not a whole number of seconds`,
    })
    .meta({
      description:
        "A duration: a number with a unit (w, d = 24 h, h, m, s), e.g. 8h, 1.5h, 2d; or whole numbers of several units, largest first, e.g. 1h30m",
    });

/** A duration that must be longer than zero, parsed to seconds. */
const duration = () =>
  durationText()
    // Checks all run: a text the pattern already rejected is not reported twice.
    .refine((text) => !isDuration(text) || parseDuration(text) > 0, {
      error: "must be longer than zero",
    })
    .transform(parseDuration);

const PERCENT_PATTERN = /^(\d+(?:\.\d+)?)\s*%$/;

/** A share written "95%" (or as a fraction 0.95), parsed to a fraction in [0, 1]. */
const shareError = (iss: { input?: unknown }) =>
  `expected a percentage such as 95% (or a fraction 0.95), got ${show(iss.input)}`;

const share = () =>
  z
    // zod reports the option whose type matched, so each option carries the same message.
    .union(
      [
        z.number({ error: shareError }).min(0, { error: shareError }).max(1, { error: shareError }),
        z.string({ error: shareError }).regex(PERCENT_PATTERN, { error: shareError }),
      ],
      { error: shareError },
    )
    .transform((value, ctx) => {
      const fraction = typeof value === "number" ? value : Number(PERCENT_PATTERN.exec(value)?.[1]) / 100;
      if (!(fraction >= 0 && fraction <= 1)) {
        ctx.issues.push({ code: "custom", input: value, message: `${value} is not between 0% and 100%` });
        return z.NEVER;
      }
      return fraction;
    })
    .meta({ description: "A share: a percentage such as 95% or a fraction such as 0.95" });

const SPAN_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/;

/**
 * One business span of a weekday, in local wall-clock minutes after that day's midnight. `end_min` is
 * greater than `start_min`; it passes 1440 when the span runs past midnight into the next day.
 */
export interface HoursSpan {
  start_min: number;
  end_min: number;
}

const hoursSpan = () =>
  z
    .string()
    .regex(SPAN_PATTERN, {
      error: (iss) => `expected business hours as HH:MM-HH:MM (e.g. 08:00-20:00), got ${show(iss.input)}`,
    })
    .transform((text, ctx): HoursSpan => {
      const [, sh, sm, eh, em, eh24] = SPAN_PATTERN.exec(text) ?? [];
      const start_min = Number(sh) * 60 + Number(sm);
      const end = eh24 ? MINUTES_PER_DAY : Number(eh) * 60 + Number(em);
      if (end === start_min) {
        ctx.issues.push({
          code: "custom",
          input: text,
          message: `${text} is empty (write 00:00-24:00 for all day)`,
        });
        return z.NEVER;
      }
      // An end at or before the start means the span runs past midnight: 22:00-06:00.
      return { start_min, end_min: end > start_min ? end : end + MINUTES_PER_DAY };
    })
    .meta({
      description:
        "Business hours in local wall-clock time, HH:MM-HH:MM; 24:00 ends at midnight; an end before the start runs past midnight (22:00-06:00)",
    });

const isoDate = () => z.iso.date({ error: (iss) => `expected a date as YYYY-MM-DD, got ${show(iss.input)}` });

export interface Holiday {
  /** First local date, YYYY-MM-DD. */
  from: string;
  /** Last local date (inclusive), YYYY-MM-DD. */
  to: string;
  name: string | null;
}

const holiday = () =>
  z
    .union(
      [
        isoDate(),
        z.strictObject({ date: isoDate(), name: z.string().optional() }),
        z.strictObject({ from: isoDate(), to: isoDate(), name: z.string().optional() }),
      ],
      {
        error: (iss) =>
          `expected a holiday as a date (2026-12-25), {date, name} or {from, to, name}, got ${show(iss.input)}`,
      },
    )
    .transform((value, ctx): Holiday => {
      if (typeof value === "string") return { from: value, to: value, name: null };
      if ("date" in value) return { from: value.date, to: value.date, name: value.name ?? null };
      if (value.to < value.from) {
        ctx.issues.push({
          code: "custom",
          input: value,
          message: `holiday ends (${value.to}) before it starts`,
        });
        return z.NEVER;
      }
      return { from: value.from, to: value.to, name: value.name ?? null };
    });

const timeZone = () =>
  z
    .string()
    .refine(isIanaTimeZone, {
      error: (iss) =>
        `${show(iss.input)} is not an IANA time zone (e.g. America/New_York, Europe/Berlin, UTC)`,
    })
    .meta({ description: "An IANA time zone name, e.g. America/New_York" });

/** A name used as a key or an owner: letters, digits, underscores. */
const name = () =>
  z.string().regex(/^[a-z][a-z0-9_]*$/, {
    error: (iss) => `expected a lower_snake_case name, got ${show(iss.input)}`,
  });

/** A team, role or person as the organisation names them (free text, not empty). */
const owner = () => z.string().min(1, { error: "must not be empty" });

// ---------------------------------------------------------------------------------------------------
// Calendars

export const Calendar = z
  .strictObject({
    time_zone: timeZone(),
    description: z.string().optional(),
    hours: z
      .strictObject(
        Object.fromEntries(WEEKDAYS.map((day) => [day, z.array(hoursSpan()).optional()])) as Record<
          Weekday,
          z.ZodOptional<z.ZodArray<ReturnType<typeof hoursSpan>>>
        >,
      )
      .meta({ description: "Business hours per weekday (mon…sun); a day left out is closed" }),
    holidays: z
      .array(holiday())
      .default([])
      .meta({ description: "Local dates with no business hours: single dates or {from, to} ranges" }),
  })
  .superRefine((calendar, ctx) => {
    // Spans of the week laid on one 7-day circle: no two may overlap, including a span that runs past
    // midnight into the next day's first span (and Sunday night into Monday).
    const week = WEEKDAYS.length * MINUTES_PER_DAY;
    const laid = WEEKDAYS.flatMap((day, dayIndex) =>
      (calendar.hours[day] ?? []).map((span, index) => ({
        day,
        index,
        start: dayIndex * MINUTES_PER_DAY + span.start_min,
        end: dayIndex * MINUTES_PER_DAY + span.end_min,
        span,
      })),
    ).sort((a, b) => a.start - b.start);
    for (const [i, current] of laid.entries()) {
      const next = laid[(i + 1) % laid.length];
      if (!next || next === current) continue;
      const nextStart = i + 1 < laid.length ? next.start : next.start + week;
      if (current.end > nextStart) {
        ctx.addIssue({
          code: "custom",
          path: ["hours", next.day, next.index],
          message: `${formatSpan(next.span)} overlaps ${current.day} ${formatSpan(current.span)}`,
        });
      }
    }
  })
  .meta({ description: "A business calendar: a time zone, weekly business hours and holidays" });
export type Calendar = z.output<typeof Calendar>;

export function formatSpan(span: HoursSpan): string {
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  return `${hhmm(span.start_min)}-${span.end_min === MINUTES_PER_DAY ? "24:00" : hhmm(span.end_min % MINUTES_PER_DAY)}`;
}

// ---------------------------------------------------------------------------------------------------
// Queues

export type WorkType = (typeof WORK_TYPES)[number];
export type Priority = (typeof PRIORITIES)[number];

const slaTargetShape = {
  resolve_within: duration().meta({ description: "Business time from opening to resolution" }),
  first_touch_within: duration().meta({ description: "Business time from opening to the first touch" }),
  goal: share().meta({ description: "Share of cycles that must meet resolve_within" }),
  first_touch_goal: share()
    .optional()
    .meta({ description: "Share of cycles that must meet first_touch_within (default: goal)" }),
};

/** One tier's targets, as parsed: durations in business seconds of the queue's calendar, goals as fractions. */
export interface SlaTarget {
  resolve_within: number;
  first_touch_within: number;
  goal: number;
  first_touch_goal: number;
}

/** Targets of one work type: `default` applies to cases with no priority and fills what p1…p4 leave out. */
export type WorkTypeTargets = Record<Priority | "default", SlaTarget>;

const workTypeTargets = () =>
  z
    .strictObject({
      default: z.strictObject(slaTargetShape),
      ...(Object.fromEntries(
        PRIORITIES.map((priority) => [priority, z.strictObject(slaTargetShape).partial().optional()]),
      ) as Record<
        Priority,
        z.ZodOptional<
          z.ZodObject<{ [K in keyof typeof slaTargetShape]: z.ZodOptional<(typeof slaTargetShape)[K]> }>
        >
      >),
    })
    .transform((tiers, ctx): WorkTypeTargets => {
      const complete = (tier: Partial<SlaTarget>, base: SlaTarget | null, key: string): SlaTarget => {
        const merged = {
          resolve_within: tier.resolve_within ?? base?.resolve_within ?? 0,
          first_touch_within: tier.first_touch_within ?? base?.first_touch_within ?? 0,
          goal: tier.goal ?? base?.goal ?? 0,
          first_touch_goal: tier.first_touch_goal ?? tier.goal ?? base?.first_touch_goal ?? base?.goal ?? 0,
        };
        if (merged.first_touch_within > merged.resolve_within) {
          ctx.issues.push({
            code: "custom",
            input: tier,
            path: [key, tier.first_touch_within !== undefined ? "first_touch_within" : "resolve_within"],
            message: "first_touch_within is longer than resolve_within",
          });
        }
        return merged;
      };
      const base = complete(tiers.default, null, "default");
      const out = { default: base } as WorkTypeTargets;
      for (const priority of PRIORITIES) out[priority] = complete(tiers[priority] ?? {}, base, priority);
      return out;
    })
    .meta({ description: "Targets for one work type: a default tier and optional overrides for p1…p4" });

/** Age bands as parsed: [from_s, to_s) of age; the last band has no upper edge. */
export interface AgingBand {
  label: string;
  from_s: number;
  to_s: number | null;
}

const agingBands = () =>
  z
    .array(durationText())
    .min(1)
    .transform((edges, ctx): AgingBand[] => {
      const seconds = edges.map(parseDuration);
      for (let i = 1; i < seconds.length; i++) {
        if ((seconds[i] ?? 0) <= (seconds[i - 1] ?? 0)) {
          ctx.issues.push({ code: "custom", input: edges, path: [i], message: "band edges must increase" });
          return z.NEVER;
        }
      }
      if ((seconds[0] ?? 0) <= 0) {
        ctx.issues.push({
          code: "custom",
          input: edges,
          path: [0],
          message: "the first band edge must be above zero",
        });
        return z.NEVER;
      }
      const bands: AgingBand[] = [{ label: `<${edges[0]}`, from_s: 0, to_s: seconds[0] ?? 0 }];
      for (let i = 1; i < edges.length; i++) {
        bands.push({
          label: `${edges[i - 1]}–${edges[i]}`,
          from_s: seconds[i - 1] ?? 0,
          to_s: seconds[i] ?? 0,
        });
      }
      bands.push({ label: `≥${edges.at(-1)}`, from_s: seconds.at(-1) ?? 0, to_s: null });
      return bands;
    })
    .meta({
      description:
        "Upper edges of the age bands, increasing: [4h, 8h, 1d, 3d] gives <4h, 4h–8h, 8h–1d, 1d–3d, ≥3d",
    });

const increasing = (values: number[]) => values.every((value, i) => i === 0 || value > (values[i - 1] ?? 0));

const Aging = z
  .strictObject({
    clock: z.enum(["actual", "business"]).default("actual").meta({
      description: "Whether ages count wall-clock (actual) or business time of the queue's calendar",
    }),
    bands: agingBands(),
    review_after: duration().meta({ description: "Age at which an open case goes on the aging review list" }),
    escalate_after: z
      .array(duration())
      .min(1)
      .max(3)
      .refine(increasing, { error: "escalation thresholds must increase" })
      .meta({ description: "Ages at which escalation levels 1, 2, 3 are due (one to three, increasing)" }),
  })
  .meta({ description: "How open cases are aged, reviewed and escalated" });

const backlogLevel = () =>
  z.strictObject({
    open_cases: z
      .int()
      .min(1)
      .meta({ description: "Open cases at end of day at or above which the level applies" }),
    oldest_age: duration().meta({
      description: "Age of the oldest open case at or above which the level applies",
    }),
  });

const Backlog = z
  .strictObject({ amber: backlogLevel(), red: backlogLevel() })
  .superRefine((backlog, ctx) => {
    if (backlog.red.open_cases < backlog.amber.open_cases)
      ctx.addIssue({ code: "custom", path: ["red", "open_cases"], message: "red is below amber" });
    if (backlog.red.oldest_age < backlog.amber.oldest_age)
      ctx.addIssue({ code: "custom", path: ["red", "oldest_age"], message: "red is below amber" });
  })
  .meta({
    description:
      "Backlog control: a queue is red, else amber, when either of the level's thresholds is reached",
  });

const Raci = z
  .strictObject({
    responsible: owner().meta({ description: "The team that works the queue" }),
    accountable: owner().meta({ description: "The one role answerable for the queue's results" }),
    consulted: z.array(owner()).default([]),
    informed: z.array(owner()).default([]),
  })
  .meta({ description: "Who is responsible, accountable, consulted and informed for the queue" });

export const Queue = z
  .strictObject({
    description: z.string().optional(),
    calendar: name().meta({
      description: "The key of the calendar in `calendars` whose business time the queue's SLA counts",
    }),
    sla: z
      .record(z.enum(WORK_TYPES), workTypeTargets())
      .meta({ description: "SLA targets by work type and priority" }),
    aging: Aging,
    backlog: Backlog,
    raci: Raci,
  })
  .meta({ description: "One queue's calendar, SLA targets, aging, backlog thresholds and owners" });
export type Queue = z.output<typeof Queue>;

// ---------------------------------------------------------------------------------------------------
// Dependencies, QA, controls, reporting, personal data

export const Dependency = z
  .strictObject({
    owner_team: owner().meta({ description: "The team the waiting time is attributed to" }),
    pauses_sla: z.boolean().meta({ description: "Whether waiting on this dependency stops the SLA clock" }),
    description: z.string().optional(),
  })
  .meta({ description: "A party a case can wait on" });
export type Dependency = z.output<typeof Dependency>;

const Qa = z
  .strictObject({
    sampling: z
      .record(z.enum(WORK_TYPES), share())
      .meta({ description: "Target share of completed cases reviewed, by work type" }),
    weights: z
      .record(z.enum(QA_DIMENSIONS), share())
      .refine((weights) => Math.abs(Object.values(weights).reduce((sum, w) => sum + w, 0) - 1) < 1e-9, {
        error: (iss) =>
          `weights must add up to 100%, they add up to ${round(sumOf(iss.input as Record<string, number>) * 100)}%`,
      })
      .meta({ description: "Weight of each scorecard dimension in the score; they add up to 100%" }),
    pass_mark: z
      .number()
      .min(0)
      .max(100)
      .meta({ description: "Weighted score (0–100) at or above which a review passes" }),
    calibration_tolerance: z.number().positive().max(100).meta({
      description:
        "Points (0–100 scale) a reviewer's mean deviation from the session consensus may reach before it is flagged",
    }),
  })
  .meta({ description: "Quality assurance: sampling, scorecard and calibration" });

const ADJUSTMENT_ROLES = ["requested_by", "approved_by", "executed_by"] as const;

const Controls = z
  .strictObject({
    second_approver: z
      .strictObject({
        above: z
          .record(
            z.string().regex(/^[A-Z]{3}$/, { error: "expected an ISO 4217 currency code" }),
            z.number().min(0),
          )
          .meta({
            description: "Per currency: an adjustment whose amount is above this needs a second approver",
          }),
        other_currencies_above: z.number().min(0).meta({
          description: "The same threshold for currencies not listed (0: always a second approver)",
        }),
      })
      .meta({ description: "Amounts above which an adjustment needs an approver other than the requester" }),
    segregation_of_duties: z
      .array(
        z.strictObject({
          name: name(),
          distinct: z
            .tuple([z.enum(ADJUSTMENT_ROLES), z.enum(ADJUSTMENT_ROLES)])
            .refine(([a, b]) => a !== b, { error: "the two roles must differ" })
            .meta({ description: "Two roles on an adjustment that must not be the same person" }),
        }),
      )
      .refine((rules) => new Set(rules.map((rule) => rule.name)).size === rules.length, {
        error: "rule names must be unique",
      })
      .meta({ description: "Pairs of adjustment roles that must be different people" }),
    evidence_required_for: z
      .array(z.enum(ADJUSTMENT_KINDS))
      .meta({ description: "Adjustment kinds that need an evidence reference" }),
  })
  .meta({ description: "Financial controls on refunds and other adjustments" });

const Defects = z
  .strictObject({
    min_occurrences: z.int().min(2, { error: "a repeat needs at least 2 occurrences" }).meta({
      description:
        "System-defect cases with the same source system and defect reference, opened within `window`, that make a repeat failure pattern",
    }),
    window: duration().meta({
      description: "Wall-clock span within which min_occurrences cases must have been opened",
    }),
  })
  .meta({ description: "When system-defect cases are reported as a repeat failure pattern" });

const Reporting = z
  .strictObject({
    time_zone: timeZone().meta({
      description: "The zone in which report days, weeks and months are counted",
    }),
    week_starts_on: z.enum(["mon", "sun"]).default("mon"),
  })
  .meta({ description: "How reports count periods" });

const PersonalData = z
  .discriminatedUnion("mode", [
    z.strictObject({
      mode: z.literal("hash"),
      salt: z.string().min(16, { error: "the salt must be at least 16 characters" }),
    }),
    z.strictObject({ mode: z.literal("drop") }),
    z.strictObject({ mode: z.literal("keep") }),
  ])
  .meta({ description: "What staging does with personal data: hash (salted), drop, or keep" });

// ---------------------------------------------------------------------------------------------------
// The policy

export const Policy = z
  .strictObject({
    version: z
      .string({ error: 'version must be text: quote it, e.g. version: "2026.1"' })
      .optional()
      .meta({ description: "A label for this revision of the policy, shown with its content hash" }),
    reporting: Reporting,
    personal_data: PersonalData,
    calendars: z
      .record(name(), Calendar)
      .refine((calendars) => Object.keys(calendars).length > 0, { error: "at least one calendar is needed" })
      .meta({ description: "Business calendars by name" }),
    queues: z
      .record(z.enum(QUEUES), Queue)
      .meta({ description: "Every queue's settings (all queues are required)" }),
    dependencies: z
      .record(z.enum(DEPENDENCIES), Dependency)
      .meta({ description: "Every dependency's owner and clock rule (all are required)" }),
    qa: Qa,
    controls: Controls,
    defects: Defects,
  })
  .superRefine((policy, ctx) => {
    const calendars = Object.keys(policy.calendars);
    for (const [queue, settings] of Object.entries(policy.queues)) {
      if (!(settings.calendar in policy.calendars)) {
        ctx.addIssue({
          code: "custom",
          path: ["queues", queue, "calendar"],
          message: `unknown calendar ${show(settings.calendar)} (calendars: ${calendars.join(", ")})`,
        });
      }
    }
  })
  .meta({
    title: "orderops policy",
    description: "SLA targets, calendars, thresholds and owners (policy.yaml)",
  });

/** The policy as parsed: every duration in seconds, every share a fraction, every tier complete. */
export type Policy = z.output<typeof Policy>;
/** The policy as written in policy.yaml. */
export type PolicyInput = z.input<typeof Policy>;

/** The JSON Schema of the policy file as written (what editors validate against). */
export function policyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Policy, { io: "input", unrepresentable: "throw" }) as Record<string, unknown>;
}

/** One row per queue × work type × priority (null: cases with no priority): the targets in force. */
export interface SlaTargetRow extends SlaTarget {
  queue: (typeof QUEUES)[number];
  work_type: WorkType;
  priority: Priority | null;
  calendar: string;
}

/** The SLA targets as a flat table, for materialising beside the models. */
export function slaTargetRows(policy: Policy): SlaTargetRow[] {
  return QUEUES.flatMap((queue) => {
    const settings = policy.queues[queue];
    return WORK_TYPES.flatMap((work_type) =>
      [null, ...PRIORITIES].map((priority) => ({
        queue,
        work_type,
        priority,
        calendar: settings.calendar,
        ...settings.sla[work_type][priority ?? "default"],
      })),
    );
  });
}

function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}

function sumOf(values: Record<string, number> | undefined): number {
  return Object.values(values ?? {}).reduce((sum, value) => sum + (typeof value === "number" ? value : 0), 0);
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
