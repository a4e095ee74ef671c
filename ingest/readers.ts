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

/** The entity word and format of an export file name such as `cases.csv.gz` or `orders-2026-03.ndjson`. */
export function parseExportName(fileName: string): { stem: string; format: ExportFormat } | null {
  const match = /^([A-Za-z_]+?)(?:[-.][^/]*?)?\.([a-z]+)(?:\.gz)?$/i.exec(fileName);
  if (!match?.[1] || !match[2]) return null;
  const format = EXTENSIONS[match[2].toLowerCase()];
  return format ? { stem: match[1].toLowerCase(), format } : null;
}

export interface LandingTables {
  landing: string;
  rejected: string;
}

const REJECTED_COLUMNS = "line BIGINT, fields VARCHAR[], reason VARCHAR, original VARCHAR";

/** Lands `file` into the two tables (the caller drops them). Throws DuckDB's error if the file cannot be read. */
export async function land(
  warehouse: Warehouse,
  format: ExportFormat,
  file: string,
  tables: LandingTables,
): Promise<void> {
  const { landing, rejected } = tables;
  await warehouse.run(`CREATE TEMP TABLE ${rejected} (${REJECTED_COLUMNS})`);
  switch (format) {
    case "csv":
      return landCsv(warehouse, file, tables);
    case "ndjson":
      return landNdjson(warehouse, file, tables);
    case "parquet":
      await warehouse.run(
        `CREATE TEMP TABLE ${landing} AS SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet($1)`,
        [file],
      );
      return;
  }
}

let counter = 0;

async function landCsv(
  warehouse: Warehouse,
  file: string,
  { landing, rejected }: LandingTables,
): Promise<void> {
  const id = `${process.pid}_${++counter}`;
  const rejectsTable = `_csv_rejects_${id}`;
  const rejectsScan = `_csv_reject_scans_${id}`;
  await warehouse.run(
    `CREATE TEMP TABLE ${landing} AS SELECT * FROM read_csv($1, header = true, all_varchar = true,
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
 * than failing the file, and values are extracted as text (never type-guessed).
 */
async function landNdjson(
  warehouse: Warehouse,
  file: string,
  { landing, rejected }: LandingTables,
): Promise<void> {
  const lines = quoteIdent(`_ndjson_lines_${process.pid}_${++counter}`);
  // The unit separator cannot occur unescaped in valid JSON, so each physical line is one field.
  await warehouse.run(
    `CREATE TEMP TABLE ${lines} AS
     SELECT row_number() OVER () AS line, text FROM read_csv($1, columns = {'text': 'VARCHAR'}, header = false,
       delim = '\x1f', quote = '', escape = '', auto_detect = false, strict_mode = false, null_padding = true)`,
    [file],
  );
  await warehouse.run(`INSERT INTO ${rejected}
    SELECT line, [], 'line ' || line || ': not a JSON object', text FROM ${lines}
    WHERE trim(text) <> '' AND (NOT json_valid(text) OR json_type(text) <> 'OBJECT') ORDER BY line`);
  const keys = await warehouse.all<{ key: string }>(
    `SELECT DISTINCT unnest(json_keys(text)) AS key FROM ${lines}
     WHERE trim(text) <> '' AND json_valid(text) AND json_type(text) = 'OBJECT' ORDER BY key`,
  );
  const columns = keys.map(
    ({ key }) =>
      `json_extract_string(text, ${quoteLiteral(`$."${key.replaceAll('"', '\\"')}"`)}) AS ${quoteIdent(key)}`,
  );
  await warehouse.run(
    `CREATE TEMP TABLE ${landing} AS SELECT ${columns.length > 0 ? columns.join(", ") : "NULL AS _empty"} FROM ${lines}
     WHERE trim(text) <> '' AND json_valid(text) AND json_type(text) = 'OBJECT' ORDER BY line`,
  );
  await warehouse.run(`DROP TABLE ${lines}`);
}
