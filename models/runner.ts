/**
 * Builds models in dependency order (each materialised as a table by CREATE OR REPLACE TABLE … AS its
 * compiled kysely query, or, for a computed model, from the rows its function returns), then runs every
 * model's data tests. The whole build is one transaction: a failed model leaves the previous build in
 * place.
 */
import { ensureIngestSchema } from "../ingest/schema.ts";
import { quoteIdent, type Warehouse } from "../ingest/warehouse.ts";
import type { Database } from "./database.ts";
import { type IncrementalSummary, planBuild } from "./incremental.ts";
import { kyselyFor } from "./kysely-duckdb.ts";
import type { Model, ModelContext } from "./model.ts";
import { type LoadedPolicy, loadPolicy } from "./policy/load.ts";
import { materializePolicy, writeTable } from "./policy/tables.ts";
import { MODELS } from "./registry.ts";

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
  /** Whether the build ran incrementally, why (not), and what it rebuilt key by key. */
  incremental?: IncrementalSummary;
}

export interface BuildOptions {
  /** The policy (default: the shipped policy.yaml). */
  policy?: LoadedPolicy;
  /** Overrides the policy's reporting time zone (tests). */
  reportingTimeZone?: string;
  models?: readonly Model[];
  /** Rebuild only the cases and orders changed since the last build where possible (models/incremental.ts). */
  incremental?: boolean;
  onModel?: (result: ModelBuildResult, index: number, total: number) => void;
}

/**
 * The data's own clock: "now" for every model is the latest instant the loaded data mentions, never the
 * wall clock, so the same data always builds the same marts.
 */
async function dataBounds(warehouse: Warehouse): Promise<{ asOf: Date; firstAt: Date }> {
  const row = await warehouse.one<{ as_of: Date | null; first_at: Date | null }>(`
    SELECT max(latest) AS as_of, min(earliest) AS first_at FROM (
      SELECT max(updated_at) AS latest, min(placed_at) AS earliest FROM raw.orders
      UNION ALL SELECT max(occurred_at), min(occurred_at) FROM raw.order_events
      UNION ALL SELECT max(updated_at), min(opened_at) FROM raw.cases
      UNION ALL SELECT max(occurred_at), min(occurred_at) FROM raw.case_events
      UNION ALL SELECT max(reviewed_at), NULL FROM raw.qa_reviews
      UNION ALL SELECT max(greatest(requested_at, approved_at, executed_at)), min(requested_at) FROM raw.adjustments)`);
  if (!row?.as_of || !row.first_at)
    throw new Error(
      `the warehouse ${warehouse.path} holds no orders or cases yet: run \`orderops ingest\` first`,
    );
  return { asOf: row.as_of, firstAt: row.first_at };
}

/**
 * Business calendars are expanded from a week before the first record to well after the data's as-of
 * time, so that every due date (which can fall after the last record) lies inside the coverage.
 */
export const CALENDAR_MARGIN_AFTER_DAYS = 180;

function coverageRange(firstAt: Date, asOf: Date): { from: string; to: string } {
  const day = (d: Date, offsetDays: number) =>
    new Date(d.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);
  return { from: day(firstAt, -7), to: day(asOf, CALENDAR_MARGIN_AFTER_DAYS) };
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
  const loaded = options.policy ?? (await loadPolicy());
  const { asOf, firstAt } = await dataBounds(warehouse);
  const context: ModelContext = {
    db: kyselyFor<Database>(warehouse),
    policy: loaded.policy,
    asOf,
    reportingTimeZone: options.reportingTimeZone ?? loaded.policy.reporting.time_zone,
  };
  const ordered = dependencyOrder(options.models ?? MODELS);
  return warehouse.transaction(async () => {
    const coverage = coverageRange(firstAt, asOf);
    await materializePolicy(warehouse, loaded, coverage);
    await warehouse.run(
      `CREATE OR REPLACE TABLE build_info AS SELECT CAST($1 AS TIMESTAMPTZ) AS as_of, CAST($2 AS VARCHAR) AS policy_version,
         CAST($3 AS VARCHAR) AS reporting_time_zone`,
      [asOf.toISOString(), loaded.version.label, context.reportingTimeZone],
    );
    const plan = await planBuild(
      warehouse,
      ordered,
      context,
      {
        policyHash: loaded.version.hash,
        reportingTimeZone: context.reportingTimeZone,
        coverageFrom: coverage.from,
        asOf,
      },
      options.incremental ?? false,
    );
    const models: ModelBuildResult[] = [];
    for (const [index, model] of ordered.entries()) {
      const started = performance.now();
      if (model.kind === "computed") {
        await writeTable(warehouse, model.name, model.columns, [...(await model.compute(context))]);
      } else if (plan.byKey(model)) {
        await plan.rebuild(model, context);
      } else {
        const compiled = model.build(context).compile();
        await warehouse.run(`CREATE OR REPLACE TABLE ${quoteIdent(model.name)} AS ${compiled.sql}`, [
          ...(compiled.parameters as never[]),
        ]);
      }
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
    // After an incremental build, tests that look at one row at a time (or within one key) run on the
    // rebuilt rows of by-key models only; every other test runs on the whole table.
    const tests = await runDataTests(warehouse, ordered, (model) => plan.rebuiltRows(model));
    await plan.finish(ordered, context);
    return { models, tests, failedTests: tests.filter((t) => t.failures > 0), incremental: plan.summary };
  });
}

export async function runDataTests(
  warehouse: Warehouse,
  models: readonly Model[],
  /** For a model rebuilt by key: the key column and a relation holding only the rebuilt rows. */
  rebuiltRows: (model: Model) => { key: string; relation: string } | undefined = () => undefined,
): Promise<DataTestResult[]> {
  const results: DataTestResult[] = [];
  for (const model of models) {
    const rebuilt = rebuiltRows(model);
    for (const test of model.tests) {
      const local = rebuilt && (test.rowLocal || test.uniqueColumns?.includes(rebuilt.key));
      const failing = test.failingRows(local ? rebuilt.relation : quoteIdent(model.name));
      const count = await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM (${failing})`);
      const failures = count?.n ?? 0;
      const sample = failures > 0 ? await warehouse.all(`SELECT * FROM (${failing}) LIMIT 5`) : [];
      results.push({ model: model.name, test: test.name, failures, sample });
    }
  }
  return results;
}
