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

/** A row's fate other than a plain load, as `fatesSql` records it. */
type Fate = "quarantine" | "duplicate" | "pending" | "replace";

/**
 * Checks and stores a landed source. Must run inside the caller's transaction (see ingest.ts), so
 * that a failure or a kill leaves the warehouse as it was.
 *
 * The source is read once: its rows are cast and checked into one temporary table (`checked`), and
 * everything after reads that table. The judgement of de-duplication and references goes to a narrow
 * table (`fates`) that holds only the rows that do not simply load (usually none or few), so the typed
 * rows are never copied a second time and the steps that concern no row are skipped. Rows held back
 * from the raw table are flagged in `checked` (`_held`).
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
  const fates = t("fates");

  const loadId = Number((await warehouse.one<{ id: number }>("select nextval('load_id_seq') as id"))?.id);
  const context: CheckContext = {
    now: (options.now ?? new Date()).toISOString(),
    futureToleranceS: options.futureToleranceS ?? DEFAULT_FUTURE_TOLERANCE_S,
  };
  await warehouse.run(`CREATE TEMP TABLE ${checked} AS ${checkedSql(contract, source, options, context)}`);
  // Into an empty raw table nothing can be a repeat of a stored row, so the join with it is left out.
  const rawHasRows = Boolean(
    (await warehouse.one<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${rawTable(contract)}) AS any`))
      ?.any,
  );
  await warehouse.run(`CREATE TEMP TABLE ${fates} AS ${fatesSql(contract, checked, rawHasRows)}`);

  const landed = await warehouse.one<{ rows: number; invalid: number }>(
    `SELECT count(*) AS rows, count(*) FILTER (WHERE len(_problems) > 0) AS invalid FROM ${checked}`,
  );
  const fateCounts: Record<Fate, number> = { quarantine: 0, duplicate: 0, pending: 0, replace: 0 };
  for (const row of await warehouse.all<{ fate: Fate; n: number }>(
    `SELECT _fate AS fate, count(*) AS n FROM ${fates} GROUP BY _fate`,
  )) {
    fateCounts[row.fate] = row.n;
  }
  const rows = landed?.rows ?? 0;
  const invalid = landed?.invalid ?? 0;
  const held = fateCounts.quarantine + fateCounts.duplicate + fateCounts.pending;

  await storeRows(warehouse, contract, { checked, fates, loadId, held, fateCounts });

  const fileLit = quoteLiteral(source.file);
  const entityLit = quoteLiteral(contract.name);
  if (invalid + fateCounts.quarantine > 0) {
    // The original row is rebuilt from the source only for quarantined rows: building it for every row
    // would cost more than all the checks together. Those rows are picked with IN first: a plain join
    // may build its hash table on the whole source, whose size DuckDB underestimates for a table
    // written earlier in the same transaction.
    await warehouse.run(`INSERT INTO quarantine
      WITH q AS (SELECT _record, _problems FROM ${checked} WHERE len(_problems) > 0
                 UNION ALL
                 SELECT _record, _problems FROM ${fates} WHERE _fate = 'quarantine')
      SELECT ${loadId}, ${entityLit}, ${fileLit}, q._record, NULL,
             list_distinct(list_transform(q._problems, p -> p.field)), list_transform(q._problems, p -> p.reason),
             ${originalJson(contract, source, options, "s")}
      FROM q JOIN (SELECT * FROM ${source.rows} WHERE _record IN (SELECT _record FROM q)) s USING (_record)
      ORDER BY q._record`);
  }
  const rejectedCount = source.rejected
    ? ((await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${source.rejected}`))?.n ?? 0)
    : 0;
  if (source.rejected && rejectedCount > 0) {
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
  }

  const pendingReleased = await releasePending(warehouse, loadId);
  const result: FileLoadResult = {
    file: source.file,
    entity: contract.name,
    format: source.format,
    contentSha256: source.contentSha256,
    status: "loaded",
    loadId,
    rowsRead: rows + rejectedCount,
    rowsLoaded: rows - invalid - held,
    rowsQuarantined: invalid + fateCounts.quarantine + rejectedCount,
    rowsDuplicate: fateCounts.duplicate,
    rowsPending: fateCounts.pending,
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
  for (const table of [checked, fates]) await warehouse.run(`DROP TABLE IF EXISTS ${table}`);
  return result;
}

/**
 * Writes the valid rows that load to the raw table (over the stored rows they replace) and the rows
 * that wait for a parent to the pending table.
 */
