/** Option parsers and options shared by several commands. */
import { existsSync } from "node:fs";
import { InvalidArgumentError, Option } from "commander";
import { DEFAULT_WAREHOUSE } from "../ingest/warehouse.ts";
import { DEFAULT_POLICY_FILE, type LoadedPolicy, loadPolicy } from "../models/policy/load.ts";

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

export function parseShare(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0 || n > 1)
      throw new InvalidArgumentError(`${name} must be between 0 and 1, got "${value}"`);
    return n;
  };
}

export const dbOption = () =>
  new Option("--db <file>", "the warehouse: a DuckDB file, created when missing").default(DEFAULT_WAREHOUSE);

export const policyOption = () =>
  new Option(
    "--policy <file>",
    "the policy (SLAs, calendars, thresholds, owners); default ./policy.yaml if present, else the shipped one",
  );

/** The policy named by --policy, else ./policy.yaml in the working folder, else the shipped default. */
export async function resolvePolicy(file: string | undefined): Promise<LoadedPolicy> {
  return loadPolicy(file ?? (existsSync("policy.yaml") ? "policy.yaml" : DEFAULT_POLICY_FILE));
}
