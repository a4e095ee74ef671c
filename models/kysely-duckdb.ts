/**
 * A kysely dialect over `@duckdb/node-api`.
 *
 * Why our own rather than the `kysely-duckdb` package: that package peer-depends on duckdb-wasm and a
 * web-worker shim, neither of which a Node CLI wants, and its node path targets the older `duckdb`
 * binding. DuckDB's SQL is close enough to PostgreSQL's that kysely's Postgres query compiler emits
 * valid DuckDB (double-quoted identifiers, `$1` placeholders), so the dialect is only the driver that
 * runs compiled queries on a connection the warehouse module owns.
 */

import type { DuckDBValue } from "@duckdb/node-api";
import {
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Dialect,
  type DialectAdapter,
  type Driver,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type QueryCompiler,
  type QueryResult,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from "kysely";
import type { Warehouse } from "../ingest/warehouse.ts";

class DuckDBConnectionAdapter implements DatabaseConnection {
  constructor(private readonly warehouse: Warehouse) {}

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const params = compiledQuery.parameters.map(toDuckDBValue);
    const rows = await this.warehouse.all(compiledQuery.sql, params);
    return { rows: rows as R[] };
  }

  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize = 10_000,
  ): AsyncIterableIterator<QueryResult<R>> {
    const params = compiledQuery.parameters.map(toDuckDBValue);
    const result = await this.warehouse.connection.stream(compiledQuery.sql, params);
    for await (const rows of result.yieldRowObjectJs()) {
      for (let i = 0; i < rows.length; i += chunkSize) yield { rows: rows.slice(i, i + chunkSize) as R[] };
    }
  }
}

function toDuckDBValue(value: unknown): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value as DuckDBValue;
}

class DuckDBDriver implements Driver {
  private readonly connection: DuckDBConnectionAdapter;
  constructor(warehouse: Warehouse) {
    this.connection = new DuckDBConnectionAdapter(warehouse);
  }
  async init(): Promise<void> {}
  // One DuckDB connection serves the whole process; DuckDB parallelises inside each query.
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery({ sql: "begin transaction", parameters: [] } as unknown as CompiledQuery);
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery({ sql: "commit", parameters: [] } as unknown as CompiledQuery);
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery({ sql: "rollback", parameters: [] } as unknown as CompiledQuery);
  }
  async releaseConnection(): Promise<void> {}
  // The warehouse module owns the connection's lifetime.
  async destroy(): Promise<void> {}
}

/** Introspection from DuckDB's information_schema (kysely's Postgres introspector reads pg_catalog). */
class DuckDBIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const { rows } = await sql<{ name: string }>`
      select schema_name as name from information_schema.schemata order by 1`.execute(this.db);
    return rows;
  }

  async getTables(_options?: DatabaseMetadataOptions): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      table_schema: string;
      table_name: string;
      table_type: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
    }>`
      select t.table_schema, t.table_name, t.table_type, c.column_name, c.data_type, c.is_nullable, c.column_default
      from information_schema.tables t
      join information_schema.columns c using (table_catalog, table_schema, table_name)
      order by t.table_schema, t.table_name, c.ordinal_position`.execute(this.db);
    const tables = new Map<string, TableMetadata>();
    for (const row of rows) {
      const key = `${row.table_schema}.${row.table_name}`;
      let table = tables.get(key);
      if (!table) {
        table = {
          name: row.table_name,
          schema: row.table_schema,
          isView: row.table_type === "VIEW",
          columns: [],
        };
        tables.set(key, table);
      }
      (table.columns as unknown[]).push({
        name: row.column_name,
        dataType: row.data_type,
        isNullable: row.is_nullable === "YES",
        isAutoIncrementing: false,
        hasDefaultValue: row.column_default !== null,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

export class DuckDBDialect implements Dialect {
  constructor(private readonly warehouse: Warehouse) {}
  createDriver(): Driver {
    return new DuckDBDriver(this.warehouse);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new DuckDBIntrospector(db);
  }
}

/** A kysely instance over an open warehouse. */
export function kyselyFor<DB>(warehouse: Warehouse): Kysely<DB> {
  return new Kysely<DB>({ dialect: new DuckDBDialect(warehouse) });
}

/** A kysely instance that only compiles (models stay cold: tests compile them with no database). */
export function coldKysely<DB>(): Kysely<DB> {
  return new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new DuckDBIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
