/**
 * DuckDB's own readers, one per export format. Each lands the file as two temporary tables:
 *   landing  — one row per record, every column as text, in file order (the contract's checks, not a
 *              reader's type guesses, decide what is valid: a guessed TIMESTAMP would drop the offset);
 *   rejected — records the reader could not split into fields, with their line and the reason.
 */
import { quoteIdent, quoteLiteral, type Warehouse } from "./warehouse.ts";

export type ExportFormat = "csv" | "ndjson" | "parquet";

const EXTENSIONS: Record<string, ExportFormat> = {
  csv: "csv",
  tsv: "csv",
  txt: "csv",
  ndjson: "ndjson",
  jsonl: "ndjson",
  json: "ndjson",
  parquet: "parquet",
};

/**
 * The entity word and format of an export file name: `<entity>[-anything].<format>[.gz]`, e.g.
 * `cases.csv.gz`, `orders-2026-03.ndjson`, `case_events-part1.parquet`.
 */
export function parseExportName(fileName: string): { stem: string; format: ExportFormat } | null {
  const name = fileName.replace(/\.gz$/i, "");
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return null;
  const format = EXTENSIONS[name.slice(dot + 1).toLowerCase()];
  const stem = /^[A-Za-z_]+/.exec(name.slice(0, dot))?.[0];
  return format && stem ? { stem: stem.toLowerCase(), format } : null;
}

export interface LandingTables {
  /** Gets one row per record with `_record` (its position in the file, from 1) and every column as text. */
  landing: string;
  rejected: string;
}

const REJECTED_COLUMNS = "line BIGINT, fields VARCHAR[], reason VARCHAR, original VARCHAR";

/** Lands `file` into the two tables (the caller drops them). Throws DuckDB's error if the file cannot be read. */
let counter = 0;
const tempName = (prefix: string) => quoteIdent(`_${prefix}_${process.pid}_${++counter}`);

/** Lands `file` into the two tables (the caller drops them). Throws DuckDB's error if the file cannot be read. */
export async function land(
  warehouse: Warehouse,
  format: ExportFormat,
  file: string,
  { landing, rejected }: LandingTables,
): Promise<{ drop: () => Promise<void> }> {
  await warehouse.run(`CREATE TEMP TABLE ${rejected} (${REJECTED_COLUMNS})`);
  const read = tempName("read");
  switch (format) {
    case "csv":
      await landCsv(warehouse, file, read, rejected);
      break;
    case "ndjson":
      await landNdjson(warehouse, file, read, rejected);
      break;
    case "parquet":
      await warehouse.run(
        `CREATE TEMP TABLE ${read} AS SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet($1)`,
        [file],
      );
      break;
  }
  // A view, not a copy: a temporary table keeps insertion order, which for DuckDB's readers is the file's
  // order, but numbers its rows from a large offset, rebased here so `_record` counts from 1.
  const base =
    (await warehouse.one<{ base: number }>(`SELECT coalesce(min(rowid), 0) AS base FROM ${read}`))?.base ?? 0;
  await warehouse.run(`CREATE TEMP VIEW ${landing} AS SELECT rowid - ${base} + 1 AS _record, * FROM ${read}`);
  return {
    drop: async () => {
      await warehouse.run(`DROP VIEW IF EXISTS ${landing}`);
      await warehouse.run(`DROP TABLE IF EXISTS ${read}`);
      await warehouse.run(`DROP TABLE IF EXISTS ${rejected}`);
    },
  };
}

/** A temporary table's rows numbered in insertion (file) order from 1. */
function positionInFile(table: string): string {
  return `rowid - (SELECT min(rowid) FROM ${table}) + 1`;
}

/** The column names a file offers, read cheaply (header or metadata); null where only a full read tells. */
export async function sourceColumns(
  warehouse: Warehouse,
  format: ExportFormat,
  file: string,
): Promise<string[] | null> {
  const path = quoteLiteral(file);
  // ignore_errors as in the landing read (store_rejects implies it): without it, one short line can make
  // the sniffer give up on the delimiter and report the whole header as a single column.
  const sql =
    format === "csv"
      ? `DESCRIBE SELECT * FROM read_csv(${path}, header = true, all_varchar = true, ignore_errors = true)`
      : format === "parquet"
        ? `DESCRIBE SELECT * FROM read_parquet(${path})`
        : null;
  if (!sql) return null;
  return (await warehouse.all<{ column_name: string }>(sql)).map((r) => r.column_name);
}

