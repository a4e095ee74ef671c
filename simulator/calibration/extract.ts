/**
 * What calibration measures, read from the warehouse's staging models (stg_cases, stg_case_events,
 * stg_agents, stg_shifts) and int_case_timeline through the warehouse module, with bound parameters.
 * Each query returns flat observations; the fitting is in fit.ts and calibrate.ts.
 *
 * The events of a case are put in order (time, then their place in a case's life for events at the
 * same instant, as int_case_timeline orders them), and each event is placed in a queue: the queue the
 * case sat in when it happened — the last `created`/`transferred` before it (a `transferred` event
 * itself still belongs to the queue it leaves). A synthetic `opened` event at the case's opened_at in
 * its first queue stands in for a case exported without a `created` event.
 *
 * - A **stay** is a case's time in one queue in one SLA cycle: it starts at the opening, a transfer
 *   in, or a reopen, and ends at a transfer out or a resolution.
 * - A **handling** is a `worked` event. It ends at the case's next `resolved`, `transferred` or
 *   `pending_dependency` event when that is by the same actor (or by no recorded actor): the handle
 *   time is the time between the two. When the next such event is another `worked`, the handling
 *   ended without an outcome: the case went back to the line (a rework), and the handle time is not
 *   observed. A handling with no outcome yet, or whose outcome is another actor's, is not observed
 *   either. A handling is a follow-up when the last event before it that moved the case was a
 *   `dependency_returned`.
 */
import type { Warehouse } from "../../ingest/warehouse.ts";

/** The event types that start a stay. */
const ENTRY_EVENTS = "('opened', 'transferred', 'reopened')";

// Events at the same instant in the order of a case's life (a case created and assigned in one second
// is created first). Unlike int_case_timeline, a reopen comes before work stamped the same instant:
// a reopened case picked up at once is reopened, then worked, not the other way round.
const SAME_INSTANT_RANK = `CASE event_type
  WHEN 'opened' THEN 0 WHEN 'created' THEN 1 WHEN 'reopened' THEN 2 WHEN 'transferred' THEN 3
  WHEN 'assigned' THEN 4 WHEN 'pending_dependency' THEN 5 WHEN 'dependency_returned' THEN 6 WHEN 'worked' THEN 7
  WHEN 'note' THEN 7 WHEN 'escalated' THEN 8 WHEN 'resolved' THEN 9 WHEN 'closed' THEN 10 ELSE 7 END`;

/**
 * Every case event (plus the synthetic opening), in order, with the queue it happened in, the case's
 * work type and priority, its stay number and whether a handling there would be a follow-up.
 */
const PLACED_EVENTS = `
  first_queue AS (
    SELECT case_id,
      arg_min(CASE WHEN event_type = 'created' THEN to_queue ELSE from_queue END, event_seq) AS queue
    FROM stg_case_events
    WHERE (event_type = 'created' AND to_queue IS NOT NULL) OR event_type = 'transferred'
    GROUP BY case_id
  ),
  events AS (
    SELECT e.case_id, e.occurred_at, e.event_type, e.actor_id, e.to_queue, e.from_queue, e.dependency,
      e.event_seq
    FROM stg_case_events e
    UNION ALL
    SELECT c.case_id, c.opened_at, 'opened', NULL, coalesce(q.queue, c.queue), NULL, NULL, 0
    FROM stg_cases c LEFT JOIN first_queue q ON q.case_id = c.case_id
  ),
  ordered AS (
    SELECT *, row_number() OVER (PARTITION BY case_id ORDER BY occurred_at, ${SAME_INSTANT_RANK}, event_seq) AS pos
    FROM events
  ),
  placed AS (
    SELECT o.case_id, o.pos, o.occurred_at, o.event_type, o.actor_id, o.to_queue, o.dependency,
      c.work_type, c.priority,
      CASE WHEN o.event_type = 'transferred' THEN coalesce(o.from_queue, last_value(CASE WHEN o.event_type IN ('opened', 'created', 'transferred') THEN o.to_queue END IGNORE NULLS) OVER w_before)
        ELSE last_value(CASE WHEN o.event_type IN ('opened', 'created', 'transferred') THEN o.to_queue END IGNORE NULLS) OVER w_upto END AS queue,
      last_value(CASE WHEN o.event_type IN ('opened', 'created', 'transferred') THEN o.to_queue END IGNORE NULLS) OVER w_upto AS stay_queue,
      count(*) FILTER (WHERE o.event_type IN ${ENTRY_EVENTS}) OVER w_upto AS stay,
      coalesce(last_value(CASE WHEN o.event_type IN ${ENTRY_EVENTS} THEN 'first'
        WHEN o.event_type = 'dependency_returned' THEN 'followup' END IGNORE NULLS) OVER w_upto, 'first') AS phase
    FROM ordered o JOIN stg_cases c ON c.case_id = o.case_id
    WINDOW w_upto AS (PARTITION BY o.case_id ORDER BY o.pos ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
      w_before AS (PARTITION BY o.case_id ORDER BY o.pos ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
  )`;

