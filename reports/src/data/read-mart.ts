// Shared by the data loaders: open the warehouse named by ORDEROPS_DB read-only, run the loader's
// queries against its marts, and print one JSON artefact on stdout. Errors go to stderr with a non-zero
// exit, which fails the site build. Aggregation happens in SQL, so artefacts stay small; numbers keep
// 8 significant digits (more than any page shows) to keep them smaller still.
import { DEFAULT_WAREHOUSE, type Row, type SqlParams, withWarehouse } from "../../../ingest/warehouse.ts";

export interface MartReader {
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Tables written by optional commands (sim_*, from `simulate` and `backtest`) may be absent. */
  hasTable(name: string): Promise<boolean>;
}

function compact(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" && !Number.isInteger(value) && Number.isFinite(value)) {
    return Number(value.toPrecision(8));
  }
  return value;
}

/** Runs `build` against the warehouse and prints what it returns as JSON. */
export async function emit(build: (mart: MartReader) => Promise<unknown>): Promise<void> {
  const path = process.env.ORDEROPS_DB ?? DEFAULT_WAREHOUSE;
  try {
    const artefact = await withWarehouse(
      path,
      (w) =>
        build({
          all: (sql, params) => w.all(sql, params),
          hasTable: (name) => w.tableExists("main", name),
        }),
      { readOnly: true },
    );
    process.stdout.write(JSON.stringify(artefact, compact));
  } catch (error) {
    console.error(`data loader: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}

/**
 * Rows as `{columns, rows}` (one array of values per row): a long daily series repeats its keys on
 * every row as objects, so this halves its size. The pages turn it back with `rowsOf` (components/data.js).
 */
export interface Columnar {
  columns: string[];
  rows: unknown[][];
}

export function columnar(rows: Row[]): Columnar {
  const columns = Object.keys(rows[0] ?? {});
  return { columns, rows: rows.map((row) => columns.map((c) => row[c])) };
}

/** One query's rows (or its first row) as the artefact. */
export async function readMart(sql: string, options: { single?: boolean } = {}): Promise<void> {
  await emit(async (mart) => {
    const rows = await mart.all(sql);
    return options.single ? (rows[0] ?? null) : rows;
  });
}
