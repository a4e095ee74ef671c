/**
 * Loads one export file into its raw table, in one transaction:
 *   DuckDB's reader → landing table (all text) → checks generated from the contract → typed rows
 *   → in-file and cross-load de-duplication → raw table, quarantine, load log.
 * Every row read ends in exactly one of: loaded, quarantined, duplicate skipped.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { ColumnSpec } from "./columns.ts";
import type { EntityContract } from "./contracts/index.ts";
import { type ExportFormat, land } from "./readers.ts";
import { rawTable } from "./schema.ts";
import { landingValue, orderingProblems, problemExpression, typedExpression } from "./validation-sql.ts";
import { quoteIdent, quoteLiteral, type Warehouse } from "./warehouse.ts";

/** How personal data (fields marked † in the contract) is stored. */
export type PersonalDataMode = "hash" | "drop" | "keep";

export interface LoadFileOptions {
  personalData: PersonalDataMode;
  /** Mixed into hashes so that a hashed email cannot be looked up in a list of known emails. */
  personalSalt: string;
}

export interface FileLoadResult {
  file: string;
  entity: string;
  format: ExportFormat;
  status: "loaded" | "unchanged";
  loadId: number | null;
  contentSha256: string;
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDuplicate: number;
  rowsPending: number;
}

/** Input the user must fix: an unreadable file, a missing column. The CLI exits 2 with this message. */
export class IngestInputError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "IngestInputError";
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

let tempCounter = 0;

