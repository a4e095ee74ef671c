/**
 * The one module that opens DuckDB. Everything else (ingest, models, the site's data loaders, the CLI)
 * goes through it, so that parameters are always bound, connections are always closed, and a second
 * writer gets the same clear "in use" error wherever it comes from.
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { DuckDBConnection, DuckDBInstance, DuckDBResultReader, DuckDBValue } from "@duckdb/node-api";

/**
 * DuckDB's bindings, loaded by the first open rather than with this module: every CLI command imports
 * this module, and loading the native library takes 0.4–0.8 s that `erlang` or `--help` never need.
 */
let duckdb: typeof import("@duckdb/node-api") | undefined;

export const DEFAULT_WAREHOUSE = "warehouse.duckdb";

export type SqlParams = DuckDBValue[] | Record<string, DuckDBValue>;
export type Row = Record<string, unknown>;

/** Another process holds the warehouse file open for writing. */
export class WarehouseInUseError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`warehouse ${path} is in use by another process${detail}; wait for it to finish or pass --db FILE`);
    this.name = "WarehouseInUseError";
  }
}

/** The warehouse file cannot be opened for a reason other than a lock (missing folder, not DuckDB, ...). */
export class WarehouseOpenError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`cannot open warehouse ${path}: ${reason}`);
    this.name = "WarehouseOpenError";
  }
}

export interface OpenOptions {
  readOnly?: boolean;
  /** Refuse to create a new file (readers of an existing warehouse). */
  mustExist?: boolean;
}

export class Warehouse {
  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Warehouse> {
    const absolute = path === ":memory:" ? path : resolve(path);
    if (absolute !== ":memory:") {
      if ((options.mustExist || options.readOnly) && !existsSync(absolute)) {
        throw new WarehouseOpenError(path, "no such file (run `orderops demo` or `orderops ingest` first)");
      }
      if (!existsSync(dirname(absolute))) throw new WarehouseOpenError(path, "its folder does not exist");
    }
    duckdb ??= await import("@duckdb/node-api");
    let instance: DuckDBInstance;
    try {
      instance = await duckdb.DuckDBInstance.create(
        absolute,
        options.readOnly ? { access_mode: "READ_ONLY" } : {},
      );
    } catch (error) {
      throw translateOpenError(path, error);
    }
    try {
      const connection = await instance.connect();
      // Day boundaries are always computed in a named zone; the session zone is pinned so nothing
      // depends on the machine's local time.
      await connection.run("SET TimeZone = 'UTC'");
      // An ASOF join whose left side DuckDB estimates below this many rows is planned as a nested loop
      // plus aggregate; estimates of tables written earlier in the same transaction can be near zero,
      // which turned a one-second business-time lookup into a 200-million-row loop. Always merge.
      await connection.run("SET asof_loop_join_threshold = 0");
      return new Warehouse(path, instance, connection);
    } catch (error) {
      instance.closeSync();
      throw error;
    }
  }

  /** Runs statements that return nothing the caller needs. */
  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.connection.run(sql, params);
  }

  /** Runs a query and returns its rows as plain objects (BIGINT as number when it fits, timestamps as Date). */
  async all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return plainRows(reader) as T[];
  }

  /** Rows plus column names (which a query returning no rows still has). */
  async query(sql: string, params?: SqlParams): Promise<{ columns: string[]; rows: Row[] }> {
    const reader = await this.connection.runAndReadAll(sql, params);
    return { columns: reader.columnNames(), rows: plainRows(reader) };
  }

  /** The first row, or undefined. */
  async one<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T | undefined> {
    return (await this.all<T>(sql, params))[0];
  }

  /** Runs fn inside a transaction: all of it or none of it reaches the file. */
  async transaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.connection.run("BEGIN TRANSACTION");
    try {
      const result = await fn();
      await this.connection.run("COMMIT");
      return result;
    } catch (error) {
      await this.connection.run("ROLLBACK").catch(() => {});
      throw error;
    }
  }

  async tableExists(schema: string, table: string): Promise<boolean> {
    const row = await this.one<{ n: number }>(
      "select count(*) as n from information_schema.tables where table_schema = $1 and table_name = $2",
      [schema, table],
    );
    return (row?.n ?? 0) > 0;
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** Opens the warehouse, runs fn, and always closes it. */
export async function withWarehouse<T>(
  path: string,
  fn: (warehouse: Warehouse) => Promise<T>,
  options: OpenOptions = {},
): Promise<T> {
  const warehouse = await Warehouse.open(path, options);
  try {
    return await fn(warehouse);
  } finally {
    warehouse.close();
  }
}

function translateOpenError(path: string, error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Could not set lock|Conflicting lock/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new WarehouseInUseError(path, pid ? ` (PID ${pid})` : "");
  }
  if (/not a valid DuckDB database|The file is not a valid/i.test(message)) {
    return new WarehouseOpenError(path, "the file is not a DuckDB database");
  }
  return new WarehouseOpenError(path, message.split("\n")[0] ?? message);
}

/** Rows as plain objects; a DATE (a calendar day, no instant) becomes its 'YYYY-MM-DD' text. */
function plainRows(reader: DuckDBResultReader): Row[] {
  const names = reader.columnNames();
  // A reader exists only once a warehouse was opened, so the bindings are loaded.
  const DATE = (duckdb as typeof import("@duckdb/node-api")).DuckDBTypeId.DATE;
  const dates = new Set(names.filter((_, i) => reader.columnTypeId(i) === DATE));
  return reader.getRowObjectsJS().map((row) => {
    const out: Row = {};
    for (const [key, value] of Object.entries(row)) {
      out[key] =
        dates.has(key) && value instanceof Date ? value.toISOString().slice(0, 10) : plainValue(value);
    }
    return out;
  });
}

function plainValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (Array.isArray(value)) return value.map(plainValue);
  return value;
}

/** Quotes an identifier for DuckDB (identifiers cannot be bound as parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for the few places DuckDB takes no parameter (e.g. a file path in COPY). */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
