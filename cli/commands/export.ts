import { Command } from "commander";
import { withWarehouse } from "../../ingest/warehouse.ts";
import { CliError } from "../errors.ts";
import { dbOption } from "../options.ts";
import { formatTable } from "../output.ts";

export interface ExportCommandOptions {
  db: string;
  out: string;
  json?: boolean;
}

export async function runExport(options: ExportCommandOptions): Promise<void> {
  // Loaded here, not at the top: every command starts faster without the models and kysely (docs/cli.md).
  const { exportMarts, MartsNotBuiltError } = await import("../../models/export-parquet.ts");
  const manifest = await withWarehouse(
    options.db,
    async (warehouse) => {
      try {
        return await exportMarts(warehouse, options.out, {
          onMart: (mart) => {
            if (!options.json)
              process.stderr.write(
                `exported ${mart.mart} (${mart.rows} rows, ${mart.partitioned_by ? `${mart.files} month partition(s)` : "1 file"})\n`,
              );
          },
        });
      } catch (error) {
        if (error instanceof MartsNotBuiltError) throw new CliError(error.message);
        throw error;
      }
    },
    { readOnly: true },
  );
  if (options.json) {
    process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  } else {
    process.stdout.write(
      `${formatTable(manifest.marts.map(({ mart, rows, partitioned_by, files }) => ({ mart, rows, partitioned_by: partitioned_by ?? "", files })))}\n`,
    );
    process.stderr.write(
      `${manifest.marts.length} marts written to ${options.out}/ (manifest.json lists them)\n`,
    );
  }
}

export function exportCommand(): Command {
  return new Command("export")
    .description(
      "Write every mart as Parquet for other tools (DuckDB, Spark, Trino): one folder per mart, " +
        "Hive-partitioned by month (month=YYYY-MM/) where the mart has a date, plus manifest.json.",
    )
    .addOption(dbOption())
    .requiredOption("--out <dir>", "the output folder (each mart's folder in it is replaced)")
    .option("--json", "print the manifest (marts, rows, partitioning, files) as JSON")
    .action(async (options) => {
      await runExport(options);
    });
}
