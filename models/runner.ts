/**
 * Builds models in dependency order (each materialised as a table by CREATE OR REPLACE TABLE … AS its
 * compiled kysely query), then runs every model's data tests. The whole build is one transaction: a
 * failed model leaves the previous build in place.
 */
import { ensureIngestSchema } from "../ingest/schema.ts";
import { quoteIdent, type Warehouse } from "../ingest/warehouse.ts";
import type { Database } from "./database.ts";
import { kyselyFor } from "./kysely-duckdb.ts";
import type { Model, ModelContext } from "./model.ts";
import { MODELS } from "./registry.ts";

export const DEFAULT_REPORTING_TIME_ZONE = "UTC";

export interface ModelBuildResult {
  model: string;
  layer: string;
  rows: number;
  ms: number;
}

export interface DataTestResult {
  model: string;
  test: string;
  failures: number;
  sample: Record<string, unknown>[];
}

export interface BuildResult {
  models: ModelBuildResult[];
  tests: DataTestResult[];
  failedTests: DataTestResult[];
}

export interface BuildOptions {
  reportingTimeZone?: string;
  models?: readonly Model[];
  onModel?: (result: ModelBuildResult, index: number, total: number) => void;
}

/** Models ordered so that each comes after the models it reads; a cycle or unknown name is an error. */
export function dependencyOrder(models: readonly Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const ordered: Model[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (model: Model, path: string[]) => {
    if (state.get(model.name) === "done") return;
    if (state.get(model.name) === "visiting")
      throw new Error(`model dependency cycle: ${[...path, model.name].join(" → ")}`);
    state.set(model.name, "visiting");
    for (const dep of model.dependsOn) {
      const parent = byName.get(dep);
      if (!parent) throw new Error(`model ${model.name} depends on unknown model ${dep}`);
      visit(parent, [...path, model.name]);
    }
    state.set(model.name, "done");
    ordered.push(model);
  };
  for (const model of [...models].sort((a, b) => a.name.localeCompare(b.name))) visit(model, []);
  return ordered;
}

export async function buildModels(warehouse: Warehouse, options: BuildOptions = {}): Promise<BuildResult> {
  if (!(await warehouse.tableExists("main", "load_log"))) {
    throw new Error(`the warehouse ${warehouse.path} holds no loads: run \`orderops ingest\` first`);
  }
  // Entities never loaded still get their (empty) raw tables, so every model builds.
  await ensureIngestSchema(warehouse);
  const context: ModelContext = {
    db: kyselyFor<Database>(warehouse),
    reportingTimeZone: options.reportingTimeZone ?? DEFAULT_REPORTING_TIME_ZONE,
  };
  const ordered = dependencyOrder(options.models ?? MODELS);
  return warehouse.transaction(async () => {
    const models: ModelBuildResult[] = [];
    for (const [index, model] of ordered.entries()) {
      const started = performance.now();
      const compiled = model.build(context).compile();
      await warehouse.run(`CREATE OR REPLACE TABLE ${quoteIdent(model.name)} AS ${compiled.sql}`, [
        ...(compiled.parameters as never[]),
      ]);
      const count = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(model.name)}`);
      const result = {
        model: model.name,
        layer: model.layer,
        rows: count?.n ?? 0,
        ms: performance.now() - started,
      };
      models.push(result);
      options.onModel?.(result, index, ordered.length);
    }
    const tests = await runDataTests(warehouse, ordered);
    return { models, tests, failedTests: tests.filter((t) => t.failures > 0) };
  });
}

export async function runDataTests(
  warehouse: Warehouse,
  models: readonly Model[],
): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const model of models) {
    for (const test of model.tests) {
      const failing = test.failingRows(quoteIdent(model.name));
      const count = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM (${failing})`);
      const failures = count?.n ?? 0;
      const sample = failures > 0 ? await warehouse.all(`SELECT * FROM (${failing}) LIMIT 5`) : [];
      results.push({ model: model.name, test: test.name, failures, sample });
    }
  }
  return results;
}