async function storeRows(
  warehouse: Warehouse,
  contract: EntityContract,
  {
    checked,
    fates,
    loadId,
    held,
    fateCounts,
  }: { checked: string; fates: string; loadId: number; held: number; fateCounts: Record<Fate, number> },
) {
  const raw = rawTable(contract);
  const key = quoteIdent(contract.key);
  const columnList = contract.columns.map((c) => quoteIdent(c.name)).join(", ");
  if (fateCounts.replace > 0) {
    await warehouse.run(
      `DELETE FROM ${raw} WHERE ${key} IN (SELECT _key FROM ${fates} WHERE _fate = 'replace')`,
    );
  }
  // Every valid row loads except those held back (duplicates, conflicts, pending): usually none. They
  // are flagged in place, so that the insert stays a plain filtered scan, which DuckDB writes in
  // parallel batches; a join in the insert made it several times slower.
  if (held > 0) {
    await warehouse.run(
      `UPDATE ${checked} SET _held = true WHERE _record IN (SELECT _record FROM ${fates} WHERE _fate <> 'replace')`,
    );
  }
  await warehouse.run(
    `INSERT INTO ${raw} (${columnList}, _load_id)
     SELECT ${columnList}, ${loadId} FROM ${checked} WHERE len(_problems) = 0 AND NOT _held`,
  );
  if (contract.references.length > 0 && fateCounts.pending > 0) {
    const pending = pendingTable(contract);
    await warehouse.run(
      `DELETE FROM ${pending} WHERE ${key} IN (SELECT _key FROM ${fates} WHERE _fate = 'pending')`,
    );
    await warehouse.run(
      `INSERT INTO ${pending} (${columnList}, _load_id, _record, _waiting_for)
       SELECT ${contract.columns.map((col) => `c.${quoteIdent(col.name)}`).join(", ")}, ${loadId}, c._record, f._waiting_for
       FROM (SELECT * FROM ${checked} WHERE _record IN (SELECT _record FROM ${fates} WHERE _fate = 'pending')) c
       JOIN ${fates} f USING (_record) ORDER BY c._record`,
    );
  }
}

/** SQL: whether the row `alias` has every parent it refers to in the warehouse (a NULL reference needs none). */
function parentsPresent(contract: EntityContract, alias: string): string {
  // An uncorrelated IN is one hash join; an EXISTS inside an expression would run once per row.
  return contract.references
    .map((ref) => {
      const parent = CONTRACTS[ref.entity];
      const field = `${alias}.${quoteIdent(ref.field)}`;
      return `(${field} IS NULL OR ${field} IN (SELECT ${quoteIdent(parent.key)} FROM ${rawTable(parent)}))`;
    })
    .join(" AND ");
}

/**
 * Rows waiting for a parent are re-checked after every load: those whose parents have all arrived move
 * to the raw table (unless the warehouse meanwhile holds the same or a newer version of them).
 */
