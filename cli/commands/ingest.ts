import { Command } from "commander";
import { ENTITY_NAMES, type EntityName, isEntityName } from "../../ingest/contracts/index.ts";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import type { FileLoadResult } from "../../ingest/load-file.ts";
import { withWarehouse } from "../../ingest/warehouse.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import { dbOption } from "../options.ts";
import { formatTable } from "../output.ts";

export interface IngestCommandOptions {
  db: string;
  entity?: string;
  json?: boolean;
}

export function summaryRow(r: FileLoadResult) {
  return {
    file: r.file,
    entity: r.entity,
    status: r.status === "unchanged" ? "already loaded" : "loaded",
    read: r.rowsRead,
    loaded: r.rowsLoaded,
    quarantined: r.rowsQuarantined,
    duplicates: r.rowsDuplicate,
    pending: r.rowsPending,
  };
}

export async function ingestWithSummary(
  db: string,
  paths: readonly string[],
  entity: EntityName | undefined,
  quiet: boolean,
) {
  return withWarehouse(db, (warehouse) =>
    ingestPaths(warehouse, paths, {
      ...DEFAULT_LOAD_OPTIONS,
      ...(entity ? { entity } : {}),
      onFileStart: (file, index, total) => {
        if (!quiet)
          process.stderr.write(
            `loading ${index + 1}/${total} ${file.path} (${file.entity}, ${file.format})\n`,
          );
      },
    }),
  );
}

export async function runIngest(paths: string[], options: IngestCommandOptions): Promise<number> {
  if (options.entity !== undefined && !isEntityName(options.entity)) {
    throw new CliError(`--entity ${options.entity}: unknown entity (one of ${ENTITY_NAMES.join(", ")})`);
  }
  const results = await ingestWithSummary(
    options.db,
    paths,
    options.entity as EntityName | undefined,
    Boolean(options.json),
  );
  const totals = results.reduce(
    (t, r) => ({
      read: t.read + r.rowsRead,
      loaded: t.loaded + r.rowsLoaded,
      quarantined: t.quarantined + r.rowsQuarantined,
      duplicates: t.duplicates + r.rowsDuplicate,
      pending: t.pending + r.rowsPending,
    }),
    { read: 0, loaded: 0, quarantined: 0, duplicates: 0, pending: 0 },
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ warehouse: options.db, files: results, totals }, null, 2)}\n`);
    return EXIT_OK;
  }
  process.stdout.write(`${formatTable(results.map(summaryRow))}\n`);
  if (totals.quarantined > 0) {
    process.stdout.write(
      `\n${totals.quarantined} row(s) quarantined with their reasons: orderops query "select * from quarantine" --db ${options.db}\n`,
    );
  }
  return EXIT_OK;
}

export function ingestCommand(): Command {
  return new Command("ingest")
    .description(
      "Load export files into the warehouse. Each file's entity comes from its name (orders.csv, cases.ndjson.gz, ...)\n" +
        "or from --entity. Bad rows go to the quarantine table with their reasons; a file already loaded is skipped.\n" +
        "Prints, per file: rows read = loaded + quarantined + duplicates skipped.",
    )
    .argument("<path...>", "export files or folders of them")
    .addOption(dbOption())
    .option("--entity <name>", "the entity of every file given (overrides the file name)")
    .option("--json", "print the per-file summary as JSON")
    .action(async (paths: string[], options) => {
      process.exitCode = await runIngest(paths, options);
    });
}
