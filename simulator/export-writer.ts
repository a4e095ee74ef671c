/**
 * Writes generated rows as an export file through DuckDB's own writers (CSV, NDJSON, Parquet), so the
 * demo drop is produced by the same engine that reads it, at any scale, without holding it in memory.
 */
import { type DuckDBAppender, type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { quoteIdent, quoteLiteral } from "../ingest/warehouse.ts";

export type ExportFileFormat = "csv" | "ndjson" | "parquet";

const COPY_OPTIONS: Record<ExportFileFormat, string> = {
  csv: "FORMAT csv, HEADER true",
  ndjson: "FORMAT json",
  parquet: "FORMAT parquet, COMPRESSION zstd",
};

export interface ExportWriter {
  /** Appends one row; values in column order, null for an empty field. */
  append(values: readonly (string | null)[]): void;
  /** Writes the file and releases the staging table. Returns the row count. */
  finish(): Promise<number>;
}

export async function openExportWriter(
  path: string,
  columns: readonly string[],
  format: ExportFileFormat,
): Promise<ExportWriter> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection: DuckDBConnection = await instance.connect();
  await connection.run(`CREATE TABLE staged (${columns.map((c) => `${quoteIdent(c)} VARCHAR`).join(", ")})`);
  const appender: DuckDBAppender = await connection.createAppender("staged");
  let rows = 0;
  return {
    append(values) {
      if (values.length !== columns.length) {
        throw new Error(`export writer for ${path}: ${values.length} values for ${columns.length} columns`);
      }
      for (const value of values) {
        if (value === null) appender.appendNull();
        else appender.appendVarchar(value);
      }
      appender.endRow();
      rows++;
    },
    async finish() {
      try {
        appender.closeSync();
        await connection.run(`COPY staged TO ${quoteLiteral(path)} (${COPY_OPTIONS[format]})`);
        return rows;
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
    },
  };
}
