import { Command } from "commander";
import { withWarehouse } from "../../ingest/warehouse.ts";
import type { BuildResult } from "../../models/runner.ts";
import { EXIT_FAILED, EXIT_OK } from "../errors.ts";
import { dbOption, policyOption, resolvePolicy } from "../options.ts";
import { formatTable, jsonReplacer } from "../output.ts";

export interface BuildCommandOptions {
  db: string;
  policy?: string;
  json?: boolean;
  incremental?: boolean;
}

export async function buildWithProgress(
  db: string,
  policyFile: string | undefined,
  quiet: boolean,
  incremental = false,
): Promise<BuildResult> {
  // The policy is read (and its errors reported) before the warehouse is opened.
  const policy = await resolvePolicy(policyFile);
  // Loaded here, not at the top: every command starts faster without the models and kysely (docs/cli.md).
  const { buildModels } = await import("../../models/runner.ts");
  return withWarehouse(
    db,
    (warehouse) =>
      buildModels(warehouse, {
        policy,
        incremental,
        onModel: (r, index, total) => {
          if (!quiet)
            process.stderr.write(
              `built ${index + 1}/${total} ${r.model} (${r.rows} rows, ${Math.round(r.ms)} ms)\n`,
            );
        },
      }),
    { mustExist: true },
  );
}

export function describeFailures(result: BuildResult): string {
  return result.failedTests
    .map(
      (t) =>
        `data test failed: ${t.model}: ${t.test} — ${t.failures} failing row(s); first ${t.sample.length}:\n${formatTable(t.sample)}`,
    )
    .join("\n\n");
}

export async function runBuild(options: BuildCommandOptions): Promise<number> {
  const result = await buildWithProgress(
    options.db,
    options.policy,
    Boolean(options.json),
    Boolean(options.incremental),
  );
  const passed = result.tests.length - result.failedTests.length;
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, jsonReplacer, 2)}\n`);
  } else {
    process.stdout.write(
      `${result.models.length} models built; ${passed}/${result.tests.length} data tests passed\n`,
    );
    if (options.incremental && result.incremental) {
      const keys = Object.entries(result.incremental.keys).map(([key, n]) => `${n} ${key}`);
      process.stdout.write(
        `${result.incremental.mode} build: ${result.incremental.reason}${keys.length > 0 ? ` (${keys.join(", ")} in scope)` : ""}\n`,
      );
    }
    if (result.failedTests.length > 0) process.stderr.write(`${describeFailures(result)}\n`);
  }
  return result.failedTests.length > 0 ? EXIT_FAILED : EXIT_OK;
}

export function buildCommand(): Command {
  return new Command("build")
    .description(
      "Run every model (staging → intermediate → marts) and its data tests. Exits 1 when a data test fails.",
    )
    .addOption(dbOption())
    .addOption(policyOption())
    .option("--json", "print the build summary as JSON")
    .option(
      "--incremental",
      "rebuild only the cases and orders changed since the last build (falls back to a full build when it cannot)",
    )
    .action(async (options) => {
      process.exitCode = await runBuild(options);
    });
}