export interface Period {
  /** First instant, UTC ms (inclusive). */
  fromMs: number;
  /** End instant, UTC ms (exclusive). */
  toMs: number;
}

const bounds = (period: Period) => [
  new Date(period.fromMs).toISOString(),
  new Date(period.toMs).toISOString(),
];

/** A case's work type and priority: with the queue, what decides its segment and SLA tier. */
export interface CaseKind {
  queue: string;
  work_type: string;
  priority: string | null;
}

export interface HandlingRow extends CaseKind {
  phase: "first" | "followup";
  /** resolved, transferred, pending_dependency; `worked` for a rework; null when not observed. */
  outcome: string | null;
  /** Seconds, when observed. */
  handle_s: number | null;
}

/** Handlings that started in the period, with their outcome and handle time when observed. */
export async function readHandlings(warehouse: Warehouse, period: Period): Promise<HandlingRow[]> {
  return warehouse.all<HandlingRow & Record<string, unknown>>(
    `WITH ${PLACED_EVENTS},
    outcomes AS (
      SELECT *, lead(event_type) OVER w AS next_type, lead(occurred_at) OVER w AS next_at,
        lead(actor_id) OVER w AS next_actor
      FROM placed WHERE event_type IN ('worked', 'resolved', 'transferred', 'pending_dependency')
      WINDOW w AS (PARTITION BY case_id ORDER BY pos)
    )
    SELECT queue, work_type, priority, phase,
      CASE WHEN next_type = 'worked' THEN 'worked'
        WHEN next_type IS NOT NULL AND (next_actor IS NULL OR next_actor = actor_id) THEN next_type END AS outcome,
      CASE WHEN next_type IN ('resolved', 'transferred', 'pending_dependency')
        AND (next_actor IS NULL OR next_actor = actor_id)
        THEN epoch(next_at) - epoch(occurred_at) END AS handle_s
    FROM outcomes
    WHERE event_type = 'worked' AND occurred_at >= CAST($1 AS TIMESTAMPTZ) AND occurred_at < CAST($2 AS TIMESTAMPTZ)
    ORDER BY case_id, pos`,
    bounds(period),
  );
}

export interface EntryRow extends CaseKind {
  case_id: string;
  /** opened or transferred (reopens are the reopen model's, not arrivals). */
  kind: string;
  at: Date;
}

/** Stays that started in the period by an opening or a transfer in: the arrivals. */
export async function readEntries(warehouse: Warehouse, period: Period): Promise<EntryRow[]> {
  return warehouse.all<EntryRow & Record<string, unknown>>(
    `WITH ${PLACED_EVENTS}
    SELECT case_id, stay_queue AS queue, work_type, priority, event_type AS kind, occurred_at AS at
    FROM placed
    WHERE event_type IN ('opened', 'transferred')
      AND occurred_at >= CAST($1 AS TIMESTAMPTZ) AND occurred_at < CAST($2 AS TIMESTAMPTZ)
    ORDER BY occurred_at, case_id`,
    bounds(period),
  );
}

export interface ExitRow extends CaseKind {
  /** resolved or transferred. */
  kind: string;
  to_queue: string | null;
  /** For a resolution: seconds until the case reopened (null when it has not, as far as the data goes). */
  reopened_after_s: number | null;
}

/** Stays that ended in the period (resolutions and transfers out), with any later reopen. */
export async function readExits(warehouse: Warehouse, period: Period): Promise<ExitRow[]> {
  return warehouse.all<ExitRow & Record<string, unknown>>(
    `WITH ${PLACED_EVENTS},
    endings AS (
      SELECT *, lead(event_type) OVER w AS next_type, lead(occurred_at) OVER w AS next_at
      FROM placed WHERE event_type IN ('resolved', 'transferred', 'reopened')
      WINDOW w AS (PARTITION BY case_id ORDER BY pos)
    )
    SELECT queue, work_type, priority, event_type AS kind,
      CASE WHEN event_type = 'transferred' THEN to_queue END AS to_queue,
      CASE WHEN event_type = 'resolved' AND next_type = 'reopened' THEN epoch(next_at) - epoch(occurred_at) END
        AS reopened_after_s
    FROM endings
    WHERE event_type IN ('resolved', 'transferred')
      AND occurred_at >= CAST($1 AS TIMESTAMPTZ) AND occurred_at < CAST($2 AS TIMESTAMPTZ)
    ORDER BY case_id, pos`,
    bounds(period),
  );
}

export interface DependencyRow extends CaseKind {
  dependency: string;
  /** Seconds until dependency_returned; null while still waiting (as far as the data goes). */
  wait_s: number | null;
}

