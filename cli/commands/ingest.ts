import { Command } from "commander";
import { ENTITY_NAMES, type EntityName, isEntityName } from "../../ingest/contracts/index.ts";
import { DEFAULT_LOAD_OPTIONS, ingestPaths } from "../../ingest/ingest.ts";
import type { FileLoadResult, LoadFileOptions } from "../../ingest/load-file.ts";
import { loadMapping, type Mapping } from "../../ingest/mapping.ts";
import { isIanaTimeZone } from "../../ingest/time-zone.ts";
import { withWarehouse } from "../../ingest/warehouse.ts";
import type { LoadedPolicy } from "../../models/policy/load.ts";
import { CliError, EXIT_OK } from "../errors.ts";
import { dbOption, policyOption, resolvePolicy } from "../options.ts";
import { formatTable } from "../output.ts";

export interface IngestCommandOptions {
  db: string;
  entity?: string;
  mapping?: string;
  timeZone?: string;
  policy?: string;
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
    released: r.pendingReleased,
  };
}

/** The policy's rule for personal data (hash with its salt, drop, or keep) as load options. */
export function personalDataOptions(loaded: LoadedPolicy): LoadFileOptions {
  const rule = loaded.policy.personal_data;
  return rule.mode === "hash"
    ? { personalData: "hash", personalSalt: rule.salt }
    : { personalData: rule.mode, personalSalt: DEFAULT_LOAD_OPTIONS.personalSalt };
}

export interface IngestRun {
  entity?: EntityName;
  mapping?: Mapping;
  timeZone?: string;
  /** Decides how personal data is stored; without it, personal data is hashed with the default salt. */
  policy?: LoadedPolicy;
  quiet: boolean;
}

export async function ingestWithSummary(db: string, paths: readonly string[], run: IngestRun) {
  return withWarehouse(db, (warehouse) =>
    ingestPaths(warehouse, paths, {
      ...(run.policy ? personalDataOptions(run.policy) : DEFAULT_LOAD_OPTIONS),
      ...(run.entity ? { entity: run.entity } : {}),
      ...(run.mapping ? { mapping: run.mapping } : {}),
      ...(run.timeZone ? { timeZone: run.timeZone } : {}),
      onFileStart: (file, index, total) => {
        if (!run.quiet)
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
  if (options.timeZone !== undefined && !isIanaTimeZone(options.timeZone)) {
    throw new CliError(`--time-zone ${options.timeZone}: not an IANA time zone (e.g. Europe/Berlin)`);
  }
  const mapping = options.mapping ? await loadMapping(options.mapping) : undefined;
  const policy = await resolvePolicy(options.policy);
  const results = await ingestWithSummary(options.db, paths, {
    ...(options.entity ? { entity: options.entity as EntityName } : {}),
    ...(mapping ? { mapping } : {}),
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
    policy,
    quiet: Boolean(options.json),
  });
  const totals = results.reduce(
    (t, r) => ({
      read: t.read + r.rowsRead,
      loaded: t.loaded + r.rowsLoaded,
      quarantined: t.quarantined + r.rowsQuarantined,
      duplicates: t.duplicates + r.rowsDuplicate,
      pending: t.pending + r.rowsPending,
      released: t.released + r.pendingReleased,
    }),
    { read: 0, loaded: 0, quarantined: 0, duplicates: 0, pending: 0, released: 0 },
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ warehouse: options.db, files: results, totals }, null, 2)}\n`);
    return EXIT_OK;
  }
  process.stdout.write(`${formatTable(results.map(summaryRow))}\n`);
  if (totals.pending > 0) {
    process.stdout.write(
      `\n${totals.pending} row(s) wait for a parent that has not arrived (orderops query "select * from pending.cases"); they load when it does.\n`,
    );
  }
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
      "Load export files into the warehouse. Each file's entity comes from its name (orders.csv, cases.ndjson.gz,\n" +
        "case_events-2026-03.parquet, ...), from --entity, or from --mapping for another platform's export.\n\n" +
        "Every row is checked against the entity's contract. Bad rows go to the quarantine table with the field and\n" +
        "the reason; rows whose parent (an event's case, a case's order) has not arrived wait in pending.* and load\n" +
        "when it does; a file already loaded (same bytes) is skipped. Per file it prints\n" +
        "  read = loaded + quarantined + duplicates skipped + pending.\n\n" +
        "Examples:\n" +
        "  orderops ingest exports/2026-03-02/\n" +
        "  orderops ingest olist_orders.csv --mapping docs/examples/marketplace-orders.mapping.yaml\n" +
        '  orderops query "select file_path, record, reasons from quarantine"',
    )
    .argument("<path...>", "export files or folders of them")
    .addOption(dbOption())
    .option(
      "--entity <name>",
      `the entity of every file given (overrides the file name): ${ENTITY_NAMES.join(", ")}`,
    )
    .option("--mapping <file>", "a YAML mapping of a foreign export onto the contract (see docs/ingest.md)")
    .option(
      "--time-zone <zone>",
      "IANA zone in which timestamps without an offset are read (else they are quarantined)",
    )
    .addOption(policyOption())
    .option("--json", "print the per-file summary as JSON")
    .action(async (paths: string[], options) => {
      process.exitCode = await runIngest(paths, options);
    });
}
