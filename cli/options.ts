/** Option parsers and options shared by several commands. */
import { InvalidArgumentError, Option } from "commander";
import { DEFAULT_WAREHOUSE } from "../ingest/warehouse.ts";

export function parseInteger(name: string) {
  return (value: string): number => {
    if (!/^-?\d+$/.test(value))
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

export function parsePositive(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0)
      throw new InvalidArgumentError(`${name} must be a positive number, got "${value}"`);
    return n;
  };
}

export const dbOption = () =>
  new Option("--db <file>", "the warehouse: a DuckDB file, created when missing").default(DEFAULT_WAREHOUSE);
