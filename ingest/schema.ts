/** The ingest layer's tables: one raw table per entity (typed by its contract), the load log and the quarantine. */
import { CONTRACTS, type EntityContract } from "./contracts/index.ts";
import { quoteIdent, type Warehouse } from "./warehouse.ts";

export function rawTable(contract: EntityContract): string {
  return `raw.${quoteIdent(contract.name)}`;
}

/** Rows that passed every check but refer to a parent that has not arrived yet. */
export function pendingTable(contract: EntityContract): string {
  return `pending.${quoteIdent(contract.name)}`;
}

export function pendingTableDdl(contract: EntityContract): string {
  const columns = contract.columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`);
  return `CREATE TABLE IF NOT EXISTS ${pendingTable(contract)} (
    ${columns.join(",\n    ")},
    _load_id BIGINT NOT NULL,
    _record BIGINT,
    _waiting_for VARCHAR[] NOT NULL
  )`;
}

export function rawTableDdl(contract: EntityContract): string {
  const columns = contract.columns.map((c) => `${quoteIdent(c.name)} ${c.duckdbType}`);
  return `CREATE TABLE IF NOT EXISTS ${rawTable(contract)} (
    ${columns.join(",\n    ")},
    -- No PRIMARY KEY: the load keeps keys unique (one row per key is written, after deleting the old
    -- one) and staging's data tests check it; the index would cost more than the rest of a load.
    _load_id BIGINT NOT NULL
  )`;
}

export async function ensureIngestSchema(warehouse: Warehouse): Promise<void> {
  await warehouse.run("CREATE SCHEMA IF NOT EXISTS raw");
  await warehouse.run("CREATE SCHEMA IF NOT EXISTS pending");
  await warehouse.run("CREATE SEQUENCE IF NOT EXISTS load_id_seq START 1");
  await warehouse.run(`CREATE TABLE IF NOT EXISTS load_log (
    load_id BIGINT PRIMARY KEY,
    entity VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    content_sha256 VARCHAR NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    rows_duplicate BIGINT NOT NULL,
    rows_pending BIGINT NOT NULL,
    pending_released BIGINT NOT NULL
  )`);
  await warehouse.run(`CREATE TABLE IF NOT EXISTS pending_released (
    load_id BIGINT NOT NULL,
    entity VARCHAR NOT NULL,
    key VARCHAR NOT NULL,
    waiting_since_load_id BIGINT NOT NULL
  )`);
  await warehouse.run(`CREATE TABLE IF NOT EXISTS quarantine (
    load_id BIGINT NOT NULL,
    entity VARCHAR NOT NULL,
    file_path VARCHAR NOT NULL,
    record BIGINT,
    line BIGINT,
    fields VARCHAR[] NOT NULL,
    reasons VARCHAR[] NOT NULL,
    original VARCHAR NOT NULL
  )`);
  for (const contract of Object.values(CONTRACTS)) {
    await warehouse.run(rawTableDdl(contract));
    if (contract.references.length > 0) await warehouse.run(pendingTableDdl(contract));
  }
}
