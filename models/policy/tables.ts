/**
 * The policy as tables beside the models, written before every build: SLA targets, queue settings,
 * aging bands, dependencies, and the business calendars' spans. Models join these instead of pasting
 * policy values into SQL, so a policy change is a rebuild, not a code change.
 */
import { QUEUES } from "../../ingest/contracts/cases.ts";
import { quoteIdent, type Warehouse } from "../../ingest/warehouse.ts";
import { materializeCalendarSpans } from "../calendar/business-spans.ts";
import type { LoadedPolicy } from "./load.ts";
import { type Policy, slaTargetRows } from "./schema.ts";

export interface PolicyTables {
  policy_sla_targets: {
    queue: string;
    work_type: string;
    priority: string | null;
    calendar: string;
    resolve_within_s: number;
    first_touch_within_s: number;
    goal: number;
    first_touch_goal: number;
  };
  policy_queues: {
    queue: string;
    calendar: string;
    time_zone: string;
    aging_clock: "actual" | "business";
    review_after_s: number;
    escalate_after_s: number[];
    backlog_amber_open_cases: number;
    backlog_amber_oldest_age_s: number;
    backlog_red_open_cases: number;
    backlog_red_oldest_age_s: number;
    responsible: string;
    accountable: string;
  };
  policy_aging_bands: {
    queue: string;
    band_order: number;
    label: string;
    from_s: number;
    to_s: number | null;
  };
  policy_dependencies: { dependency: string; owner_team: string; pauses_sla: boolean };
  policy_info: {
    version_label: string;
    policy_hash: string;
    policy_file: string;
    reporting_time_zone: string;
  };
}

type Column = readonly [name: string, type: string];

/** Replaces `name` with `rows`, passed as one bound JSON parameter and typed by DuckDB. */
export async function writeTable(
  warehouse: Warehouse,
  name: string,
  columns: readonly Column[],
  rows: object[],
): Promise<void> {
  const struct = `STRUCT(${columns.map(([n, t]) => `${quoteIdent(n)} ${t}`).join(", ")})[]`;
  await warehouse.run(
    `CREATE OR REPLACE TABLE ${quoteIdent(name)} AS
     SELECT ${columns.map(([n]) => `r.${quoteIdent(n)}`).join(", ")}
     FROM (SELECT unnest(CAST(CAST($1 AS JSON) AS ${struct})) AS r)`,
    // Only the declared columns: DuckDB refuses JSON objects with keys the struct does not have.
    [
      JSON.stringify(
        rows.map((row) =>
          Object.fromEntries(columns.map(([n]) => [n, (row as Record<string, unknown>)[n] ?? null])),
        ),
      ),
    ],
  );
}

export async function materializePolicy(
  warehouse: Warehouse,
  loaded: LoadedPolicy,
  range: { from: string; to: string },
): Promise<void> {
  const policy: Policy = loaded.policy;
  await writeTable(
    warehouse,
    "policy_sla_targets",
    [
      ["queue", "VARCHAR"],
      ["work_type", "VARCHAR"],
      ["priority", "VARCHAR"],
      ["calendar", "VARCHAR"],
      ["resolve_within_s", "BIGINT"],
      ["first_touch_within_s", "BIGINT"],
      ["goal", "DOUBLE"],
      ["first_touch_goal", "DOUBLE"],
    ],
    slaTargetRows(policy).map((r) => ({
      ...r,
      resolve_within_s: r.resolve_within,
      first_touch_within_s: r.first_touch_within,
    })),
  );
  await writeTable(
    warehouse,
    "policy_queues",
    [
      ["queue", "VARCHAR"],
      ["calendar", "VARCHAR"],
      ["time_zone", "VARCHAR"],
      ["aging_clock", "VARCHAR"],
      ["review_after_s", "BIGINT"],
      ["escalate_after_s", "BIGINT[]"],
      ["backlog_amber_open_cases", "BIGINT"],
      ["backlog_amber_oldest_age_s", "BIGINT"],
      ["backlog_red_open_cases", "BIGINT"],
      ["backlog_red_oldest_age_s", "BIGINT"],
      ["responsible", "VARCHAR"],
      ["accountable", "VARCHAR"],
    ],
    QUEUES.map((queue) => {
      const q = policy.queues[queue];
      return {
        queue,
        calendar: q.calendar,
        time_zone: policy.calendars[q.calendar]?.time_zone,
        aging_clock: q.aging.clock,
        review_after_s: q.aging.review_after,
        escalate_after_s: q.aging.escalate_after,
        backlog_amber_open_cases: q.backlog.amber.open_cases,
        backlog_amber_oldest_age_s: q.backlog.amber.oldest_age,
        backlog_red_open_cases: q.backlog.red.open_cases,
        backlog_red_oldest_age_s: q.backlog.red.oldest_age,
        responsible: q.raci.responsible,
        accountable: q.raci.accountable,
      };
    }),
  );
  await writeTable(
    warehouse,
    "policy_aging_bands",
    [
      ["queue", "VARCHAR"],
      ["band_order", "INTEGER"],
      ["label", "VARCHAR"],
      ["from_s", "BIGINT"],
      ["to_s", "BIGINT"],
    ],
    QUEUES.flatMap((queue) =>
      policy.queues[queue].aging.bands.map((b, i) => ({ queue, band_order: i + 1, ...b })),
    ),
  );
  await writeTable(
    warehouse,
    "policy_dependencies",
    [
      ["dependency", "VARCHAR"],
      ["owner_team", "VARCHAR"],
      ["pauses_sla", "BOOLEAN"],
    ],
    Object.entries(policy.dependencies).map(([dependency, d]) => ({ dependency, ...d })),
  );
  await writeTable(
    warehouse,
    "policy_info",
    [
      ["version_label", "VARCHAR"],
      ["policy_hash", "VARCHAR"],
      ["policy_file", "VARCHAR"],
      ["reporting_time_zone", "VARCHAR"],
    ],
    [
      {
        version_label: loaded.version.label,
        policy_hash: loaded.version.hash,
        policy_file: loaded.file,
        reporting_time_zone: policy.reporting.time_zone,
      },
    ],
  );
  await materializeCalendarSpans(warehouse, policy.calendars, range);
}
