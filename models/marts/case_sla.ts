// One row per case per SLA cycle per metric (first_touch, resolution): the clock, its target, where the
// time went (paused, dependencies, misrouting, the operating team), due times, state and breach.
import { sql } from "kysely";
import { businessClockAt, businessSecondsBetween, instantAtBusinessClock } from "../calendar/business-time-sql.ts";
import { acceptedValues, custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export const SLA_METRICS = ["first_touch", "resolution"] as const;
export const SLA_STATES = ["running", "paused", "at_risk", "open_breached", "met", "breached", "cancelled"] as const;

/**
 * Event types that count as the first touch: an agent acting on the case. `assigned` and `transferred`
 * only route it, `note` and `escalated` do not act on it; a resolution or closure is an action (and is
 * the only evidence of one for a case exported without events).
 */
export const FIRST_TOUCH_EVENTS = ["worked", "pending_dependency", "resolved", "closed"] as const;

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

const STOP_STATES = sql`('resolved', 'closed')`;

/**
 * Rules (docs/models.md, "case_sla"):
 * - Cycles come from int_case_timeline: cycle 1 starts at the opening, each reopen starts the next.
 *   The resolution clock stops at the cycle's first resolved or closed span; the first-touch clock at
 *   its first span started by one of FIRST_TOUCH_EVENTS.
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
  dependsOn: ["int_case_timeline", "int_case_queue_stays", "stg_cases"],
  incremental: { key: "case_id" },
  build: ({ db, asOf }) => {
    const asOfAt = sql<Date>`CAST(${asOf.toISOString()} AS TIMESTAMPTZ)`;
    return (
      db
        .with("cycles", (qb) =>
          qb
            .selectFrom("int_case_timeline")
            .groupBy(["case_id", "cycle"])
            .select([
              "case_id",
              "cycle",
              sql<Date>`min(span_start)`.as("cycle_started_at"),
              sql<string>`arg_max(queue, span_seq)`.as("last_queue"),
              sql<string>`arg_max(state, span_seq)`.as("last_state"),
              sql<string | null>`arg_max_null(dependency, span_seq)`.as("last_dependency"),
              sql<number | null>`min(span_seq) FILTER (WHERE state IN ${STOP_STATES})`.as("resolution_seq"),
              sql<number | null>`min(span_seq) FILTER (WHERE started_by IN (${sql.join(
                FIRST_TOUCH_EVENTS.map((e) => sql.lit(e)),
              )}))`.as("touch_seq"),
              sql<number>`max(cycle) OVER (PARTITION BY case_id)`.as("last_cycle"),
            ]),
        )
        .with("metric_windows", (qb) =>
          qb
            .selectFrom("cycles")
            .select([
              "case_id",
              "cycle",
              sql<string>`'first_touch'`.as("metric"),
              "cycle_started_at",
              "touch_seq as stop_seq",
              "resolution_seq",
              "last_queue",
              "last_state",
              "last_dependency",
              "last_cycle",
            ])
            .unionAll(
              qb
                .selectFrom("cycles")
                .select([
                  "case_id",
                  "cycle",
                  sql<string>`'resolution'`.as("metric"),
                  "cycle_started_at",
                  "resolution_seq as stop_seq",
                  "resolution_seq",
                  "last_queue",
                  "last_state",
                  "last_dependency",
                  "last_cycle",
                ]),
            ),
        )
        .with("windows", (qb) =>
          qb
            .selectFrom("metric_windows as w")
            .innerJoin("stg_cases as c", "c.case_id", "w.case_id")
            .leftJoin("int_case_timeline as stop", (join) =>
              join.onRef("stop.case_id", "=", "w.case_id").onRef("stop.span_seq", "=", "w.stop_seq"),
            )
            .leftJoin("policy_dependencies as current_dependency", (join) =>
              join.onRef("current_dependency.dependency", "=", "w.last_dependency"),
            )
            .select([
              "w.case_id",
              "w.cycle",
              "w.metric",
              "w.stop_seq",
              "w.cycle_started_at",
              "stop.span_start as stopped_at",
              sql<string>`coalesce(stop.queue, w.last_queue)`.as("queue"),
              "c.work_type",
              sql<string>`coalesce(c.priority, 'default')`.as("priority_tier"),
              // Where the clock reads up to: its stop, else the data's as-of time.
              sql<Date>`coalesce(stop.span_start, greatest(${asOfAt}, w.cycle_started_at))`.as("clock_end"),
              sql<boolean>`coalesce(stop.span_start IS NULL AND w.last_state = 'pending'
                AND current_dependency.pauses_sla, false)`.as("paused_now"),
              // The case's final exit was a cancellation, and this clock stopped at it.
              sql<boolean>`coalesce(c.exit_kind = 'cancelled' AND w.cycle = w.last_cycle
                AND w.stop_seq = w.resolution_seq, false)`.as("cancelled"),
            ]),
        )
        .with("targeted", (qb) =>
          qb
            .selectFrom("windows as w")
            .leftJoin("policy_sla_targets as t", (join) =>
              join
                .onRef("t.queue", "=", "w.queue")
                .onRef("t.work_type", "=", "w.work_type")
                .on(sql`coalesce(t.priority, 'default')`, "=", sql.ref("w.priority_tier")),
            )
            .leftJoin("policy_queues as q", "q.queue", "w.queue")
            .selectAll("w")
            .select([
              "t.calendar",
              sql<number>`CASE w.metric WHEN 'first_touch' THEN t.first_touch_within_s ELSE t.resolve_within_s END`.as(
                "target_business_s",
              ),
              sql<number>`CASE w.metric WHEN 'first_touch' THEN t.first_touch_goal ELSE t.goal END`.as("goal"),
              "q.responsible as responsible_team",
            ]),
        )
        // The last transfer out of a queue before the clock stopped: everything before it was misrouted.
        .with("last_transfers", (qb) =>
          qb
            .selectFrom("targeted as w")
            .innerJoin("int_case_queue_stays as s", (join) =>
              join
                .onRef("s.case_id", "=", "w.case_id")
                .onRef("s.cycle", "=", "w.cycle")
                .on("s.exit_kind", "=", "transfer_out")
                .onRef("s.left_at", "<=", "w.clock_end"),
            )
            .groupBy(["w.case_id", "w.cycle", "w.metric"])
            .select(["w.case_id", "w.cycle", "w.metric", sql<Date>`max(s.left_at)`.as("last_transfer_at")]),
        )
        .with("windows_routed", (qb) =>
          qb
            .selectFrom("targeted as w")
            .leftJoin("last_transfers as lt", (join) =>
              join
                .onRef("lt.case_id", "=", "w.case_id")
                .onRef("lt.cycle", "=", "w.cycle")
                .onRef("lt.metric", "=", "w.metric"),
            )
            .selectAll("w")
            .select("lt.last_transfer_at"),
        )
        // Pending spans inside each clock's window (before its stop), cut at the as-of time if still open.
        .with("pending_spans", (qb) =>
          qb
            .selectFrom("windows_routed as w")
            .innerJoin("int_case_timeline as s", (join) =>
              join
                .onRef("s.case_id", "=", "w.case_id")
                .onRef("s.cycle", "=", "w.cycle")
                .on("s.state", "=", "pending")
                .on((eb) => eb.or([eb("w.stop_seq", "is", null), eb("s.span_seq", "<", eb.ref("w.stop_seq"))])),
            )
            .leftJoin("policy_dependencies as d", "d.dependency", "s.dependency")
            .select([
              "w.case_id",
              "w.cycle",
              "w.metric",
              "w.calendar",
              "w.cycle_started_at",
              "w.target_business_s",
              "s.dependency",
              "d.owner_team",
              sql<boolean>`coalesce(d.pauses_sla, false)`.as("pauses"),
              "s.span_start",
              sql<Date>`greatest(s.span_start, least(coalesce(s.span_end, w.clock_end), w.clock_end))`.as(
                "span_until",
              ),
              sql<boolean>`coalesce(s.span_start < w.last_transfer_at, false)`.as("misrouted"),
            ]),
        )
        .with("pending_start_clock", () =>
          businessClockAt({ from: "pending_spans", calendar: "calendar", at: "cycle_started_at", as: "c0" }),
        )
        .with("pending_span_clock", () =>
          businessClockAt({ from: "pending_start_clock", calendar: "calendar", at: "span_start", as: "c1" }),
        )
        .with("pending_end_clock", () =>
          businessClockAt({ from: "pending_span_clock", calendar: "calendar", at: "span_until", as: "c2" }),
        )
        .with("pending_timed", (qb) =>
          qb
            .selectFrom(
              sql<{
                case_id: string;
                cycle: number;
                metric: string;
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
              }>`pending_end_clock`.as("p"),
            )
            .select([
              "case_id",
              "cycle",
              "metric",
              "dependency",
              "owner_team",
              "pauses",
              "misrouted",
              sql<number>`c2 - c1`.as("business_s"),
              sql<number>`(epoch_us(span_until) - epoch_us(span_start)) // 1000000`.as("actual_s"),
              // The clock's reading when a pause begins: business time since the start, less earlier pauses.
              sql<number>`c1 - c0 - coalesce(sum(CASE WHEN pauses THEN c2 - c1 ELSE 0 END) OVER (
                PARTITION BY case_id, cycle, metric ORDER BY span_start
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)`.as("clock_at_span_start"),
              sql<number>`coalesce(sum(CASE WHEN pauses THEN c2 - c1 ELSE 0 END) OVER (
                PARTITION BY case_id, cycle, metric ORDER BY span_start
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)`.as("paused_before"),
              "target_business_s",
            ]),
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
              sql<number>`sum(business_s) FILTER (WHERE misrouted)`.as("misrouted_business_s"),
              // Pauses that began after the target was reached do not move the due time.
              sql<number | null>`min(paused_before) FILTER (WHERE pauses AND clock_at_span_start >= target_business_s)`.as(
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
              sql<number>`coalesce(sum(business_s) FILTER (WHERE pauses), 0)`.as("paused_business_s"),
              sql<number>`coalesce(sum(actual_s) FILTER (WHERE pauses), 0)`.as("paused_actual_s"),
              sql<number>`coalesce(min(paused_before_due), sum(business_s) FILTER (WHERE pauses), 0)`.as(
                "paused_before_due_s",
              ),
              sql<number>`coalesce(sum(business_s) FILTER (WHERE NOT pauses), 0)`.as("dependency_business_s"),
              sql<number>`coalesce(sum(misrouted_business_s), 0)`.as("waits_while_misrouted_s"),
              sql<string | null>`arg_max(dependency, business_s) FILTER (WHERE NOT pauses)`.as("top_dependency"),
              sql<number | null>`max(business_s) FILTER (WHERE NOT pauses)`.as("top_dependency_business_s"),
              sql<string | null>`arg_max(owner_team, business_s) FILTER (WHERE NOT pauses)`.as(
                "top_dependency_owner",
              ),
              sql<unknown>`list(struct_pack(dependency := dependency, owner_team := owner_team,
                business_s := CAST(business_s AS INTEGER)) ORDER BY business_s DESC, dependency)
                FILTER (WHERE NOT pauses)`.as("dependency_waits"),
            ]),
        )
        .with("windows_waited", (qb) =>
          qb
            .selectFrom("windows_routed as w")
            .leftJoin("waits as x", (join) =>
              join
                .onRef("x.case_id", "=", "w.case_id")
                .onRef("x.cycle", "=", "w.cycle")
                .onRef("x.metric", "=", "w.metric"),
            )
            .selectAll("w")
            .select([
              sql<number>`coalesce(x.paused_business_s, 0)`.as("paused_business_s"),
              sql<number>`coalesce(x.paused_actual_s, 0)`.as("paused_actual_s"),
              sql<number>`coalesce(x.paused_before_due_s, 0)`.as("paused_before_due_s"),
              sql<number>`coalesce(x.dependency_business_s, 0)`.as("dependency_business_s"),
              sql<number>`coalesce(x.waits_while_misrouted_s, 0)`.as("waits_while_misrouted_s"),
              "x.top_dependency",
              "x.top_dependency_business_s",
              "x.top_dependency_owner",
              sql<unknown>`coalesce(x.dependency_waits, [])`.as("dependency_waits"),
            ]),
        )
        // Clock lookups run on narrow rows (keys and instants only) and are joined back: an ASOF join
        // carries every column of its input through a sort. Only rows with a transfer need the
        // misrouting reading, and only rows paused before their due time need a second due lookup.
        .with("clock_inputs", (qb) =>
          qb
            .selectFrom("windows_waited")
            .select([
              "case_id",
              "cycle",
              "metric",
              "calendar",
              "cycle_started_at",
              "clock_end",
              "last_transfer_at",
              sql<number>`CAST(target_business_s AS BIGINT)`.as("target_business_s"),
              sql<number>`CAST(paused_before_due_s AS BIGINT)`.as("paused_before_due_s"),
            ]),
        )
        .with("start_clock", () =>
          businessClockAt({ from: "clock_inputs", calendar: "calendar", at: "cycle_started_at", as: "start_clock_s" }),
        )
        .with("end_clock", () =>
          businessClockAt({ from: "start_clock", calendar: "calendar", at: "clock_end", as: "end_clock_s" }),
        )
        .with("due_clocks", (qb) =>
          qb
            .selectFrom(sql<{ start_clock_s: number; target_business_s: number }>`end_clock`.as("r"))
            .selectAll()
            .select(sql<number>`start_clock_s + target_business_s`.as("original_due_clock_s")),
        )
        .with("original_due", () =>
          instantAtBusinessClock({
            from: "due_clocks",
            calendar: "calendar",
            clock: "original_due_clock_s",
            as: "original_due_at",
          }),
        )
        .with("paused_inputs", (qb) =>
          qb
            .selectFrom(
              sql<{
                case_id: string;
                cycle: number;
                metric: string;
                calendar: string;
                start_clock_s: number;
                target_business_s: number;
                paused_before_due_s: number;
              }>`end_clock`.as("r"),
            )
            .where("paused_before_due_s", ">", 0)
            .select([
              "case_id",
              "cycle",
              "metric",
              "calendar",
              sql<number>`start_clock_s + target_business_s + paused_before_due_s`.as("due_clock_s"),
            ]),
        )
        .with("paused_due", () =>
          instantAtBusinessClock({ from: "paused_inputs", calendar: "calendar", clock: "due_clock_s", as: "due_at" }),
        )
        .with("transfer_inputs", (qb) =>
          qb
            .selectFrom("clock_inputs")
            .where("last_transfer_at", "is not", null)
            .select(["case_id", "cycle", "metric", "calendar", "cycle_started_at", "last_transfer_at"]),
        )
        .with("transfer_timed", () =>
          businessSecondsBetween({
            from: "transfer_inputs",
            calendar: "calendar",
            start: "cycle_started_at",
            end: "last_transfer_at",
            as: "before_transfer_business_s",
          }),
        )
        .with("clocks", (qb) =>
          qb
            .selectFrom(
              sql<{
                case_id: string;
                cycle: number;
                metric: string;
                start_clock_s: number;
                end_clock_s: number;
                original_due_at: Date | null;
              }>`original_due`.as("o"),
            )
            .leftJoin(
              sql<{ case_id: string; cycle: number; metric: string; due_at: Date | null }>`paused_due`.as("p"),
              (join) =>
                join
                  .onRef("p.case_id", "=", "o.case_id")
                  .onRef("p.cycle", "=", "o.cycle")
                  .onRef("p.metric", "=", "o.metric"),
            )
            .leftJoin(
              sql<{ case_id: string; cycle: number; metric: string; before_transfer_business_s: number | null }>`transfer_timed`.as(
                "x",
              ),
              (join) =>
                join
                  .onRef("x.case_id", "=", "o.case_id")
                  .onRef("x.cycle", "=", "o.cycle")
                  .onRef("x.metric", "=", "o.metric"),
            )
            .select([
              "o.case_id",
              "o.cycle",
              "o.metric",
              "o.start_clock_s",
              "o.end_clock_s",
              "o.original_due_at",
              sql<Date | null>`CASE WHEN p.case_id IS NULL THEN o.original_due_at ELSE p.due_at END`.as("due_at"),
              "x.before_transfer_business_s",
            ]),
        )
        .with("timed", (qb) =>
          qb
            .selectFrom("windows_waited as w")
            .innerJoin("clocks as k", (join) =>
              join
                .onRef("k.case_id", "=", "w.case_id")
                .onRef("k.cycle", "=", "w.cycle")
                .onRef("k.metric", "=", "w.metric"),
            )
            .selectAll("w")
            .select(["k.start_clock_s", "k.end_clock_s", "k.original_due_at", "k.due_at", "k.before_transfer_business_s"]),
        )
        .with("read", (qb) =>
          qb
            .selectFrom("timed")
            .selectAll()
            .select([
              sql<number>`end_clock_s - start_clock_s - paused_business_s`.as("elapsed_business_s"),
              sql<number>`(epoch_us(clock_end) - epoch_us(cycle_started_at)) // 1000000`.as("elapsed_actual_s"),
              sql<number>`CASE WHEN before_transfer_business_s IS NULL THEN 0
                ELSE greatest(before_transfer_business_s - waits_while_misrouted_s, 0) END`.as(
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
          sql<Date | null>`CASE WHEN state IN ('breached', 'open_breached') THEN due_at END`.as("breached_at"),
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
    invariant("a stopped clock is met, breached or cancelled", "(stopped_at IS NULL) = (state IN ('running', 'paused', 'at_risk', 'open_breached'))"),
    invariant(
      "a breach is attributed and owned",
      "NOT is_breached OR (breach_attributed_to IS NOT NULL AND breached_at IS NOT NULL)",
    ),
    custom(
      "first touch comes no later than resolution",
      (t) => `SELECT f.case_id, f.cycle, f.stopped_at AS first_touch_at, r.stopped_at AS resolved_at FROM ${t} f
        JOIN ${t} r ON r.case_id = f.case_id AND r.cycle = f.cycle AND r.metric = 'resolution'
        WHERE f.metric = 'first_touch' AND r.stopped_at IS NOT NULL AND (f.stopped_at IS NULL OR f.stopped_at > r.stopped_at)`,
    ),
    custom(
      "two rows (first touch, resolution) for every cycle of every case's timeline",
      (t) => `SELECT tl.case_id, tl.cycle, count(s.metric) AS metrics FROM (SELECT DISTINCT case_id, cycle FROM int_case_timeline) tl
        LEFT JOIN ${t} s ON s.case_id = tl.case_id AND s.cycle = tl.cycle GROUP BY ALL HAVING count(s.metric) <> 2`,
    ),
  ],
});