export async function releasePending(warehouse: Warehouse, loadId: number): Promise<number> {
  const children = Object.values(CONTRACTS).filter((c) => c.references.length > 0);
  // One look at how many rows wait in each pending table: an empty one has nothing to release.
  const waiting = await warehouse.one<Record<string, number>>(
    `SELECT ${children.map((c) => `(SELECT count(*) FROM ${pendingTable(c)}) AS ${quoteIdent(c.name)}`).join(", ")}`,
  );
  let released = 0;
  // Parents first (CONTRACTS order), so a released case can release its events in the same pass.
  for (const contract of children) {
    if (!waiting?.[contract.name]) continue;
    const pending = pendingTable(contract);
    const raw = rawTable(contract);
    const key = quoteIdent(contract.key);
    const ready = quoteIdent(`_ready_${process.pid}_${++tempCounter}`);
    // `_fresh`: the warehouse does not already hold the same or a newer version of the row.
    await warehouse.run(
      `CREATE TEMP TABLE ${ready} AS
       SELECT w.*, e.${key} IS NULL OR NOT coalesce(${notNewer(contract, "e", "w")}, false) AS _fresh
       FROM ${pending} w LEFT JOIN ${raw} e ON e.${key} = w.${key}
       WHERE ${parentsPresent(contract, "w")}`,
    );
    const readyCount = (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${ready}`))?.n ?? 0;
    if (readyCount > 0) {
      const columnList = contract.columns.map((c) => quoteIdent(c.name)).join(", ");
      await warehouse.run(`DELETE FROM ${raw} WHERE ${key} IN (SELECT ${key} FROM ${ready} WHERE _fresh)`);
      await warehouse.run(
        `INSERT INTO ${raw} (${columnList}, _load_id) SELECT ${columnList}, _load_id FROM ${ready} WHERE _fresh`,
      );
      await warehouse.run(
        `INSERT INTO pending_released SELECT ${loadId}, ${quoteLiteral(contract.name)}, ${key}, _load_id FROM ${ready}`,
      );
      await warehouse.run(`DELETE FROM ${pending} WHERE ${key} IN (SELECT ${key} FROM ${ready})`);
      released += readyCount;
    }
    await warehouse.run(`DROP TABLE ${ready}`);
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
  // Each value as text (_v_), then cast (_t_), once each in its own inner query: the checks and the
  // stored value read those columns, and DuckDB does not merge repeated expressions, so writing the
  // text expression into the cast would compute it twice. Text and closed lists need no cast.
  const v = (c: ColumnSpec) => quoteIdent(`_v_${c.name}`);
  const needsCast = (c: ColumnSpec) => typedExpression(c, "x") !== "x";
  const t = (c: ColumnSpec) => (needsCast(c) ? quoteIdent(`_t_${c.name}`) : v(c));
  const r = (c: ColumnSpec) => quoteIdent(`_r_${c.name}`);
  const values = contract.columns.map(
    (c) => `${sourceValue(c, source.columns.has(c.name), options)} AS ${v(c)}`,
  );
  const casts = contract.columns.filter(needsCast).map((c) => `${typedExpression(c, v(c))} AS ${t(c)}`);
  const typed = contract.columns.map(
    (c) => `${c.personal ? personalValue(t(c), options) : t(c)} AS ${quoteIdent(c.name)}`,
  );
  const reasons = contract.columns.map((c) => `${problemExpression(c, v(c), context, t(c))} AS ${r(c)}`);
  const names = contract.columns.map((c) => quoteIdent(c.name));
  // Most rows have no problem: the list of problems is built only for a row that has one.
  const fieldsFine = contract.columns.map((c) => `t.${r(c)} IS NULL`).join(" AND ");
  const fieldProblems = `list_filter([${contract.columns
    .map((c) => `{'field': ${quoteLiteral(c.name)}, 'reason': t.${r(c)}}`)
    .join(", ")}], p -> p.reason IS NOT NULL)`;
  const ordering = orderingProblems(contract);
  // Ordering rules compare typed values, so they only apply where the fields themselves were valid.
  const orderingList =
    ordering.length === 0
      ? "[]"
      : `CASE WHEN ${ordering.map((o) => `${o.sql} IS NULL`).join(" AND ")} THEN []
         ELSE list_filter([${ordering.map((o) => `{'field': ${quoteLiteral(o.field)}, 'reason': ${o.sql}}`).join(", ")}], p -> p.reason IS NOT NULL) END`;
  const valuesSql = `SELECT l._record, ${values.join(", ")} FROM ${source.rows} l`;
  const castSql = casts.length > 0 ? `SELECT *, ${casts.join(", ")} FROM (${valuesSql})` : valuesSql;
  const middle = `SELECT _record, ${typed.join(", ")}, ${reasons.join(", ")} FROM (${castSql})`;
  return `SELECT t._record, ${names.map((name) => `t.${name}`).join(", ")},
      CASE WHEN ${fieldsFine} THEN ${orderingList} ELSE ${fieldProblems} END AS _problems,
      false AS _held
    FROM (${middle}) t`;
}

/**
 * The fate of every valid row that does not simply load: quarantine (a conflicting duplicate key in
 * the file), duplicate (the same row again in the file, or not newer than what the warehouse holds),
 * pending (a parent it refers to has not arrived yet), or replace (loads over an older stored row).
 * One row per such record, with its key, and its problem or what it waits for; rows that just load
 * are not written, so most loads leave this table empty.
 */
function fatesSql(contract: EntityContract, checked: string, rawHasRows: boolean): string {
  const key = quoteIdent(contract.key);
  const raw = rawTable(contract);
  const version = contract.versionField ? quoteIdent(contract.versionField) : null;
  const order = version ? `${version} DESC NULLS LAST, _record` : "_record";
  const content = `md5(json_object(${contract.columns.map((c) => `${quoteLiteral(c.name)}, ${quoteIdent(c.name)}`).join(", ")})::VARCHAR)`;
  const parents = contract.references.map((ref, i) => ({ ref, parent: CONTRACTS[ref.entity], i }));
  // Whether each parent is missing, as an uncorrelated IN (a mark join that only probes the parent's
  // keys; a LEFT JOIN carrying the parent's columns cost several times more, and an EXISTS inside an
  // expression runs once per row). A parent key is never NULL, so NOT IN is plain here.
  const facts = parents.map(({ ref, parent, i }) => {
    const field = `v.${quoteIdent(ref.field)}`;
    return `${field} AS _ref_${i}, ${field} IS NOT NULL AND ${field} NOT IN (SELECT ${quoteIdent(parent.key)} FROM ${rawTable(parent)}) AS _missing_${i}`;
  });
  let stored = "";
  if (rawHasRows && contract.kind === "events") {
    // An event already stored is a duplicate whatever its values: only its key matters.
    facts.push(`v.${key} IN (SELECT ${key} FROM ${raw}) AS _stored, true AS _not_newer`);
  } else if (rawHasRows) {
    stored = `LEFT JOIN ${raw} e ON e.${key} = v.${key}`;
    facts.push(
      `e.${key} IS NOT NULL AS _stored, coalesce(${notNewer(contract, "e", "v")}, false) AS _not_newer`,
    );
  }
  const fate = [
    "WHEN _rank > 1 AND _content <> _kept_content THEN 'quarantine'",
    "WHEN _rank > 1 THEN 'duplicate'",
    rawHasRows ? "WHEN _stored AND _not_newer THEN 'duplicate'" : "",
    parents.length > 0 ? `WHEN ${parents.map(({ i }) => `_missing_${i}`).join(" OR ")} THEN 'pending'` : "",
    rawHasRows ? "WHEN _stored THEN 'replace'" : "",
  ]
    .filter(Boolean)
    .join("\n             ");
  const waitingFor =
    parents.length === 0
      ? "CAST(NULL AS VARCHAR[])"
      : `CASE WHEN _fate = 'pending' THEN list_filter([${parents
          .map(
            ({ ref, parent, i }) =>
              `CASE WHEN _missing_${i} THEN ${quoteLiteral(`${ref.field} `)} || _ref_${i} || ${quoteLiteral(` (not in ${parent.name} yet)`)} END`,
          )
          .join(", ")}], x -> x IS NOT NULL) END`;
  // Window functions only over keys that occur more than once in the file: most files have none.
  return `
    WITH repeated AS (SELECT ${key} FROM ${checked} WHERE len(_problems) = 0 GROUP BY ${key} HAVING count(*) > 1),
    ranked_repeats AS (
      SELECT _record, _rank, _content, first_value(_content) OVER w AS _kept_content, first_value(_record) OVER w AS _kept_record
      FROM (SELECT _record, ${key}, ${content} AS _content, row_number() OVER w AS _rank
            FROM ${checked} SEMI JOIN repeated USING (${key}) WHERE len(_problems) = 0
            WINDOW w AS (PARTITION BY ${key} ORDER BY ${order}))
      WINDOW w AS (PARTITION BY ${key} ORDER BY _rank)
    ),
    facts AS (
      SELECT v._record, v.${key} AS _key, r._rank, r._content, r._kept_content, r._kept_record${facts.map((f) => `,\n        ${f}`).join("")}
      FROM ${checked} v
      LEFT JOIN ranked_repeats r USING (_record)
      ${stored}
      WHERE len(v._problems) = 0
    ),
    judged AS (SELECT *, CASE ${fate} ELSE 'load' END AS _fate FROM facts)
    SELECT _record, _key, _fate,
      CASE WHEN _fate = 'quarantine'
           THEN [{'field': ${quoteLiteral(contract.key)}, 'reason': ${quoteLiteral(`${contract.key}: duplicate key `)} || _key || ' in this file with different values; record ' || _kept_record || ' was kept'}]
           END AS _problems,
      ${waitingFor} AS _waiting_for
    FROM judged WHERE _fate <> 'load'`;
}
