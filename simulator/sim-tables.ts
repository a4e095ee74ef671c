/**
 * Simulation results as warehouse tables, flat records modelled like any other source:
 *
 * - sim_run: one row per run (scenario, seed, replications, horizon);
 * - sim_interval: one row per run × replication × queue × reporting interval (after the warm-up);
 * - sim_staff_interval: one row per run × replication × staff group × reporting interval;
 * - sim_case: one row per run × replication × case cycle, for the replications that record cases;
 * - sim_summary: one row per run × (queue or group) × metric: mean and 95% confidence interval.
 *
 * A run is keyed by run_id, a hash of the scenario text, seed and replications: running the same
 * thing again replaces its rows (the tables hold no wall-clock time, so they are reproducible too).
 * Rows go in through DuckDB's appender a data chunk (2,048 rows) at a time; times are staged as
 * seconds and turned into TIMESTAMPTZ by one INSERT … SELECT per replication.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import {
  BIGINT,
  DOUBLE,
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBType,
  type DuckDBValue,
  INTEGER,
  VARCHAR,
} from "@duckdb/node-api";
import type { Warehouse } from "../ingest/warehouse.ts";
import { OUTCOMES, type ReplicationOutput } from "./engine.ts";
import type { ReplicationSink, SimulationSummary } from "./run-scenario.ts";
import type { ScenarioPlan } from "./scenario-plan.ts";

export const SIM_TABLES = [
  "sim_run",
  "sim_interval",
  "sim_staff_interval",
  "sim_case",
  "sim_summary",
] as const;

const CREATE = [
  `create table if not exists sim_run (
    run_id varchar not null, scenario varchar not null, scenario_file varchar, seed bigint not null,
    replications integer not null, start_at timestamptz not null, horizon_s double not null,
    interval_s double not null, warmup_s double not null, routing varchar not null, events bigint not null,
    meets_all_targets boolean not null)`,
  `create table if not exists sim_interval (
    run_id varchar not null, replication integer not null, queue varchar not null,
    interval_start timestamptz not null, arrivals integer not null, reopened integer not null,
    handled integer not null, resolved integer not null, abandoned integer not null,
    open_start integer not null, open_end integer not null, waiting_end integer not null,
    oldest_age_s double not null, sla_due integer not null, sla_met integer not null,
    sla_attainment double, handling_agent_s double not null, available_agent_s double, occupancy double)`,
  `create table if not exists sim_staff_interval (
    run_id varchar not null, replication integer not null, staff_group varchar not null,
    interval_start timestamptz not null, rostered_agents double not null, productive_agents double not null,
    overtime_agents double not null, handling_agent_s double not null, switching_agent_s double not null,
    available_agent_s double, occupancy double)`,
  `create table if not exists sim_case (
    run_id varchar not null, replication integer not null, case_id bigint not null, cycle integer not null,
    queue varchar not null, arrival_at timestamptz not null, start_at timestamptz, end_at timestamptz,
    wait_s double, handle_s double not null, outcome varchar not null, due_at timestamptz not null,
    met boolean, reworks integer not null, dependency_wait_s double not null)`,
  `create table if not exists sim_summary (
    run_id varchar not null, scope varchar not null, name varchar not null, metric varchar not null,
    mean double, half_width double, low double, high double, replications integer not null)`,
];

/** Identifies a run: the same scenario text, seed and replications give the same id. */
export function runId(
  scenarioName: string,
  scenarioText: string,
  seed: number,
  replications: number,
): string {
  const hash = createHash("sha256")
    .update(`${scenarioText}\n${seed}\n${replications}`)
    .digest("hex")
    .slice(0, 12);
  return `${scenarioName}-${hash}`;
}

/** NaN and infinities are not values a table can hold: they become null. */
const orNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

const CHUNK_ROWS = 2048;

