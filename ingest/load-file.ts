/**
 * Loads one export file (or one entity derived from it by a mapping) into its raw table, in one
 * transaction:
 *   DuckDB's reader → landing table (all text) → [mapping] → checks generated from the contract
 *   → typed rows → in-file and cross-load de-duplication → references → raw / pending / quarantine
 *   → load log.
 * Every row read ends in exactly one of: loaded, quarantined, duplicate skipped, pending.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type { ColumnSpec } from "./columns.ts";
import type { EntityContract } from "./contracts/index.ts";
import { CONTRACTS } from "./contracts/index.ts";
import type { ExportFormat } from "./readers.ts";
import { pendingTable, rawTable } from "./schema.ts";
import {
  type CheckContext,
  landingValue,
  orderingProblems,
  problemExpression,
  typedExpression,
} from "./validation-sql.ts";
import { quoteIdent, quoteLiteral, type Warehouse } from "./warehouse.ts";

/** How personal data (fields marked † in the contract) is stored. */
export type PersonalDataMode = "hash" | "drop" | "keep";

export interface LoadFileOptions {
  personalData: PersonalDataMode;
  /** Mixed into hashes so that a hashed email cannot be looked up in a list of known emails. */
  personalSalt: string;
  /** The load's reference instant for "not in the future" checks; the wall clock unless a test pins it. */
  now?: Date;
  /** How far an observed timestamp may lie past `now` (clock skew between source systems). */
  futureToleranceS?: number;
  /** The drop's declared zone: a timestamp without an offset is read in it (otherwise it is quarantined). */
  timeZone?: string;
}

export const DEFAULT_FUTURE_TOLERANCE_S = 6 * 3600;

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
  /** Rows of earlier loads that were waiting for a parent and loaded now that it has arrived. */
  pendingReleased: number;
}

/** Input the user must fix: an unreadable file, a missing column, a bad mapping. The CLI exits 2. */
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

/** A landed source: a temporary table of text columns in file order, and the records the reader rejected. */
export interface LandedSource {
  file: string;
  format: ExportFormat;
  contentSha256: string;
  /** Table (or parenthesised query) with the contract's column names as text, and `_record`. */
  rows: string;
  /** Columns `rows` has. */
  columns: ReadonlySet<string>;
  /** Table of (line, fields, reason, original) the reader could not split into fields; null if none. */
  rejected: string | null;
}

let tempCounter = 0;

/** Whether this entity was already loaded from a file with these exact bytes (then nothing is done). */
export async function previousLoad(
  warehouse: Warehouse,
  entity: string,
  contentSha256: string,
): Promise<{ load_id: number; rows_read: number } | undefined> {
  return warehouse.one<{ load_id: number; rows_read: number }>(
    "select load_id, rows_read from load_log where entity = $1 and content_sha256 = $2 order by load_id limit 1",
    [entity, contentSha256],
  );
}

export function unchangedResult(
  source: Pick<LandedSource, "file" | "format" | "contentSha256">,
  entity: string,
  previous: { load_id: number; rows_read: number },
): FileLoadResult {
  return {
    file: source.file,
    entity,
    format: source.format,
    contentSha256: source.contentSha256,
    status: "unchanged",
    loadId: previous.load_id,
    rowsRead: previous.rows_read,
    rowsLoaded: 0,
    rowsQuarantined: 0,
    rowsDuplicate: previous.rows_read,
    rowsPending: 0,
    pendingReleased: 0,
  };
}

/**
 * Checks and stores a landed source. Must run inside the caller's transaction (see ingest.ts), so
 * that a failure or a kill leaves the warehouse as it was.
 */
