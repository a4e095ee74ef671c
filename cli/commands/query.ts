import { Command, Option } from "commander";
import { withWarehouse } from "../../ingest/warehouse.ts";
import { CliError } from "../errors.ts";
import { dbOption } from "../options.ts";
import { formatRows, type OutputFormat } from "../output.ts";

export interface QueryCommandOptions {
  db: string;
  format: OutputFormat;
}

export async function runQuery(sqlText: string, options: QueryCommandOptions): Promise<void> {
  const { columns, rows } = await withWarehouse(
    options.db,
    async (warehouse) => {
      try {
        return await warehouse.query(sqlText);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new CliError(`query failed: ${message.split("\n")[0]}`);
      }
    },
    { readOnly: true },
  );
  process.stdout.write(`${formatRows(rows, options.format, columns)}\n`);
}

export function queryCommand(): Command {
  return new Command("query")
    .description(
      'Run one SQL query against the warehouse (read-only), e.g. orderops query "select * from queue_day limit 5".',
    )
    .argument("<sql>", "the query")
    .addOption(dbOption())
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "csv", "json"]).default("table"),
    )
    .action(async (sqlText: string, options) => {
      await runQuery(sqlText, options);
    });
}
