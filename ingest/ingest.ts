/**
 * `orderops ingest`: resolves paths to export files, names each file's entity, and loads them parents
 * first (orders before the cases that point at them). All files are checked for a known entity and
 * format before anything is written, so a bad command line leaves the warehouse untouched.
 */
import { readdir, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { CONTRACTS, ENTITY_NAMES, type EntityName, isEntityName } from "./contracts/index.ts";
import { type FileLoadResult, IngestInputError, type LoadFileOptions, loadFile } from "./load-file.ts";
import { type ExportFormat, parseExportName } from "./readers.ts";
import { ensureIngestSchema } from "./schema.ts";
import type { Warehouse } from "./warehouse.ts";

export interface PlannedFile {
  path: string;
  entity: EntityName;
  format: ExportFormat;
}

export interface IngestOptions extends LoadFileOptions {
  /** Overrides the entity named by the file name. */
  entity?: EntityName;
  onFileStart?: (file: PlannedFile, index: number, total: number) => void;
  onFileDone?: (result: FileLoadResult) => void;
}

export const DEFAULT_LOAD_OPTIONS: LoadFileOptions = { personalData: "hash", personalSalt: "orderops" };

export async function planFiles(paths: readonly string[], entity?: EntityName): Promise<PlannedFile[]> {
  const files: string[] = [];
  for (const path of paths) {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      throw new IngestInputError(path, "no such file or folder");
    }
    if (info.isDirectory()) {
      const names = (await readdir(path)).filter((n) => !n.startsWith(".")).sort();
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
        "unknown format (expected .csv, .ndjson, .jsonl or .parquet, optionally .gz)",
      );
    }
    const name = entity ?? parsed.stem;
    if (!isEntityName(name)) {
      throw new IngestInputError(
        path,
        `unknown entity "${parsed.stem}" (file names start with one of ${ENTITY_NAMES.join(", ")}; or pass --entity)`,
      );
    }
    return { path, entity: name, format: parsed.format };
  });
  const rank = (e: EntityName) => ENTITY_NAMES.indexOf(e);
  return planned.sort((a, b) => rank(a.entity) - rank(b.entity) || a.path.localeCompare(b.path));
}

export async function ingestPaths(
  warehouse: Warehouse,
  paths: readonly string[],
  options: IngestOptions,
): Promise<FileLoadResult[]> {
  const plan = await planFiles(paths, options.entity);
  if (plan.length === 0) throw new IngestInputError(paths.join(" "), "no export files found");
  await ensureIngestSchema(warehouse);
  const results: FileLoadResult[] = [];
  for (const [index, file] of plan.entries()) {
    options.onFileStart?.(file, index, plan.length);
    const result = await loadFile(warehouse, file.path, file.format, CONTRACTS[file.entity], options);
    results.push(result);
    options.onFileDone?.(result);
  }
  return results;
}