/** Dependency waits that started in the period. */
export async function readDependencyWaits(warehouse: Warehouse, period: Period): Promise<DependencyRow[]> {
  return warehouse.all<DependencyRow & Record<string, unknown>>(
    `WITH ${PLACED_EVENTS},
    waits AS (
      SELECT *, lead(event_type) OVER w AS next_type, lead(occurred_at) OVER w AS next_at
      FROM placed WHERE event_type IN ('pending_dependency', 'dependency_returned')
      WINDOW w AS (PARTITION BY case_id ORDER BY pos)
    )
    SELECT queue, work_type, priority, coalesce(dependency, 'unknown') AS dependency,
      CASE WHEN next_type = 'dependency_returned' THEN epoch(next_at) - epoch(occurred_at) END AS wait_s
    FROM waits
    WHERE event_type = 'pending_dependency'
      AND occurred_at >= CAST($1 AS TIMESTAMPTZ) AND occurred_at < CAST($2 AS TIMESTAMPTZ)
    ORDER BY case_id, pos`,
    bounds(period),
  );
}

export interface StayRow extends CaseKind {
  case_id: string;
  /** When the stay started (opening, transfer in or reopen). */
  entered_at: Date;
  /** First handling in the stay; null when none yet. */
  first_worked_at: Date | null;
  /** When the stay ended (resolution or transfer out); null while open. */
  left_at: Date | null;
}

/**
 * Stays that overlap the period (entered before its end, not left before its start): the open
 * backlog at the start, the wait to the first handling, and the carryover at the end of each day.
 */
export async function readStays(warehouse: Warehouse, period: Period): Promise<StayRow[]> {
  return warehouse.all<StayRow & Record<string, unknown>>(
    `WITH ${PLACED_EVENTS},
    stays AS (
      SELECT case_id, stay,
        arg_min(stay_queue, pos) FILTER (WHERE event_type IN ${ENTRY_EVENTS}) AS queue,
        any_value(work_type) AS work_type, any_value(priority) AS priority,
        min(occurred_at) FILTER (WHERE event_type IN ${ENTRY_EVENTS}) AS entered_at,
        min(occurred_at) FILTER (WHERE event_type = 'worked') AS first_worked_at
      FROM placed WHERE stay > 0
      GROUP BY case_id, stay
    ),
    -- A transfer starts the next stay and ends the one before it.
    exits AS (
      SELECT case_id, CASE WHEN event_type = 'transferred' THEN stay - 1 ELSE stay END AS stay,
        min(occurred_at) AS left_at
      FROM placed WHERE event_type IN ('resolved', 'transferred')
      GROUP BY ALL
    )
    SELECT s.case_id, s.queue, s.work_type, s.priority, s.entered_at, s.first_worked_at, x.left_at
    FROM stays s LEFT JOIN exits x ON x.case_id = s.case_id AND x.stay = s.stay
    WHERE s.entered_at < CAST($2 AS TIMESTAMPTZ) AND (x.left_at IS NULL OR x.left_at >= CAST($1 AS TIMESTAMPTZ))
    ORDER BY s.entered_at, s.case_id`,
    bounds(period),
  );
}

export interface ShiftRow {
  agent_id: string;
  team: string | null;
  skills: string[];
  time_zone: string;
  starts_at: Date;
  ends_at: Date;
  activity: string;
}

/** Rostered shifts that start in the period, with their agent's team, skills and time zone. */
export async function readShifts(warehouse: Warehouse, period: Period): Promise<ShiftRow[]> {
  return warehouse.all<ShiftRow & Record<string, unknown>>(
    `SELECT s.agent_id, a.team, coalesce(a.skills, []) AS skills, a.time_zone, s.starts_at, s.ends_at, s.activity
    FROM stg_shifts s JOIN stg_agents a ON a.agent_id = s.agent_id
    WHERE s.starts_at >= CAST($1 AS TIMESTAMPTZ) AND s.starts_at < CAST($2 AS TIMESTAMPTZ)
    ORDER BY s.starts_at, s.agent_id`,
    bounds(period),
  );
}

/** The data's first and last instants (cases and their events), to check a period against. */
export async function readDataRange(
  warehouse: Warehouse,
): Promise<{ first: Date | null; last: Date | null }> {
  const row = await warehouse.one<{ first: Date | null; last: Date | null }>(
    `SELECT least(min(c.opened_at), min(e.first_at)) AS first, greatest(max(c.updated_at), max(e.last_at)) AS last
    FROM stg_cases c FULL JOIN (SELECT case_id, min(occurred_at) AS first_at, max(occurred_at) AS last_at
      FROM stg_case_events GROUP BY case_id) e ON e.case_id = c.case_id`,
  );
  return { first: row?.first ?? null, last: row?.last ?? null };
}