async function landCsv(warehouse: Warehouse, file: string, read: string, rejected: string): Promise<void> {
  const id = `${process.pid}_${++counter}`;
  const rejectsTable = `_csv_rejects_${id}`;
  const rejectsScan = `_csv_reject_scans_${id}`;
  await warehouse.run(
    `CREATE TEMP TABLE ${read} AS SELECT * FROM read_csv($1, header = true, all_varchar = true,
       store_rejects = true, rejects_table = ${quoteLiteral(rejectsTable)}, rejects_scan = ${quoteLiteral(rejectsScan)})`,
    [file],
  );
  // DuckDB reports one error per missing column of a short line; the quarantine keeps one row per line.
  // Its line numbers count records (the header is line 1), so a quoted field spanning lines counts once.
  await warehouse.run(`INSERT INTO ${rejected}
    SELECT line,
           list_sort(list_distinct(list(column_name) FILTER (WHERE column_name IS NOT NULL))),
           'line ' || line || ': ' || lower(first(error_type ORDER BY column_idx)) || ' (' || first(error_message ORDER BY column_idx) || ')',
           first(csv_line)
    FROM ${quoteIdent(rejectsTable)} GROUP BY line ORDER BY line`);
  await warehouse.run(`DROP TABLE IF EXISTS ${quoteIdent(rejectsTable)}`);
  await warehouse.run(`DROP TABLE IF EXISTS ${quoteIdent(rejectsScan)}`);
}

/**
 * NDJSON is read as lines first, so that a line that is not JSON is quarantined with its number rather
 * than failing the file, and values are extracted as text (never type-guessed: DuckDB's JSON reader
 * would turn "2026-01-05T10:00:00Z" into a TIMESTAMP and drop its offset).
 */
async function landNdjson(warehouse: Warehouse, file: string, read: string, rejected: string): Promise<void> {
  const raw = tempName("ndjson_raw");
  const lines = tempName("ndjson_lines");
  // The unit separator cannot occur unescaped in valid JSON, so each physical line is one field.
  await warehouse.run(
    `CREATE TEMP TABLE ${raw} AS SELECT text FROM read_csv($1, columns = {'text': 'VARCHAR'}, header = false,
       delim = '\x1f', quote = '', escape = '', auto_detect = false, strict_mode = false, null_padding = true)`,
    [file],
  );
  await warehouse.run(
    `CREATE TEMP TABLE ${lines} AS SELECT ${positionInFile(raw)} AS line, text FROM ${raw}`,
  );
  await warehouse.run(`DROP TABLE ${raw}`);
  // DuckDB does not short-circuit AND, so json_type must be guarded by CASE, not by a preceding condition.
  const isObject =
    "CASE WHEN coalesce(trim(text), '') <> '' AND json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END";
  await warehouse.run(`INSERT INTO ${rejected}
    SELECT line, [], 'line ' || line || ': not a JSON object', text FROM ${lines}
    WHERE coalesce(trim(text), '') <> '' AND NOT (${isObject}) ORDER BY line`);
  const keys = await warehouse.all<{ key: string }>(
    `SELECT DISTINCT unnest(CASE WHEN ${isObject} THEN json_keys(text) ELSE [] END) AS key FROM ${lines} ORDER BY key`,
  );
  const columns = keys.map(
    ({ key }) =>
      `CASE WHEN ${isObject} THEN json_extract_string(text, ${quoteLiteral(`$."${key.replaceAll('"', '\\"')}"`)}) END AS ${quoteIdent(key)}`,
  );
  await warehouse.run(
    `CREATE TEMP TABLE ${read} AS SELECT ${columns.length > 0 ? columns.join(", ") : "NULL AS _empty"}
     FROM ${lines} WHERE ${isObject} ORDER BY line`,
  );
  await warehouse.run(`DROP TABLE ${lines}`);
}