export async function loadLanded(
  warehouse: Warehouse,
  source: LandedSource,
  contract: EntityContract,
  options: LoadFileOptions,
): Promise<FileLoadResult> {
  const n = ++tempCounter;
  const t = (name: string) => quoteIdent(`_${name}_${process.pid}_${n}`);
  const checked = t("checked");
  const ranked = t("ranked");

  const loadId = Number((await warehouse.one<{ id: number }>("select nextval('load_id_seq') as id"))?.id);
  const context: CheckContext = {
    now: (options.now ?? new Date()).toISOString(),
    futureToleranceS: options.futureToleranceS ?? DEFAULT_FUTURE_TOLERANCE_S,
  };
  await warehouse.run(`CREATE TEMP TABLE ${checked} AS ${checkedSql(contract, source, options, context)}`);
  await warehouse.run(`CREATE TEMP TABLE ${ranked} AS ${rankedSql(contract, checked)}`);

  await storeVerdicts(warehouse, contract, ranked, loadId);

  const fileLit = quoteLiteral(source.file);
  const entityLit = quoteLiteral(contract.name);
  // The original row is rebuilt from the source only for quarantined rows: building it for every row
  // would cost more than all the checks together.
  await warehouse.run(`INSERT INTO quarantine
    SELECT ${loadId}, ${entityLit}, ${fileLit}, r._record, NULL,
           list_distinct(list_transform(r._problems, p -> p.field)), list_transform(r._problems, p -> p.reason),
           ${originalJson(contract, source, options, "s")}
    FROM ${ranked} r JOIN ${source.rows} s USING (_record) WHERE r._verdict = 'quarantine' ORDER BY r._record`);
  let rejectedCount = 0;
  if (source.rejected) {
    // A record the reader could not split into fields cannot have its personal fields masked one by one,
    // so for entities that carry personal data the whole text is hashed unless the policy keeps it.
    const hasPersonal = contract.columns.some((c) => c.personal);
    const rejectedText =
      hasPersonal && options.personalData !== "keep"
        ? personalValue("original", { ...options, personalData: "hash" })
        : "original";
    await warehouse.run(`INSERT INTO quarantine
      SELECT ${loadId}, ${entityLit}, ${fileLit}, NULL, line, fields, [reason], ${rejectedText}
      FROM ${source.rejected} ORDER BY line`);
    rejectedCount =
      (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${source.rejected}`))?.n ?? 0;
  }

  const counts = await warehouse.one<{
    landed: number;
    loaded: number;
    quarantined: number;
    duplicate: number;
    pending: number;
  }>(`
    SELECT count(*) AS landed,
           count(*) FILTER (WHERE _verdict = 'load') AS loaded,
           count(*) FILTER (WHERE _verdict = 'quarantine') AS quarantined,
           count(*) FILTER (WHERE _verdict = 'duplicate') AS duplicate,
           count(*) FILTER (WHERE _verdict = 'pending') AS pending
    FROM ${ranked}`);
  const pendingReleased = await releasePending(warehouse, loadId);
  const result: FileLoadResult = {
    file: source.file,
    entity: contract.name,
    format: source.format,
    contentSha256: source.contentSha256,
    status: "loaded",
    loadId,
    rowsRead: (counts?.landed ?? 0) + rejectedCount,
    rowsLoaded: counts?.loaded ?? 0,
    rowsQuarantined: (counts?.quarantined ?? 0) + rejectedCount,
    rowsDuplicate: counts?.duplicate ?? 0,
    rowsPending: counts?.pending ?? 0,
    pendingReleased,
  };
  await warehouse.run("INSERT INTO load_log VALUES ($1, $2, $3, $4, $5, now(), $6, $7, $8, $9, $10, $11)", [
    loadId,
    contract.name,
    source.file,
    source.format,
    source.contentSha256,
    result.rowsRead,
    result.rowsLoaded,
    result.rowsQuarantined,
    result.rowsDuplicate,
    result.rowsPending,
    result.pendingReleased,
  ]);
  for (const table of [checked, ranked]) await warehouse.run(`DROP TABLE IF EXISTS ${table}`);
  return result;
}

/** Writes the rows judged 'load' to the raw table and the rows judged 'pending' to the pending table. */
async function storeVerdicts(warehouse: Warehouse, contract: EntityContract, ranked: string, loadId: number) {
  const raw = rawTable(contract);
  const key = quoteIdent(contract.key);
  const columnList = contract.columns.map((c) => quoteIdent(c.name)).join(", ");
  await warehouse.run(
    `DELETE FROM ${raw} WHERE ${key} IN (SELECT ${key} FROM ${ranked} WHERE _verdict = 'load')`,
  );
  await warehouse.run(
    `INSERT INTO ${raw} (${columnList}, _load_id) SELECT ${columnList}, ${loadId} FROM ${ranked} WHERE _verdict = 'load'`,
  );
  if (contract.references.length > 0) {
    const pending = pendingTable(contract);
    await warehouse.run(
      `DELETE FROM ${pending} WHERE ${key} IN (SELECT ${key} FROM ${ranked} WHERE _verdict = 'pending')`,
    );
    await warehouse.run(
      `INSERT INTO ${pending} (${columnList}, _load_id, _record, _waiting_for)
       SELECT ${columnList}, ${loadId}, _record, _waiting_for FROM ${ranked} WHERE _verdict = 'pending'`,
    );
  }
}

/** SQL: the parents a row refers to that the warehouse does not hold (yet), as readable strings. */
function missingParents(contract: EntityContract, alias: string): string {
  if (contract.references.length === 0) return "[]";
  const items = contract.references.map((ref) => {
    const parent = CONTRACTS[ref.entity];
    const field = `${alias}.${quoteIdent(ref.field)}`;
    return `CASE WHEN ${field} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${rawTable(parent)} p WHERE p.${quoteIdent(parent.key)} = ${field})
      THEN ${quoteLiteral(`${ref.field} `)} || ${field} || ${quoteLiteral(` (not in ${parent.name} yet)`)} END`;
  });
  return `list_filter([${items.join(", ")}], x -> x IS NOT NULL)`;
}

/**
 * Rows waiting for a parent are re-checked after every load: those whose parents have all arrived move
 * to the raw table (unless the warehouse meanwhile holds the same or a newer version of them).
 */
export async function releasePending(warehouse: Warehouse, loadId: number): Promise<number> {
  let released = 0;
  for (const contract of Object.values(CONTRACTS)) {
    if (contract.references.length === 0) continue;
    const pending = pendingTable(contract);
    const ready = `(SELECT * FROM ${pending} w WHERE len(${missingParents(contract, "w")}) = 0)`;
    const readyCount = (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${ready}`))?.n ?? 0;
    if (readyCount === 0) continue;
    const raw = rawTable(contract);
    const key = quoteIdent(contract.key);
    const columnList = contract.columns.map((c) => quoteIdent(c.name)).join(", ");
    const stale = `EXISTS (SELECT 1 FROM ${raw} e WHERE e.${key} = r.${key} AND ${notNewer(contract, "e", "r")})`;
    const fresh = `(SELECT * FROM ${ready} r WHERE NOT ${stale})`;
    await warehouse.run(`DELETE FROM ${raw} WHERE ${key} IN (SELECT ${key} FROM ${fresh})`);
    await warehouse.run(
      `INSERT INTO ${raw} (${columnList}, _load_id) SELECT ${columnList}, _load_id FROM ${fresh}`,
    );
    await warehouse.run(
      `INSERT INTO pending_released SELECT ${loadId}, ${quoteLiteral(contract.name)}, ${key}, _load_id FROM ${ready}`,
    );
    await warehouse.run(`DELETE FROM ${pending} WHERE ${key} IN (SELECT ${key} FROM ${ready})`);
    released += readyCount;
  }
  return released;
}

