/** Errors the CLI reports as one line, with the exit code the architecture gives them. */
import { IngestInputError } from "../ingest/load-file.ts";
import { WarehouseInUseError, WarehouseOpenError } from "../ingest/warehouse.ts";
import { PolicyError } from "../models/policy/load.ts";

export const EXIT_OK = 0;
/** A failed data test or a failed run. */
export const EXIT_FAILED = 1;
/** Bad usage, bad configuration or unreadable input. */
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof CliError) return error.exitCode;
  if (
    error instanceof IngestInputError ||
    error instanceof WarehouseInUseError ||
    error instanceof WarehouseOpenError ||
    error instanceof PolicyError
  ) {
    return EXIT_USAGE;
  }
  return EXIT_FAILED;
}
