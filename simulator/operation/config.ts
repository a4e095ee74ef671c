/**
 * The operation the demo generator simulates (YAML, validated by zod; the shipped default is
 * simulator/operations/default.yaml). Errors name the file, the line and the key.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { DEPENDENCIES } from "../../ingest/contracts/case-events.ts";
import { QUEUES, SOURCE_SYSTEMS } from "../../ingest/contracts/cases.ts";
import { isIanaTimeZone } from "../../ingest/time-zone.ts";
import { formatYamlIssue, parseYamlDocument } from "../../ingest/yaml-document.ts";

export const DEFAULT_OPERATION_FILE = fileURLToPath(new URL("../operations/default.yaml", import.meta.url));

const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const day = z.iso.date();
const share = z.number().min(0).max(1);
const clock = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, "expected HH:MM-HH:MM");
const queue = z.enum(QUEUES);

const Window = z.strictObject({ name: z.string(), from: day, to: day, multiplier: z.number().positive() });

export const OperationConfig = z.strictObject({
  start: day,
  weeks: z.int().min(1).max(260),
  time_zone: z.string().refine(isIanaTimeZone, "not an IANA time zone"),
  orders_per_day: z.number().positive(),
  weekday_factors: z.strictObject(
    Object.fromEntries(WEEKDAYS.map((d) => [d, z.number().min(0)])) as Record<
      (typeof WEEKDAYS)[number],
      z.ZodNumber
    >,
  ),
  hour_weights: z.array(z.number().min(0)).length(24),
  channels: z.record(z.enum(["web", "app", "marketplace", "store", "phone"]), share),
  promotions: z.array(Window),
  rates: z.strictObject({
    payment_hold: share,
    fraud_review: share,
    allocation_failure: share,
    fulfillment_release: share,
    shipment_exception: share,
    return: share,
    return_needs_authorization: share,
    refund_needs_validation: share,
    cancel_after_payment_hold: share,
    cancel_after_fraud_review: share,
    cancel_after_allocation_failure: share,
  }),
  disruptions: z.array(
    Window.extend({ kind: z.enum(["carrier", "inventory_sync"]), defect_ref: z.string().optional() }),
  ),
  defects: z.array(
    z.strictObject({
      ref: z.string(),
      source_system: z.enum(SOURCE_SYSTEMS),
      queue,
      share,
      from: day.optional(),
      to: day.optional(),
    }),
  ),
  handling: z.record(
    queue,
    z.strictObject({
      minutes: z.tuple([z.number().positive(), z.number().positive()]),
      dependency: z.tuple([z.enum(DEPENDENCIES), share, z.number().positive()]),
    }),
  ),
  misroute_rate: share,
  reopen_rate: share,
  escalation_compliance: share,
  agent_error_rate: share,
  teams: z
    .array(
      z.strictObject({
        name: z.string(),
        site: z.string(),
        time_zone: z.string().refine(isIanaTimeZone, "not an IANA time zone"),
        headcount: z.int().min(1),
        days: z.array(z.enum(WEEKDAYS)).min(1),
        shifts: z.array(clock).min(1),
        skills: z.array(queue).min(1),
        /** Temporary staff for a peak: extra handlers rostered only between these dates. */
        seasonal: z.array(z.strictObject({ from: day, to: day, headcount: z.int().min(1) })).default([]),
      }),
    )
    .min(1),
  qa: z.strictObject({
    sampling: z.strictObject({ standard: share, exception: share, high_risk: share }),
    reviewers: z.strictObject({
      count: z.int().min(2).max(12),
      biases: z.array(z.number()),
      noise: z.number().min(0),
    }),
    calibration_cases_per_month: z.int().min(0),
  }),
  adjustments: z.strictObject({
    credit_rate_after_shipment_exception: share,
    sod_violation_rate: share,
    missing_evidence_rate: share,
  }),
});
export type OperationConfig = z.infer<typeof OperationConfig>;

/** What one key cannot say: every queue has its handling and a team, one bias per reviewer. */
const CheckedOperationConfig = OperationConfig.superRefine((config, ctx) => {
  for (const q of QUEUES) {
    if (!config.handling[q])
      ctx.addIssue({
        code: "custom",
        path: ["handling"],
        message: `every queue needs its handling: ${q} has none`,
      });
    if (!config.teams.some((t) => t.skills.includes(q)))
      ctx.addIssue({ code: "custom", path: ["teams"], message: `no team has the skill ${q}` });
  }
  if (config.qa.reviewers.biases.length !== config.qa.reviewers.count) {
    ctx.addIssue({
      code: "custom",
      path: ["qa", "reviewers", "biases"],
      message: `one bias per reviewer (${config.qa.reviewers.count})`,
    });
  }
  config.teams.forEach((team, t) => {
    team.seasonal.forEach((season, i) => {
      if (season.to < season.from)
        ctx.addIssue({ code: "custom", path: ["teams", t, "seasonal", i, "to"], message: "is before from" });
    });
  });
});

export class OperationConfigError extends Error {
  override name = "OperationConfigError";
}

export async function loadOperationConfig(file = DEFAULT_OPERATION_FILE): Promise<OperationConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new OperationConfigError(`${file}: cannot read the operation file: ${reason}`);
  }
  const result = parseYamlDocument(text, CheckedOperationConfig);
  if (!result.ok) {
    throw new OperationConfigError(result.issues.map((issue) => formatYamlIssue(file, issue)).join("\n"));
  }
  return result.data;
}