export async function loadFile(
  warehouse: Warehouse,
  file: string,
  format: ExportFormat,
  contract: EntityContract,
  options: LoadFileOptions,
): Promise<FileLoadResult> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new IngestInputError(file, "not a file");
  } catch (error) {
    if (error instanceof IngestInputError) throw error;
    throw new IngestInputError(file, "cannot be read (no such file or no permission)");
  }
  const contentSha256 = await sha256File(file);
  const base: Omit<
    FileLoadResult,
    "status" | "loadId" | "rowsRead" | "rowsLoaded" | "rowsQuarantined" | "rowsDuplicate" | "rowsPending"
  > = {
    file,
    entity: contract.name,
    format,
    contentSha256,
  };

  const previous = await warehouse.one<{ load_id: number; rows_read: number }>(
    "select load_id, rows_read from load_log where entity = $1 and content_sha256 = $2 order by load_id limit 1",
    [contract.name, contentSha256],
  );
  if (previous) {
    return {
      ...base,
      status: "unchanged",
      loadId: previous.load_id,
      rowsRead: previous.rows_read,
      rowsLoaded: 0,
      rowsQuarantined: 0,
      rowsDuplicate: previous.rows_read,
      rowsPending: 0,
    };
  }

  const n = ++tempCounter;
  const t = (name: string) => quoteIdent(`_${name}_${process.pid}_${n}`);
  const landing = t("landing");
  const rejected = t("rejected");
  const checked = t("checked");
  const ranked = t("ranked");

  return warehouse.transaction(async () => {
    try {
      await land(warehouse, format, file, { landing, rejected });
    } catch (error) {
      throw new IngestInputError(file, `cannot be read as ${format}: ${firstLine(error)}`);
    }
    const present = new Set(
      (await warehouse.all<{ column_name: string }>(`DESCRIBE ${landing}`)).map((r) => r.column_name),
    );
    const missing = contract.columns.filter((c) => c.required && !present.has(c.name)).map((c) => c.name);
    if (missing.length > 0) {
      throw new IngestInputError(
        file,
        `header is missing required column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${contract.name}`,
      );
    }

    const loadRow = await warehouse.one<{ id: number }>("select nextval('load_id_seq') as id");
    const loadId = Number(loadRow?.id);

    await warehouse.run(`CREATE TEMP TABLE ${checked} AS ${checkedSql(contract, present, landing, options)}`);
    await warehouse.run(`CREATE TEMP TABLE ${ranked} AS ${rankedSql(contract, checked)}`);

    const raw = rawTable(contract);
    const key = quoteIdent(contract.key);
    const columnList = contract.columns.map((c) => quoteIdent(c.name)).join(", ");
    // Rows that are new, or newer versions of what the warehouse holds.
    const toLoad = `SELECT r.* FROM ${ranked} r WHERE r._verdict = 'load'`;
    await warehouse.run(
      `DELETE FROM ${raw} WHERE ${key} IN (SELECT ${key} FROM ${ranked} WHERE _verdict = 'load')`,
    );
    await warehouse.run(
      `INSERT INTO ${raw} (${columnList}, _load_id) SELECT ${columnList}, ${loadId} FROM (${toLoad})`,
    );

    const fileLit = quoteLiteral(file);
    const entityLit = quoteLiteral(contract.name);
    await warehouse.run(`INSERT INTO quarantine
      SELECT ${loadId}, ${entityLit}, ${fileLit}, _record, NULL,
             list_distinct(list_transform(_problems, p -> p.field)), list_transform(_problems, p -> p.reason), _original
      FROM ${ranked} WHERE _verdict = 'quarantine' ORDER BY _record`);
    // A record the reader could not split into fields cannot have its personal fields masked one by one,
    // so for entities that carry personal data the whole text is hashed unless the policy keeps it.
    const hasPersonal = contract.columns.some((c) => c.personal);
    const rejectedText =
      hasPersonal && options.personalData !== "keep"
        ? personalValue("original", { ...options, personalData: "hash" })
        : "original";
    await warehouse.run(`INSERT INTO quarantine
      SELECT ${loadId}, ${entityLit}, ${fileLit}, NULL, line, fields, [reason], ${rejectedText}
      FROM ${rejected} ORDER BY line`);

    const counts = await warehouse.one<{
      landed: number;
      loaded: number;
      quarantined: number;
      duplicate: number;
    }>(`
      SELECT count(*) AS landed,
             count(*) FILTER (WHERE _verdict = 'load') AS loaded,
             count(*) FILTER (WHERE _verdict = 'quarantine') AS quarantined,
             count(*) FILTER (WHERE _verdict = 'duplicate') AS duplicate
      FROM ${ranked}`);
    const rejectedCount =
      (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${rejected}`))?.n ?? 0;
    const result: FileLoadResult = {
      ...base,
      status: "loaded",
      loadId,
      rowsRead: (counts?.landed ?? 0) + rejectedCount,
      rowsLoaded: counts?.loaded ?? 0,
      rowsQuarantined: (counts?.quarantined ?? 0) + rejectedCount,
      rowsDuplicate: counts?.duplicate ?? 0,
      rowsPending: 0,
    };
    await warehouse.run("INSERT INTO load_log VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10)", [
      loadId,
      contract.name,
      file,
      format,
      contentSha256,
      result.rowsRead,
      result.rowsLoaded,
      result.rowsQuarantined,
      result.rowsDuplicate,
      result.rowsPending,
    ]);
    for (const table of [landing, rejected, checked, ranked])
      await warehouse.run(`DROP TABLE IF EXISTS ${table}`);
    return result;
  });
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

/** Personal values as stored: hashed with the salt, dropped, or kept (only when the policy says so). */
function personalValue(v: string, options: LoadFileOptions): string {
  switch (options.personalData) {
    case "keep":
      return v;
    case "drop":
      return "CAST(NULL AS VARCHAR)";
    case "hash":
      return `CASE WHEN ${v} IS NULL THEN NULL ELSE 'sha256:' || sha256(${quoteLiteral(options.personalSalt)} || ${v}) END`;
  }
}

function checkedSql(
  contract: EntityContract,
  present: Set<string>,
  landing: string,
  options: LoadFileOptions,
): string {
  const personal = new Set(contract.columns.filter((c) => c.personal).map((c) => c.name));
  const value = (c: ColumnSpec) => landingValue(c, present.has(c.name));
  const typed = contract.columns.map((c) => {
    const expression = typedExpression(c, value(c));
    return `${c.personal ? personalValue(expression, options) : expression} AS ${quoteIdent(c.name)}`;
  });
  const problems = contract.columns.map(
    (c) => `{'field': ${quoteLiteral(c.name)}, 'reason': ${problemExpression(c, value(c))}}`,
  );
  // The original row, whole, for the quarantine: every landed column in file order, personal ones masked.
  const original = [...present].map((name) => {
    const raw = `l.${quoteIdent(name)}`;
    return `${quoteLiteral(name)}, ${personal.has(name) ? personalValue(raw, options) : raw}`;
  });
  const ordering = orderingProblems(contract).map(
    (o) => `{'field': ${quoteLiteral(o.field)}, 'reason': ${o.sql}}`,
  );
  // Landing keeps the file's order; temporary tables number rows from a large offset, hence the subtraction.
  const inner = `SELECT l.rowid - (SELECT min(rowid) FROM ${landing}) + 1 AS _record, ${typed.join(", ")},
      list_filter([${problems.join(", ")}], p -> p.reason IS NOT NULL) AS _field_problems,
      json_object(${original.join(", ")})::VARCHAR AS _original
    FROM ${landing} l`;
  const orderingList =
    ordering.length > 0 ? `list_filter([${ordering.join(", ")}], p -> p.reason IS NOT NULL)` : "[]";
  // Ordering rules compare typed values, so they only apply where the fields themselves were valid.
  return `SELECT t.*, CASE WHEN len(t._field_problems) > 0 THEN t._field_problems
                      ELSE ${orderingList} END AS _problems
    FROM (${inner}) t`;
}

/**
 * Decides each checked row's fate: quarantine (a problem, or a conflicting duplicate key in the file),
 * duplicate (the same row again, or not newer than what the warehouse holds), or load.
 */
function rankedSql(contract: EntityContract, checked: string): string {
  const key = quoteIdent(contract.key);
  const version = contract.versionField ? quoteIdent(contract.versionField) : null;
  const order = version ? `${version} DESC NULLS LAST, _record` : "_record";
  const raw = rawTable(contract);
  const notNewer = version ? `e.${version} >= v.${version}` : "true";
  return `
    WITH valid AS (
      SELECT c.*, row_number() OVER (PARTITION BY c.${key} ORDER BY ${order}) AS _rank,
             first_value(_original) OVER (PARTITION BY c.${key} ORDER BY ${order}) AS _kept_original,
             first_value(_record) OVER (PARTITION BY c.${key} ORDER BY ${order}) AS _kept_record
      FROM ${checked} c WHERE len(c._problems) = 0
    )
    SELECT v.* EXCLUDE (_rank, _kept_original, _kept_record, _problems),
      CASE WHEN v._rank > 1 AND v._original <> v._kept_original
           THEN [{'field': ${quoteLiteral(contract.key)}, 'reason': ${quoteLiteral(`${contract.key}: duplicate key `)} || v.${key} || ' in this file with different values; record ' || v._kept_record || ' was kept'}]
           ELSE v._problems END AS _problems,
      CASE WHEN v._rank > 1 AND v._original <> v._kept_original THEN 'quarantine'
           WHEN v._rank > 1 THEN 'duplicate'
           WHEN EXISTS (SELECT 1 FROM ${raw} e WHERE e.${key} = v.${key} AND ${notNewer}) THEN 'duplicate'
           ELSE 'load' END AS _verdict
    FROM valid v
    UNION ALL BY NAME
    SELECT c.* EXCLUDE (_field_problems), 'quarantine' AS _verdict FROM ${checked} c WHERE len(c._problems) > 0`;
}
