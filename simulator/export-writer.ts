/**
 * Writes generated rows as an export file through DuckDB's own writers (CSV, NDJSON, Parquet), so the
 * demo drop is produced by the same engine that reads it. Rows are staged in an in-memory DuckDB table
 * with a bounded memory limit and a spill folder beside the export (named with a leading underscore,
 * which ingest skips): a demo year stays in memory and fast, and a 10-million-order drop spills to disk
 * instead of having to fit in memory.
 */
import { rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
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
  // One spill folder per writer: DuckDB names its temporary files per process, not per database.
  const spill = join(dirname(path), `_${basename(path)}.spill`);
  const removeSpill = () => rmSync(spill, { recursive: true, force: true });
  removeSpill();
  // Eight writers run at once: a small limit each keeps the generator's memory flat at any scale.
  const instance = await DuckDBInstance.create(":memory:", { memory_limit: "256MB", temp_directory: spill });
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
        removeSpill();
      }
    },
  };
}
