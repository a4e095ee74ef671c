/**
 * DuckDB's own readers, one per export format, landing every column as text so that the contract's
 * checks (not the reader's type guesses) decide what is valid. The file path is bound as $1.
 */
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

export interface LandingOptions {
  /** CSV: where DuckDB keeps rows it cannot parse (with their line), so they reach the quarantine. */
  rejectsTable: string;
  rejectsScan: string;
}

export function landingSql(format: ExportFormat, options: LandingOptions): string {
  switch (format) {
    case "csv":
      return `SELECT * FROM read_csv($1, header = true, all_varchar = true, store_rejects = true,
        rejects_table = '${options.rejectsTable}', rejects_scan = '${options.rejectsScan}')`;
    case "ndjson":
      // Inference over every row, then everything as text: the contract's checks decide validity.
      return "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_json($1, format = 'newline_delimited', records = true, sample_size = -1)";
    case "parquet":
      return "SELECT CAST(COLUMNS(*) AS VARCHAR) FROM read_parquet($1)";
  }
}
