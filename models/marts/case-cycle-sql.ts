/**
 * SQL shared by the marts keyed by a case's SLA cycle (case_sla, routing): the keys they join on, and
 * the misrouting time both measure. Not a model: helpers that return kysely expressions.
 */
import { type RawBuilder, type SqlBool, sql } from "kysely";
import { businessSecondsBetween } from "../calendar/business-time-sql.ts";

/** A case's SLA cycle. */
export const CYCLE_KEY = ["case_id", "cycle"] as const;
/** One SLA clock of a cycle (int_case_sla_windows, case_sla): the cycle and its metric. */
export const WINDOW_KEY = [...CYCLE_KEY, "metric"] as const;

/** The key columns of a window, to type the raw CTEs (business-time lookups) a model selects from. */
export interface WindowKey {
  case_id: string;
  cycle: number;
  metric: string;
}

/** A join condition: relations `a` and `b` agree on every column of `keys` (`a.k = b.k AND …`). */
export function sameKeys(a: string, b: string, keys: readonly string[]): RawBuilder<SqlBool> {
  return sql<SqlBool>`${sql.join(
    keys.map((k) => sql`${sql.ref(`${a}.${k}`)} = ${sql.ref(`${b}.${k}`)}`),
    sql` and `,
  )}`;
}

/**
 * Adds `as` to every row of `from`: the business seconds, in the row's `calendar`, from
 * `cycle_started_at` to `last_transfer_at` — the time the cycle spent in queues it was later transferred
 * out of (semantics: misrouting). case_sla takes the last transfer before its clock stopped and the
 * governing queue's calendar; routing the cycle's last transfer and its final queue's calendar.
 */
export function businessSecondsBeforeLastTransfer<As extends string>(args: {
  from: string;
  as: As;
  calendars: readonly string[];
}) {
  return businessSecondsBetween<Record<string, unknown>, As>({
    ...args,
    calendar: "calendar",
    start: "cycle_started_at",
    end: "last_transfer_at",
  });
}
