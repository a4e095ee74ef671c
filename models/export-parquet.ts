/**
 * Writes every mart as Parquet that other engines read as it is: one folder per mart under the output
 * folder, Hive-partitioned by month (`<mart>/month=YYYY-MM/data_0.parquet`) when the mart has a date,
 * else one file (`<mart>/data_0.parquet`). DuckDB, Spark and Trino all read a folder of that shape as one
 * table whose `month` column comes from the folder names.
 *
 * Which month: the mart's own `month` column when it has one (text YYYY-MM, or a date whose month is
 * taken), else the month of its first DATE column (queue_day's `day`). Timestamps are never used: their
 * month depends on a time zone, which a mart's date columns already settled. A row whose date is null
 * goes to `month=__HIVE_DEFAULT_PARTITION__`, the Hive convention for a null partition value.
 */
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { quoteIdent, quoteLiteral, type Warehouse } from "../ingest/warehouse.ts";
import type { Model } from "./model.ts";
import { MODELS } from "./registry.ts";

export const PARTITION_COLUMN = "month";

export interface ExportedMart {
  mart: string;
  rows: number;
  /** The column whose month partitions the mart (null: one unpartitioned file). */
  partitioned_by: string | null;
  /** The mart's folder, relative to the output folder. */
  path: string;
  files: number;
}

export interface ExportManifest {
  /** The data's as-of time and the policy of the build that made the marts. */
  as_of: string | null;
  policy_version: string | null;
  marts: ExportedMart[];
}

/** A mart the warehouse does not hold: the warehouse was built by an older version or never built. */
export class MartsNotBuiltError extends Error {
  constructor(readonly missing: readonly string[]) {
    super(`the warehouse has no ${missing.join(", ")}: run \`orderops build\` first`);
    this.name = "MartsNotBuiltError";
  }
}

interface ColumnInfo {
  name: string;
  type: string;
}

/**
 * Integer types other engines read poorly are widened to ones they all read: Spark has no unsigned
 * integers and no 128-bit integer (DuckDB's sum of BIGINT).
 */
const PORTABLE_TYPES: Record<string, string> = {
  HUGEINT: "DECIMAL(38,0)",
  UHUGEINT: "DECIMAL(38,0)",
  UBIGINT: "DECIMAL(20,0)",
  UINTEGER: "BIGINT",
  USMALLINT: "INTEGER",
  UTINYINT: "SMALLINT",
};

function partitionSource(columns: readonly ColumnInfo[]): { column: string; expression: string } | null {
  const month = columns.find((c) => c.name === PARTITION_COLUMN);
  if (month) {
    return {
      column: month.name,
      expression:
        month.type === "VARCHAR" ? quoteIdent(month.name) : `strftime(${quoteIdent(month.name)}, '%Y-%m')`,
    };
  }
  const date = columns.find((c) => c.type === "DATE");
  return date ? { column: date.name, expression: `strftime(${quoteIdent(date.name)}, '%Y-%m')` } : null;
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith(".parquet")).length;
}

export async function exportMarts(
  warehouse: Warehouse,
  outDir: string,
  options: { marts?: readonly Model[]; onMart?: (mart: ExportedMart) => void } = {},
): Promise<ExportManifest> {
  const marts = (options.marts ?? MODELS).filter((model) => model.layer === "marts").map((m) => m.name);
  const missing: string[] = [];
  for (const mart of marts) if (!(await warehouse.tableExists("main", mart))) missing.push(mart);
  if (missing.length > 0) throw new MartsNotBuiltError(missing);

  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  const exported: ExportedMart[] = [];
  for (const mart of [...marts].sort()) {
    const columns = (
      await warehouse.all<{ name: string; type: string }>(
        `SELECT column_name AS name, data_type AS type FROM information_schema.columns
         WHERE table_schema = 'main' AND table_name = $1 ORDER BY ordinal_position`,
        [mart],
      )
    ).map(({ name, type }) => ({ name, type }));
    const partition = partitionSource(columns);
    const selected = columns
      .filter((c) => c.name !== PARTITION_COLUMN)
      .map((c) => {
        const portable = PORTABLE_TYPES[c.type];
        return portable
          ? `CAST(${quoteIdent(c.name)} AS ${portable}) AS ${quoteIdent(c.name)}`
          : quoteIdent(c.name);
      });
    if (partition) selected.push(`${partition.expression} AS ${quoteIdent(PARTITION_COLUMN)}`);
    const query = `SELECT ${selected.join(", ")} FROM ${quoteIdent(mart)}`;
    const count = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(mart)}`);
    const rows = count?.n ?? 0;

    // A mart's folder is replaced whole, so no partition of an earlier export lingers.
    const dir = join(out, mart);
    await rm(dir, { recursive: true, force: true });
    // COPY takes no parameter for its file name: the path is quoted as a literal.
    if (partition && rows > 0) {
      await warehouse.run(
        `COPY (${query}) TO ${quoteLiteral(dir)} (FORMAT parquet, PARTITION_BY (${quoteIdent(PARTITION_COLUMN)}))`,
      );
    } else {
      // Unpartitioned, or empty: one file that still carries every column (an empty partitioned export
      // would be a folder with no file, which readers refuse).
      await mkdir(dir, { recursive: true });
      await warehouse.run(`COPY (${query}) TO ${quoteLiteral(join(dir, "data_0.parquet"))} (FORMAT parquet)`);
    }
    const result: ExportedMart = {
      mart,
      rows,
      partitioned_by: partition?.column ?? null,
      path: mart,
      files: await countFiles(dir),
    };
    exported.push(result);
    options.onMart?.(result);
  }

  const build = (await warehouse.tableExists("main", "build_info"))
    ? await warehouse.one<{ as_of: Date | null; policy_version: string | null }>(
        "SELECT as_of, policy_version FROM build_info",
      )
    : undefined;
  const manifest: ExportManifest = {
    as_of: build?.as_of ? build.as_of.toISOString() : null,
    policy_version: build?.policy_version ?? null,
    marts: exported,
  };
  await writeFile(join(out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
