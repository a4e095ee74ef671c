// One row per case per SLA cycle per metric (first_touch, resolution): the clock, its target, where the
// time went (paused, dependencies, misrouting, the operating team), due times, state and breach.
import { sql } from "kysely";
import { businessClockAt, instantAtBusinessClock } from "../calendar/business-time-sql.ts";
import { acceptedValues, custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { SLA_METRICS } from "../intermediate/int_case_sla_windows.ts";
import { defineModel } from "../model.ts";
import {
  businessSecondsBeforeLastTransfer,
  CYCLE_KEY,
  sameKeys,
  WINDOW_KEY,
  type WindowKey,
} from "./case-cycle-sql.ts";

export { FIRST_TOUCH_EVENTS, SLA_METRICS } from "../intermediate/int_case_sla_windows.ts";

export const SLA_STATES = [
  "running",
  "paused",
  "at_risk",
  "open_breached",
  "met",
  "breached",
  "cancelled",
] as const;

/** A cycle is at risk once this share of its target is used. */
export const AT_RISK_SHARE = 0.75;

export interface DependencyWait {
  dependency: string;
  owner_team: string | null;
  business_s: number;
}

export interface CaseSla {
  case_id: string;
  cycle: number;
  metric: (typeof SLA_METRICS)[number];
  /** The governing queue: the queue the clock stopped in (resolution or first touch), else the current one. */
  queue: string;
  work_type: string;
  /** The case's priority, or `default` when it has none (the policy's default tier). */
  priority_tier: string;
  /** The governing queue's calendar: every business second of the row is counted in it. */
  calendar: string;
  target_business_s: number;
  goal: number;
  cycle_started_at: Date;
  /** When the clock stopped (first touch, or resolution/closure); null while it runs. */
  stopped_at: Date | null;
  /** The clock's reading: business seconds from the start to the stop (or the as-of time), pauses excluded. */
  elapsed_business_s: number;
  /** Wall-clock seconds from the start to the stop (or the as-of time), pauses included. */
  elapsed_actual_s: number;
  /** Business seconds spent waiting on a dependency whose policy pauses the clock. */
  paused_business_s: number;
  paused_actual_s: number;
  /** Business seconds spent waiting on each non-pausing dependency (the clock ran; attributed to it). */
  dependency_waits: DependencyWait[];
  dependency_business_s: number;
  /** Business seconds spent in queues the case was later transferred out of (not waiting on anyone). */
  misrouting_business_s: number;
  /** The rest of the reading: the operating team's own time. */
  operating_team_business_s: number;
  /** elapsed_business_s ÷ target_business_s. */
  target_used: number;
  /** When the target is reached without pauses. */
  original_due_at: Date | null;
  /** When the target is reached, moved out by the paused business time before it. */
  due_at: Date | null;
  state: (typeof SLA_STATES)[number];
  is_breached: boolean;
  /** The due time that was missed (breached and open_breached only). */
  breached_at: Date | null;
  /** A dependency, `misrouting` or `operating_team` (breached and open_breached only). */
  breach_attributed_to: string | null;
  /** The dependency's owner team from the policy, else the governing queue's responsible team. */
  breach_owner_team: string | null;
  /** The governing queue's responsible team (policy RACI). */
  responsible_team: string | null;
}

/**
 * Rules (docs/models.md, "case_sla"):
 * - Cycles come from int_case_timeline: cycle 1 starts at the opening, each reopen starts the next.
 *   The resolution clock stops at the cycle's first resolved or closed span; the first-touch clock at
 *   its first span started by one of FIRST_TOUCH_EVENTS (int_case_sla_windows).
 * - The governing queue is the queue the clock stopped in (the current queue while it runs): its
 *   calendar counts every business second of the row and its tier (work type × priority) gives the
 *   target. Earlier queues' time is misrouting.
 * - The clock runs from start to stop except while pending on a dependency whose policy pauses it. The
 *   due time is the instant the reading reaches the target: the original due time ignores pauses, the
 *   due time adds the paused business time that came before it.
 * - Breached means the reading exceeds the target (a stop exactly on the target is met).
 * Only pending spans need business time of their own, so the per-span work is limited to them; every
 * other reading is one clock lookup per row (ASOF joins, no correlated subqueries).
 */
export const caseSla = defineModel({
  name: "case_sla",
  layer: "marts",
  grain: "one row per case per SLA cycle per metric (first_touch, resolution)",
  dependsOn: ["int_case_sla_windows", "int_case_timeline", "int_case_queue_stays"],
  incremental: { key: "case_id" },
  build: ({ db, policy }) => {
    // The policy's calendars: business-time lookups run one calendar at a time (business-time-sql.ts).
    const calendars = Object.keys(policy.calendars);
    // What every per-window step carries: the key, the calendar its time counts in, and the clock's start.
    const window = ["w.case_id", "w.cycle", "w.metric", "w.calendar", "w.cycle_started_at"] as const;
    // Join conditions on the same window as `w` (the windows of int_case_sla_windows).
    const sameWindow = (alias: string) => sameKeys(alias, "w", WINDOW_KEY);
    return (
      db
        // The last transfer out of a queue before the clock stopped: everything before it was misrouted.
        // (Transfers are few: the join probes every row against a small table.)
        .with("last_transfers", (qb) =>
          qb
            .selectFrom("int_case_sla_windows as w")
            .innerJoin("int_case_queue_stays as s", (join) =>
              join
                .on(sameKeys("s", "w", CYCLE_KEY))
                .on("s.exit_kind", "=", "transfer_out")
                .onRef("s.left_at", "<=", "w.clock_end"),
            )
            .groupBy([...window])
            .select([...window, sql<Date>`max(s.left_at)`.as("last_transfer_at")]),
        )
        // Pending spans inside each clock's window (before its stop), cut at the as-of time if still open.
        .with("pending_spans", (qb) =>
          qb
            .selectFrom("int_case_sla_windows as w")
            .innerJoin("int_case_timeline as s", (join) =>
              join
                .on(sameKeys("s", "w", CYCLE_KEY))
                .on("s.state", "=", "pending")
                .on((eb) =>
                  eb.or([eb("w.stop_seq", "is", null), eb("s.span_seq", "<", eb.ref("w.stop_seq"))]),
                ),
            )
            .leftJoin("policy_dependencies as d", "d.dependency", "s.dependency")
            .leftJoin("last_transfers as lt", (join) => join.on(sameWindow("lt")))
            .select([
              ...window,
              "w.target_business_s",
              "s.dependency",
              "d.owner_team",
              sql<boolean>`coalesce(d.pauses_sla, false)`.as("pauses"),
              "s.span_start",
              sql<Date>`greatest(s.span_start, least(coalesce(s.span_end, w.clock_end), w.clock_end))`.as(
                "span_until",
              ),
              sql<boolean>`coalesce(s.span_start < lt.last_transfer_at, false)`.as("misrouted"),
            ]),
        )
        .with("pending_start_clock", () =>
          businessClockAt({
            from: "pending_spans",
            calendar: "calendar",
            at: "cycle_started_at",
            as: "c0",
            calendars,
          }),
        )
        .with("pending_span_clock", () =>
          businessClockAt({
            from: "pending_start_clock",
            calendar: "calendar",
            at: "span_start",
            as: "c1",
            calendars,
          }),
        )
        .with("pending_end_clock", () =>
          businessClockAt({
            from: "pending_span_clock",
            calendar: "calendar",
            at: "span_until",
            as: "c2",
            calendars,
          }),
        )
        .with("pending_timed", (qb) =>
          qb
            .selectFrom(
              sql<
                WindowKey & {
                  target_business_s: number;
                  dependency: string;
                  owner_team: string | null;
                  pauses: boolean;
                  misrouted: boolean;
                  span_start: Date;
                  span_until: Date;
                  c0: number;
                  c1: number;
                  c2: number;
                }
              >`pending_end_clock`.as("p"),
            )
            .select([
              "case_id",
              "cycle",
              "metric",
              "dependency",
              "owner_team",
              "pauses",
              "misrouted",
              "target_business_s",
              sql<number>`c2 - c1`.as("business_s"),
              sql<number>`(epoch_us(span_until) - epoch_us(span_start)) // 1000000`.as("actual_s"),
              // The clock's reading when a pause begins: business time since the start, less earlier pauses.
              sql<number>`c1 - c0 - coalesce(sum(CASE WHEN pauses THEN c2 - c1 ELSE 0 END) OVER w, 0)`.as(
                "clock_at_span_start",
              ),
              sql<number>`coalesce(sum(CASE WHEN pauses THEN c2 - c1 ELSE 0 END) OVER w, 0)`.as(
                "paused_before",
              ),
            ])
            .modifyEnd(
              sql`WINDOW w AS (PARTITION BY case_id, cycle, metric ORDER BY span_start ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)`,
            ),
        )
        .with("waits_by_dependency", (qb) =>
          qb
            .selectFrom("pending_timed")
            .groupBy(["case_id", "cycle", "metric", "dependency", "owner_team", "pauses"])
            .select([
              "case_id",
              "cycle",
              "metric",
              "dependency",
              "owner_team",
              "pauses",
              sql<number>`CAST(sum(business_s) AS BIGINT)`.as("business_s"),
              sql<number>`CAST(sum(actual_s) AS BIGINT)`.as("actual_s"),
              sql<number>`CAST(sum(business_s) FILTER (WHERE misrouted) AS BIGINT)`.as(
                "misrouted_business_s",
              ),
              // Pauses that began after the target was reached do not move the due time.
              sql<
                number | null
              >`min(paused_before) FILTER (WHERE pauses AND clock_at_span_start >= target_business_s)`.as(
                "paused_before_due",
              ),
            ]),
        )
        .with("waits", (qb) =>
          qb
            .selectFrom("waits_by_dependency")
            .groupBy(["case_id", "cycle", "metric"])
            .select([
              "case_id",
              "cycle",
              "metric",
              sql<number>`CAST(coalesce(sum(business_s) FILTER (WHERE pauses), 0) AS BIGINT)`.as(
                "paused_business_s",
              ),
              sql<number>`CAST(coalesce(sum(actual_s) FILTER (WHERE pauses), 0) AS BIGINT)`.as(
                "paused_actual_s",
              ),
              sql<number>`CAST(coalesce(min(paused_before_due), sum(business_s) FILTER (WHERE pauses), 0) AS BIGINT)`.as(
                "paused_before_due_s",
              ),
              sql<number>`CAST(coalesce(sum(business_s) FILTER (WHERE NOT pauses), 0) AS BIGINT)`.as(
                "dependency_business_s",
              ),
              sql<number>`CAST(coalesce(sum(misrouted_business_s), 0) AS BIGINT)`.as(
                "waits_while_misrouted_s",
              ),
              sql<string | null>`arg_max(dependency, business_s) FILTER (WHERE NOT pauses)`.as(
                "top_dependency",
              ),
              sql<number | null>`max(business_s) FILTER (WHERE NOT pauses)`.as("top_dependency_business_s"),
              sql<string | null>`arg_max(owner_team, business_s) FILTER (WHERE NOT pauses)`.as(
                "top_dependency_owner",
              ),
              // Most time first: each short list is sorted after aggregating (cheaper than an ordered aggregate).
              sql<unknown>`list_transform(
                list_sort(list(struct_pack(k := -business_s, d := dependency, o := owner_team, b := business_s))
                  FILTER (WHERE NOT pauses)),
                x -> struct_pack(dependency := x.d, owner_team := x.o, business_s := CAST(x.b AS INTEGER)))`.as(
                "dependency_waits",
              ),
            ]),
        )
        // Clock lookups run on narrow rows (the key, calendar, instants) and are joined back: an ASOF join
        // sorts every column it carries. Only rows with a transfer need the misrouting reading, and only
        // rows paused before their due time a second due lookup.
        .with("clock_inputs", (qb) =>
          qb
            .selectFrom("int_case_sla_windows as w")
            .select([
              ...window,
              "w.clock_end",
              sql<number>`CAST(w.target_business_s AS BIGINT)`.as("target_business_s"),
            ]),
        )
        .with("start_clock", () =>
          businessClockAt({
            from: "clock_inputs",
            calendar: "calendar",
            at: "cycle_started_at",
            as: "start_clock_s",
            calendars,
          }),
        )
        .with("end_clock", () =>
          businessClockAt({
            from: "start_clock",
            calendar: "calendar",
            at: "clock_end",
            as: "end_clock_s",
            calendars,
          }),
        )
        .with("due_clocks", (qb) =>
          qb
            .selectFrom(
              sql<
                WindowKey & {
                  calendar: string;
                  start_clock_s: number;
                  end_clock_s: number;
                  target_business_s: number;
                }
              >`end_clock`.as("r"),
            )
            .select([
              "case_id",
              "cycle",
              "metric",
              "calendar",
              "start_clock_s",
              "end_clock_s",
              sql<number>`start_clock_s + target_business_s`.as("original_due_clock_s"),
            ]),
        )
        .with("original_due", () =>
          instantAtBusinessClock({
            from: "due_clocks",
            calendar: "calendar",
            clock: "original_due_clock_s",
            as: "original_due_at",
            calendars,
          }),
        )
        .with("paused_inputs", (qb) =>
          qb
            .selectFrom("due_clocks as d")
            .innerJoin("waits as x", (join) => join.on(sameKeys("x", "d", WINDOW_KEY)))
            .where("x.paused_before_due_s", ">", 0)
            .select([
              "d.case_id",
              "d.cycle",
              "d.metric",
              "d.calendar",
              sql<number>`d.original_due_clock_s + x.paused_before_due_s`.as("due_clock_s"),
            ]),
        )
        .with("paused_due", () =>
          instantAtBusinessClock({
            from: "paused_inputs",
            calendar: "calendar",
            clock: "due_clock_s",
            as: "due_at",
            calendars,
          }),
        )
        .with("transfer_timed", () =>
          businessSecondsBeforeLastTransfer({
            from: "last_transfers",
            as: "before_transfer_business_s",
            calendars,
          }),
        )
        .with("read", (qb) =>
          qb
            .selectFrom("int_case_sla_windows as w")
            .innerJoin(
              sql<
                WindowKey & { start_clock_s: number; end_clock_s: number; original_due_at: Date | null }
              >`original_due`.as("o"),
              (join) => join.on(sameWindow("o")),
            )
            .leftJoin(sql<WindowKey & { due_at: Date | null }>`paused_due`.as("p"), (join) =>
              join.on(sameWindow("p")),
            )
            .leftJoin(
              sql<WindowKey & { before_transfer_business_s: number | null }>`transfer_timed`.as("tr"),
              (join) => join.on(sameWindow("tr")),
            )
            .leftJoin("waits as x", (join) => join.on(sameWindow("x")))
            .select([
              "w.case_id",
              "w.cycle",
              "w.metric",
              "w.queue",
              "w.work_type",
              "w.priority_tier",
              "w.calendar",
              "w.target_business_s",
              "w.goal",
              "w.cycle_started_at",
              "w.stopped_at",
              "w.clock_end",
              "w.paused_now",
              "w.cancelled",
              "w.responsible_team",
              "o.original_due_at",
              sql<Date | null>`CASE WHEN p.case_id IS NULL THEN o.original_due_at ELSE p.due_at END`.as(
                "due_at",
              ),
              sql<number>`coalesce(x.paused_business_s, 0)`.as("paused_business_s"),
              sql<number>`coalesce(x.paused_actual_s, 0)`.as("paused_actual_s"),
              sql<number>`coalesce(x.dependency_business_s, 0)`.as("dependency_business_s"),
              "x.top_dependency",
              "x.top_dependency_business_s",
              "x.top_dependency_owner",
              sql<unknown>`coalesce(x.dependency_waits, [])`.as("dependency_waits"),
              sql<number>`o.end_clock_s - o.start_clock_s - coalesce(x.paused_business_s, 0)`.as(
                "elapsed_business_s",
              ),
              sql<number>`(epoch_us(w.clock_end) - epoch_us(w.cycle_started_at)) // 1000000`.as(
                "elapsed_actual_s",
              ),
              sql<number>`CASE WHEN tr.before_transfer_business_s IS NULL THEN 0
                ELSE greatest(tr.before_transfer_business_s - coalesce(x.waits_while_misrouted_s, 0), 0) END`.as(
                "misrouting_business_s",
              ),
            ]),
        )
        .with("judged", (qb) =>
          qb
            .selectFrom("read")
            .selectAll()
            .select(
              sql<string>`CASE
                WHEN cancelled THEN 'cancelled'
                WHEN stopped_at IS NOT NULL THEN CASE WHEN elapsed_business_s > target_business_s THEN 'breached' ELSE 'met' END
                WHEN elapsed_business_s > target_business_s THEN 'open_breached'
                WHEN paused_now THEN 'paused'
                WHEN elapsed_business_s >= ${AT_RISK_SHARE} * target_business_s THEN 'at_risk'
                ELSE 'running' END`.as("state"),
            ),
        )
        .selectFrom("judged")
        .select([
          "case_id",
          "cycle",
          "metric",
          "queue",
          "work_type",
          "priority_tier",
          "calendar",
          sql<number>`CAST(target_business_s AS BIGINT)`.as("target_business_s"),
          "goal",
          "cycle_started_at",
          "stopped_at",
          sql<number>`CAST(elapsed_business_s AS BIGINT)`.as("elapsed_business_s"),
          sql<number>`CAST(elapsed_actual_s AS BIGINT)`.as("elapsed_actual_s"),
          sql<number>`CAST(paused_business_s AS BIGINT)`.as("paused_business_s"),
          sql<number>`CAST(paused_actual_s AS BIGINT)`.as("paused_actual_s"),
          sql<unknown>`dependency_waits`.as("dependency_waits"),
          sql<number>`CAST(dependency_business_s AS BIGINT)`.as("dependency_business_s"),
          sql<number>`CAST(misrouting_business_s AS BIGINT)`.as("misrouting_business_s"),
          sql<number>`CAST(elapsed_business_s - dependency_business_s - misrouting_business_s AS BIGINT)`.as(
            "operating_team_business_s",
          ),
          sql<number>`elapsed_business_s / target_business_s`.as("target_used"),
          "original_due_at",
          "due_at",
          "state",
          sql<boolean>`state IN ('breached', 'open_breached')`.as("is_breached"),
          sql<Date | null>`CASE WHEN state IN ('breached', 'open_breached') THEN due_at END`.as(
            "breached_at",
          ),
          // The case would have met its target without that time: a dependency first, then misrouting.
          sql<string | null>`CASE WHEN state IN ('breached', 'open_breached') THEN CASE
              WHEN top_dependency_business_s >= elapsed_business_s - target_business_s THEN top_dependency
              WHEN misrouting_business_s >= elapsed_business_s - target_business_s THEN 'misrouting'
              ELSE 'operating_team' END END`.as("breach_attributed_to"),
          sql<string | null>`CASE WHEN state IN ('breached', 'open_breached') THEN CASE
              WHEN top_dependency_business_s >= elapsed_business_s - target_business_s
                THEN coalesce(top_dependency_owner, responsible_team)
              ELSE responsible_team END END`.as("breach_owner_team"),
          "responsible_team",
        ])
    );
  },
  tests: [
    notNull(
      "case_id",
      "cycle",
      "metric",
      "queue",
      "calendar",
      "target_business_s",
      "cycle_started_at",
      "elapsed_business_s",
      "state",
    ),
    unique("case_id", "cycle", "metric"),
    acceptedValues("metric", SLA_METRICS),
    acceptedValues("state", SLA_STATES),
    relationship("case_id", "stg_cases", "case_id"),
    invariant(
      "times are not negative",
      "elapsed_business_s >= 0 AND elapsed_actual_s >= 0 AND paused_business_s >= 0 AND dependency_business_s >= 0 AND misrouting_business_s >= 0",
    ),
    invariant(
      "the reading splits into dependency, misrouting and operating-team time",
      "operating_team_business_s >= 0 AND dependency_business_s + misrouting_business_s + operating_team_business_s = elapsed_business_s",
    ),
    invariant("pauses move the due time out, never in", "due_at IS NULL OR due_at >= original_due_at"),
    invariant(
      "breached exactly when the reading passes the target",
      "state = 'cancelled' OR (elapsed_business_s > target_business_s) = is_breached",
    ),
    invariant(
      "a stopped clock is met, breached or cancelled",
      "(stopped_at IS NULL) = (state IN ('running', 'paused', 'at_risk', 'open_breached'))",
    ),
    invariant(
      "a breach is attributed and owned",
      "NOT is_breached OR (breach_attributed_to IS NOT NULL AND breached_at IS NOT NULL)",
    ),
    custom(
      "first touch comes no later than resolution",
      (
        t,
      ) => `SELECT f.case_id, f.cycle, f.stopped_at AS first_touch_at, r.stopped_at AS resolved_at FROM ${t} f
        JOIN ${t} r ON r.case_id = f.case_id AND r.cycle = f.cycle AND r.metric = 'resolution'
        WHERE f.metric = 'first_touch' AND r.stopped_at IS NOT NULL AND (f.stopped_at IS NULL OR f.stopped_at > r.stopped_at)`,
    ),
    custom(
      "every window of int_case_sla_windows is measured (with the unique key: exactly once)",
      (t) => `SELECT w.n AS windows, s.n AS measured FROM (SELECT count(*) AS n FROM int_case_sla_windows) w,
        (SELECT count(*) AS n FROM ${t}) s WHERE w.n <> s.n`,
    ),
  ],
});