/** SQL: the stored row `e` is the same as or newer than the incoming row `r`, so `r` is a duplicate. */
function notNewer(contract: EntityContract, e: string, r: string): string {
  if (contract.kind === "events") return "true";
  if (contract.versionField) {
    const v = quoteIdent(contract.versionField);
    return `${e}.${v} >= ${r}.${v}`;
  }
  // No version column: only an identical row is a duplicate; a changed one replaces it (last load wins).
  return contract.columns
    .map((c) => `${e}.${quoteIdent(c.name)} IS NOT DISTINCT FROM ${r}.${quoteIdent(c.name)}`)
    .join(" AND ");
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

/** The value to check: naive timestamps are first placed in the drop's declared zone, when it has one. */
function sourceValue(column: ColumnSpec, present: boolean, options: LoadFileOptions): string {
  const v = landingValue(column, present);
  if (column.kind !== "timestamp" || !options.timeZone || !present) return v;
  const naive = `TRY_CAST(${v} AS TIMESTAMP)`;
  return `CASE WHEN ${v} IS NULL OR regexp_matches(${v}, '(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$') OR ${naive} IS NULL THEN ${v}
    ELSE strftime(timezone(${quoteLiteral(options.timeZone)}, ${naive}), '%Y-%m-%dT%H:%M:%S%z') END`;
}

/** SQL: the source row as JSON, every column in source order, personal values masked as stored. */
function originalJson(
  contract: EntityContract,
  source: LandedSource,
  options: LoadFileOptions,
  alias: string,
): string {
  const personal = new Set(contract.columns.filter((c) => c.personal).map((c) => c.name));
  const pairs = [...source.columns]
    .filter((name) => name !== "_record")
    .map((name) => {
      const raw = `${alias}.${quoteIdent(name)}`;
      return `${quoteLiteral(name)}, ${personal.has(name) ? personalValue(raw, options) : raw}`;
    });
  return `json_object(${pairs.join(", ")})::VARCHAR`;
}

function checkedSql(
  contract: EntityContract,
  source: LandedSource,
  options: LoadFileOptions,
  context: CheckContext,
): string {
  // Each value as text (_v_) and cast (_t_) once, in an inner query; the checks and the stored value
  // then read those columns instead of casting again per check.
  const v = (c: ColumnSpec) => quoteIdent(`_v_${c.name}`);
  const t = (c: ColumnSpec) => quoteIdent(`_t_${c.name}`);
  const inner = contract.columns.map((c) => {
    const value = sourceValue(c, source.columns.has(c.name), options);
    return `${value} AS ${v(c)}, ${typedExpression(c, value)} AS ${t(c)}`;
  });
  const typed = contract.columns.map(
    (c) => `${c.personal ? personalValue(t(c), options) : t(c)} AS ${quoteIdent(c.name)}`,
  );
  const problems = contract.columns.map(
    (c) => `{'field': ${quoteLiteral(c.name)}, 'reason': ${problemExpression(c, v(c), context, t(c))}}`,
  );
  const ordering = orderingProblems(contract).map(
    (o) => `{'field': ${quoteLiteral(o.field)}, 'reason': ${o.sql}}`,
  );
  const middle = `SELECT _record, ${typed.join(", ")},
      list_filter([${problems.join(", ")}], p -> p.reason IS NOT NULL) AS _field_problems
    FROM (SELECT l._record, ${inner.join(", ")} FROM ${source.rows} l)`;
  const orderingList =
    ordering.length > 0 ? `list_filter([${ordering.join(", ")}], p -> p.reason IS NOT NULL)` : "[]";
  // Ordering rules compare typed values, so they only apply where the fields themselves were valid.
  return `SELECT t.*, CASE WHEN len(t._field_problems) > 0 THEN t._field_problems
                      ELSE ${orderingList} END AS _problems
    FROM (${middle}) t`;
}

/**
 * Decides each checked row's fate: quarantine (a problem, or a conflicting duplicate key in the file),
 * duplicate (the same row again, or not newer than what the warehouse holds), pending (a parent it
 * refers to has not arrived yet), or load.
 */
function rankedSql(contract: EntityContract, checked: string): string {
  const key = quoteIdent(contract.key);
  const version = contract.versionField ? quoteIdent(contract.versionField) : null;
  const order = version ? `${version} DESC NULLS LAST, _record` : "_record";
  const content = `md5(json_object(${contract.columns.map((c) => `${quoteLiteral(c.name)}, ${quoteIdent(c.name)}`).join(", ")})::VARCHAR)`;
  const parents = contract.references.map((ref, i) => ({
    ref,
    alias: `p${i}`,
    parent: CONTRACTS[ref.entity],
  }));
  const parentJoins = parents
    .map(
      ({ ref, alias, parent }) =>
        `LEFT JOIN ${rawTable(parent)} ${alias} ON ${alias}.${quoteIdent(parent.key)} = v.${quoteIdent(ref.field)}`,
    )
    .join("\n      ");
  const waitingFor =
    parents.length === 0
      ? "CAST([] AS VARCHAR[])"
      : `list_filter([${parents
          .map(
            ({ ref, alias, parent }) =>
              `CASE WHEN v.${quoteIdent(ref.field)} IS NOT NULL AND ${alias}.${quoteIdent(parent.key)} IS NULL
                THEN ${quoteLiteral(`${ref.field} `)} || v.${quoteIdent(ref.field)} || ${quoteLiteral(` (not in ${parent.name} yet)`)} END`,
          )
          .join(", ")}], x -> x IS NOT NULL)`;
  // Joins rather than EXISTS inside CASE (which DuckDB runs row by row), and window functions only over
  // keys that occur more than once in the file: most files have none.
  return `
    WITH valid AS (SELECT * EXCLUDE (_field_problems) FROM ${checked} WHERE len(_problems) = 0),
    repeated AS (SELECT ${key} FROM valid GROUP BY ${key} HAVING count(*) > 1),
    ranked_repeats AS (
      SELECT _record, _rank, _content, first_value(_content) OVER w AS _kept_content, first_value(_record) OVER w AS _kept_record
      FROM (SELECT *, ${content} AS _content, row_number() OVER w AS _rank
            FROM valid SEMI JOIN repeated USING (${key}) WINDOW w AS (PARTITION BY ${key} ORDER BY ${order}))
      WINDOW w AS (PARTITION BY ${key} ORDER BY _rank)
    ),
    judged AS (
      SELECT v.* EXCLUDE (_problems),
        CASE WHEN r._rank > 1 AND r._content <> r._kept_content
             THEN [{'field': ${quoteLiteral(contract.key)}, 'reason': ${quoteLiteral(`${contract.key}: duplicate key `)} || v.${key} || ' in this file with different values; record ' || r._kept_record || ' was kept'}]
             ELSE v._problems END AS _problems,
        ${waitingFor} AS _waiting_for,
        CASE WHEN r._rank > 1 AND r._content <> r._kept_content THEN 'quarantine'
             WHEN r._rank > 1 THEN 'duplicate'
             WHEN e.${key} IS NOT NULL AND ${notNewer(contract, "e", "v")} THEN 'duplicate'
             ELSE 'load' END AS _verdict0
      FROM valid v
      LEFT JOIN ranked_repeats r USING (_record)
      LEFT JOIN ${rawTable(contract)} e ON e.${key} = v.${key}
      ${parentJoins}
    )
    SELECT j.* EXCLUDE (_verdict0),
      CASE WHEN j._verdict0 = 'load' AND len(j._waiting_for) > 0 THEN 'pending' ELSE j._verdict0 END AS _verdict
    FROM judged j
    UNION ALL BY NAME
    SELECT c.* EXCLUDE (_field_problems), CAST([] AS VARCHAR[]) AS _waiting_for, 'quarantine' AS _verdict
    FROM ${checked} c WHERE len(c._problems) > 0`;
}
