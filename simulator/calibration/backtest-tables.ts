/**
 * Backtest results as warehouse tables, for the site's staffing page:
 *
 * - `sim_backtest`: one row per backtest × queue × local day × measure — predicted, actual, error
 *   (predicted − actual), abs_error and pct_error (|error| ÷ |actual|; null when the actual is 0);
 * - `sim_backtest_summary`: one row per backtest × queue (or `all`) × measure — n, MAE, MAPE (over
 *   non-zero actuals, mape_n of them), zero_actuals, WAPE and bias.
 *
 * Rerunning a backtest (same period, seed, replications and split: the same backtest_id) replaces
 * its rows. Rows go in as one bound JSON parameter per table, typed by DuckDB.
 */
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { BacktestResult } from "./backtest.ts";

export const BACKTEST_TABLES = ["sim_backtest", "sim_backtest_summary"] as const;

const CREATE = [
  `create table if not exists sim_backtest (
    backtest_id varchar not null, period_from date not null, period_to date not null, replications integer not null,
    queue varchar not null, day date not null, measure varchar not null,
    predicted double, actual double, error double, abs_error double, pct_error double)`,
  `create table if not exists sim_backtest_summary (
    backtest_id varchar not null, period_from date not null, period_to date not null, replications integer not null,
    queue varchar not null, measure varchar not null, n integer not null, mae double, mape double,
    mape_n integer not null, zero_actuals integer not null, wape double, bias double, actual_sla_source varchar not null)`,
];

async function insertJson(
  warehouse: Warehouse,
  table: string,
  struct: string,
  rows: object[],
): Promise<void> {
  if (rows.length === 0) return;
  await warehouse.run(
    `insert into ${table} select unnest(cast(cast($1 as json) as ${struct}), recursive := true)`,
    [JSON.stringify(rows)],
  );
}

export async function writeBacktest(warehouse: Warehouse, result: BacktestResult): Promise<void> {
  await warehouse.transaction(async () => {
    for (const statement of CREATE) await warehouse.run(statement);
    for (const table of BACKTEST_TABLES) {
      await warehouse.run(`delete from ${table} where backtest_id = $1`, [result.backtest_id]);
    }
    const common = {
      backtest_id: result.backtest_id,
      period_from: result.from,
      period_to: result.to,
      replications: result.replications,
    };
    await insertJson(
      warehouse,
      "sim_backtest",
      `struct(backtest_id varchar, period_from date, period_to date, replications integer, queue varchar, day date,
        measure varchar, predicted double, actual double, error double, abs_error double, pct_error double)[]`,
      result.days.map((d) => ({
        ...common,
        queue: d.queue,
        day: d.day,
        measure: d.measure,
        predicted: d.predicted,
        actual: d.actual,
        error: d.error,
        abs_error: d.error === null ? null : Math.abs(d.error),
        pct_error: d.error === null || !d.actual ? null : Math.abs(d.error) / Math.abs(d.actual),
      })),
    );
    await insertJson(
      warehouse,
      "sim_backtest_summary",
      `struct(backtest_id varchar, period_from date, period_to date, replications integer, queue varchar,
        measure varchar, n integer, mae double, mape double, mape_n integer, zero_actuals integer, wape double,
        bias double, actual_sla_source varchar)[]`,
      result.errors.map((e) => ({ ...common, ...e, actual_sla_source: result.actual_sla_source })),
    );
  });
}
