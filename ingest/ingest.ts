/**
 * `orderops ingest`: resolves paths to export files, names each file's entity, checks every file
 * (readable, known entity and format, required columns present) before anything is written, then loads
 * them parents first, each file in one transaction.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { CONTRACTS, ENTITY_NAMES, type EntityName, isEntityName } from "./contracts/index.ts";
import {
  type FileLoadResult,
  IngestInputError,
  type LandedSource,
  type LoadFileOptions,
  loadLanded,
  previousLoad,
  sha256File,
  unchangedResult,
} from "./load-file.ts";
import { type MappedTarget, type Mapping, mappedTargets, sourceColumnsUsed } from "./mapping.ts";
import { type ExportFormat, land, parseExportName, sourceColumns } from "./readers.ts";
import { ensureIngestSchema } from "./schema.ts";
import { quoteIdent, type Warehouse } from "./warehouse.ts";

export interface PlannedFile {
  path: string;
  entity: EntityName;
  format: ExportFormat;
}

export interface IngestOptions extends LoadFileOptions {
  /** Overrides the entity named by the file name. */
  entity?: EntityName;
  /** A foreign export's mapping onto the contract (its entity overrides the file name). */
  mapping?: Mapping;
  onFileStart?: (file: PlannedFile, index: number, total: number) => void;
  onFileDone?: (result: FileLoadResult) => void;
}

export const DEFAULT_LOAD_OPTIONS: LoadFileOptions = { personalData: "hash", personalSalt: "orderops" };

export async function planFiles(
  paths: readonly string[],
  entity?: EntityName,
  mapped = false,
): Promise<PlannedFile[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new IngestInputError(path, "no such file or folder");
    }
    if (info.isDirectory()) {
      // Names starting with "." or "_" are not exports (manifests, notes), so a folder scan passes them over.
      const names = (await readdir(path)).filter((n) => !n.startsWith(".") && !n.startsWith("_")).sort();
      for (const name of names) {
        if (parseExportName(name)) files.push(join(path, name));
      }
    } else {
      files.push(path);
    }
  }
  const planned = files.map((path): PlannedFile => {
    const parsed = parseExportName(basename(path));
    if (!parsed) {
      throw new IngestInputError(
        path,
        "unknown format (expected .csv, .tsv, .ndjson, .jsonl, .json or .parquet, optionally .gz)",
      );
    }
    const name = entity ?? parsed.stem;
    if (!isEntityName(name)) {
      throw new IngestInputError(
        path,
        mapped
          ? "internal: mapped files take the mapping's entity"
          : `unknown entity "${parsed.stem}" (file names start with one of ${ENTITY_NAMES.join(", ")}; or pass --entity or --mapping)`,
      );
    }
    return { path, entity: name, format: parsed.format };
  });
  const rank = (e: EntityName) => ENTITY_NAMES.indexOf(e);
  return planned.sort((a, b) => rank(a.entity) - rank(b.entity) || a.path.localeCompare(b.path));
}

/** Reads each file's header (or metadata) and refuses the whole run if any lacks what it needs. */
async function preflight(
  warehouse: Warehouse,
  plan: readonly PlannedFile[],
  mapping?: Mapping,
): Promise<void> {
  for (const file of plan) {
    let columns: string[] | null;
    try {
      columns = await sourceColumns(warehouse, file.format, file.path);
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new IngestInputError(file.path, `cannot be read as ${file.format}: ${message}`);
    }
    if (columns === null) continue;
    const present = new Set(columns);
    const needed = mapping
      ? sourceColumnsUsed(mapping)
      : CONTRACTS[file.entity].columns.filter((c) => c.required).map((c) => c.name);
    const missing = needed.filter((c) => !present.has(c));
    if (missing.length > 0) {
      const what = mapping ? "columns the mapping reads" : `required column${missing.length > 1 ? "s" : ""}`;
      throw new IngestInputError(
        file.path,
        `header is missing ${what} ${missing.join(", ")}${mapping ? "" : ` of ${file.entity}`}`,
      );
    }
  }
}

