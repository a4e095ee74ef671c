// Shared by the data loaders. Each loader file's default export builds its artefact from the marts
// (dataLoader). Framework runs a loader as a script (`tsx x.json.ts`): it then opens the warehouse named by
// ORDEROPS_DB read-only, builds the artefact and prints it as JSON on stdout; errors go to stderr with a
// non-zero exit, which fails the site build. reports/build-site.ts instead imports every loader and builds
// the artefacts in its own process on one connection, sparing a Node start and a warehouse open per loader.
// Aggregation happens in SQL, so artefacts stay small; numbers keep 8 significant digits (more than any
// page shows) to keep them smaller still.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEFAULT_WAREHOUSE,
  type Row,
  type SqlParams,
  type Warehouse,
  withWarehouse,
} from "../../../ingest/warehouse.ts";

export interface MartReader {
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Tables written by optional commands (sim_*, from `simulate` and `backtest`) may be absent. */
  hasTable(name: string): Promise<boolean>;
}

/** Builds one artefact from the marts. */
export type ArtefactBuilder = (mart: MartReader) => Promise<unknown>;

function compact(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (typeof value === "number" && !Number.isInteger(value) && Number.isFinite(value)) {
    return Number(value.toPrecision(8));
  }
  return value;
}

/** An artefact as the file Framework serves: JSON, numbers compacted. */
export function artefactJson(artefact: unknown): string {
  return JSON.stringify(artefact, compact);
}

export function martReader(warehouse: Warehouse): MartReader {
  return {
    all: (sql, params) => warehouse.all(sql, params),
    hasTable: (name) => warehouse.tableExists("main", name),
  };
}

/**
 * A loader's artefact builder, its file's default export. When the file is the script being run (as
 * Framework runs it), it also builds the artefact and prints it; `readsMarts: false` (the glossary)
 * builds it without opening the warehouse.
 */
export function dataLoader(
  moduleUrl: string,
  build: ArtefactBuilder,
  options: { readsMarts?: boolean } = {},
): ArtefactBuilder {
  const script = process.argv[1];
  if (script !== undefined && resolve(script) === fileURLToPath(moduleUrl)) {
    void emit(build, options.readsMarts ?? true);
  }
  return build;
}

/** A reader for a builder that reads no mart: any query is a bug in the loader. */
const NO_MARTS: MartReader = {
  all: () => Promise.reject(new Error("this loader was declared as reading no mart")),
  hasTable: () => Promise.reject(new Error("this loader was declared as reading no mart")),
};

/** Runs `build` against the warehouse named by ORDEROPS_DB and prints what it returns as JSON. */
async function emit(build: ArtefactBuilder, readsMarts: boolean): Promise<void> {
  const path = process.env.ORDEROPS_DB ?? DEFAULT_WAREHOUSE;
  try {
    const artefact = readsMarts
      ? await withWarehouse(path, (w) => build(martReader(w)), { readOnly: true })
      : await build(NO_MARTS);
    process.stdout.write(artefactJson(artefact));
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

/** A builder whose artefact is one query's rows (or its first row). */
export function martRows(sql: string, options: { single?: boolean } = {}): ArtefactBuilder {
  return async (mart) => {
    const rows = await mart.all(sql);
    return options.single ? (rows[0] ?? null) : rows;
  };
}