/** Appends `rowCount` rows to `table`, one data chunk at a time; `cell(row, column)` gives each value. */
async function appendRows(
  connection: DuckDBConnection,
  table: string,
  types: readonly DuckDBType[],
  rowCount: number,
  cell: (row: number, column: number) => DuckDBValue,
): Promise<void> {
  const appender = await connection.createAppender(table);
  try {
    for (let from = 0; from < rowCount; from += CHUNK_ROWS) {
      const size = Math.min(CHUNK_ROWS, rowCount - from);
      const columns: DuckDBValue[][] = types.map((_, c) => {
        const values = new Array<DuckDBValue>(size);
        for (let i = 0; i < size; i++) values[i] = cell(from + i, c);
        return values;
      });
      const chunk = DuckDBDataChunk.create(types, size);
      chunk.setColumns(columns);
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

export async function createSimTables(warehouse: Warehouse): Promise<void> {
  for (const statement of CREATE) await warehouse.run(statement);
}

/** Removes an earlier run with the same id, so that a rerun replaces it. */
export async function deleteRun(warehouse: Warehouse, id: string): Promise<void> {
  for (const table of SIM_TABLES) await warehouse.run(`delete from ${table} where run_id = $1`, [id]);
}

/** A sink for runScenario that writes each replication's intervals and cases as it finishes. */
export function replicationWriter(warehouse: Warehouse, plan: ScenarioPlan, id: string): ReplicationSink {
  const connection = warehouse.connection;
  const epochS = plan.epochMs / 1000;
  const first = plan.warmupIntervals;
  const n = plan.intervals - first;
  return async (replication: number, output: ReplicationOutput) => {
    const qi = output.queueIntervals;
    await connection.run(
      "create or replace temp table staged_interval (replication integer, queue varchar, start_s double, arrivals double, reopened double, handled double, resolved double, abandoned double, open_start double, open_end double, waiting_end double, oldest_age_s double, sla_due double, sla_met double, handling_agent_s double, available_agent_s double)",
    );
    const intervalColumns = [
      qi.arrivals,
      qi.reopened,
      qi.handled,
      qi.resolved,
      qi.abandoned,
      qi.open_start,
      qi.open_end,
      qi.waiting_end,
      qi.oldest_age_s,
      qi.sla_due,
      qi.sla_met,
      qi.handling_agent_s,
      qi.available_agent_s,
    ];
    await appendRows(
      connection,
      "staged_interval",
      [INTEGER, VARCHAR, DOUBLE, ...intervalColumns.map(() => DOUBLE)],
      plan.queues.length * n,
      (row, column) => {
        if (column === 0) return replication;
        if (column === 1) return plan.queues[Math.floor(row / n)]?.name as string;
        if (column === 2) return epochS + (first + (row % n)) * plan.interval_s;
        return orNull(intervalColumns[column - 3]?.[row] as number);
      },
    );
    await connection.run(
      `insert into sim_interval select $1, replication, queue, to_timestamp(start_s), arrivals, reopened, handled,
        resolved, abandoned, open_start, open_end, waiting_end, oldest_age_s, sla_due, sla_met,
        case when sla_due > 0 then sla_met / sla_due end, handling_agent_s, available_agent_s,
        case when available_agent_s > 0 then handling_agent_s / available_agent_s end
       from staged_interval`,
      [id],
    );

    const gi = output.groupIntervals;
    const groupColumns = [
      gi.rostered_agent_s,
      gi.productive_agent_s,
      gi.overtime_agent_s,
      gi.handling_agent_s,
      gi.switching_agent_s,
      gi.available_agent_s,
    ];
    await connection.run(
      "create or replace temp table staged_staff (replication integer, staff_group varchar, start_s double, rostered_agent_s double, productive_agent_s double, overtime_agent_s double, handling_agent_s double, switching_agent_s double, available_agent_s double)",
    );
    await appendRows(
      connection,
      "staged_staff",
      [INTEGER, VARCHAR, DOUBLE, ...groupColumns.map(() => DOUBLE)],
      plan.groups.length * n,
      (row, column) => {
        if (column === 0) return replication;
        if (column === 1) return plan.groups[Math.floor(row / n)]?.name as string;
        if (column === 2) return epochS + (first + (row % n)) * plan.interval_s;
        return orNull(groupColumns[column - 3]?.[row] as number);
      },
    );
    await connection.run(
      `insert into sim_staff_interval select $1, replication, staff_group, to_timestamp(start_s),
        rostered_agent_s / $2, productive_agent_s / $2, overtime_agent_s / $2, handling_agent_s,
        switching_agent_s, available_agent_s,
        case when available_agent_s > 0 then handling_agent_s / available_agent_s end
       from staged_staff`,
      [id, plan.interval_s],
    );

    const cases = output.cases;
    if (!cases || cases.count === 0) return;
    const caseColumns = [
      cases.arrival_s,
      cases.first_start_s,
      cases.end_s,
      cases.wait_s,
      cases.handle_s,
      cases.due_s,
      cases.dependency_wait_s,
    ];
    await connection.run(
      "create or replace temp table staged_case (replication integer, case_id bigint, cycle integer, queue varchar, outcome varchar, met integer, reworks integer, arrival_s double, first_start_s double, end_s double, wait_s double, handle_s double, due_s double, dependency_wait_s double)",
    );
    await appendRows(
      connection,
      "staged_case",
      [INTEGER, BIGINT, INTEGER, VARCHAR, VARCHAR, INTEGER, INTEGER, ...caseColumns.map(() => DOUBLE)],
      cases.count,
      (row, column) => {
        switch (column) {
          case 0:
            return replication;
          case 1:
            return BigInt(cases.case_id[row] as number);
          case 2:
            return cases.cycle[row] as number;
          case 3:
            return plan.queues[cases.queue[row] as number]?.name as string;
          case 4:
            return OUTCOMES[cases.outcome[row] as number] as string;
          case 5:
            return cases.met[row] as number;
          case 6:
            return cases.reworks[row] as number;
          default:
            return orNull(caseColumns[column - 7]?.[row] as number);
        }
      },
    );
    await connection.run(
      `insert into sim_case select $1, replication, case_id, cycle, queue, to_timestamp($2 + arrival_s),
        to_timestamp($2 + first_start_s), to_timestamp($2 + end_s), wait_s, handle_s, outcome,
        to_timestamp($2 + due_s), case met when 1 then true when 0 then false end, reworks, dependency_wait_s
       from staged_case order by case_id, cycle`,
      [id, epochS],
    );
  };
}

/** The run's own row and its summary rows, once every replication is written. */
export async function writeRunSummary(
  warehouse: Warehouse,
  id: string,
  scenarioFile: string | null,
  summary: SimulationSummary,
): Promise<void> {
  await warehouse.run(
    "insert into sim_run values ($1, $2, $3, $4, $5, $6::timestamptz, $7, $8, $9, $10, $11, $12)",
    [
      id,
      summary.scenario,
      // Absolute, so that the site's loaders find the file whatever directory they run in.
      scenarioFile === null ? null : resolve(scenarioFile),
      summary.seed,
      summary.replications,
      summary.start,
      summary.horizon_s,
      summary.interval_s,
      summary.warmup_s,
      summary.routing,
      summary.events,
      summary.meets_all_targets,
    ],
  );
  const rows: DuckDBValue[][] = [];
  for (const queue of summary.queues) {
    for (const [metric, value] of Object.entries(queue.metrics)) {
      rows.push(["queue", queue.queue, metric, value.mean, value.half_width, value.low, value.high]);
    }
  }
  for (const group of summary.groups) {
    for (const [metric, value] of Object.entries(group.metrics)) {
      rows.push(["group", group.group, metric, value.mean, value.half_width, value.low, value.high]);
    }
  }
  await warehouse.run(
    "create or replace temp table staged_summary (scope varchar, name varchar, metric varchar, mean double, half_width double, low double, high double)",
  );
  await appendRows(
    warehouse.connection,
    "staged_summary",
    [VARCHAR, VARCHAR, VARCHAR, DOUBLE, DOUBLE, DOUBLE, DOUBLE],
    rows.length,
    (row, column) => (rows[row] as DuckDBValue[])[column] as DuckDBValue,
  );
  await warehouse.run("insert into sim_summary select $1, *, $2 from staged_summary", [
    id,
    summary.replications,
  ]);
}