export async function ingestPaths(
  warehouse: Warehouse,
  paths: readonly string[],
  options: IngestOptions,
): Promise<FileLoadResult[]> {
  const plan = await planFiles(paths, options.mapping?.entity ?? options.entity, Boolean(options.mapping));
  if (plan.length === 0) throw new IngestInputError(paths.join(" "), "no export files found");
  await preflight(warehouse, plan, options.mapping);
  await ensureIngestSchema(warehouse);
  const results: FileLoadResult[] = [];
  // The next file's content hash is computed while this one loads: hashing runs on this thread, which
  // otherwise only waits for DuckDB's.
  const hashes = new Map<number, Promise<string>>();
  const hashOf = (index: number): Promise<string> => {
    let hash = hashes.get(index);
    if (!hash) {
      hash = sha256File((plan[index] as PlannedFile).path);
      hash.catch(() => {}); // reported when awaited, not as an unhandled rejection
      hashes.set(index, hash);
    }
    return hash;
  };
  for (const [index, file] of plan.entries()) {
    options.onFileStart?.(file, index, plan.length);
    const contentSha256 = await hashOf(index);
    hashes.delete(index);
    if (index + 1 < plan.length) hashOf(index + 1);
    for (const result of await ingestFile(warehouse, file, contentSha256, options)) {
      results.push(result);
      options.onFileDone?.(result);
    }
  }
  return results;
}

let landCounter = 0;

/** One file, in one transaction: a kill or an error leaves the warehouse as it was. */
async function ingestFile(
  warehouse: Warehouse,
  file: PlannedFile,
  contentSha256: string,
  options: IngestOptions,
): Promise<FileLoadResult[]> {
  const targets: MappedTarget[] = options.mapping
    ? mappedTargets(options.mapping)
    : [
        {
          entity: file.entity,
          columns: new Set(CONTRACTS[file.entity].columns.map((c) => c.name)),
          select: (landing) => landing,
        },
      ];
  const previous = await Promise.all(targets.map((t) => previousLoad(warehouse, t.entity, contentSha256)));
  if (previous.every((p) => p !== undefined)) {
    return targets.map((t, i) =>
      unchangedResult({ ...file, file: file.path, contentSha256 }, t.entity, previous[i] as never),
    );
  }

  const id = `${process.pid}_${++landCounter}`;
  const landing = quoteIdent(`_landing_${id}`);
  const rejected = quoteIdent(`_rejected_${id}`);
  const timeZone = options.mapping?.time_zone ?? options.timeZone;
  return warehouse.transaction(async () => {
    let landed: Awaited<ReturnType<typeof land>>;
    try {
      landed = await land(warehouse, file.format, file.path, { landing, rejected });
    } catch (error) {
      const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new IngestInputError(file.path, `cannot be read as ${file.format}: ${message}`);
    }
    const landedColumns = new Set(
      (await warehouse.all<{ column_name: string }>(`DESCRIBE ${landing}`)).map((r) => r.column_name),
    );
    const results: FileLoadResult[] = [];
    for (const [i, target] of targets.entries()) {
      const done = previous[i];
      if (done) {
        results.push(unchangedResult({ ...file, file: file.path, contentSha256 }, target.entity, done));
        continue;
      }
      const contract = CONTRACTS[target.entity];
      const columns = options.mapping ? target.columns : landedColumns;
      const missing = contract.columns.filter((c) => c.required && !columns.has(c.name)).map((c) => c.name);
      if (missing.length > 0) {
        throw new IngestInputError(
          file.path,
          `${options.mapping ? "the mapping gives no" : "header is missing required"} column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} of ${contract.name}`,
        );
      }
      const source: LandedSource = {
        file: file.path,
        format: file.format,
        contentSha256,
        rows: target.select(landing),
        columns,
        // Records the reader could not split belong to the file's own entity, counted once.
        rejected: i === 0 ? rejected : null,
      };
      results.push(
        await loadLanded(warehouse, source, contract, { ...options, ...(timeZone ? { timeZone } : {}) }),
      );
    }
    await landed.drop();
    return results;
  });
}
