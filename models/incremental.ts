/**
 * Incremental builds: after a drop is loaded, rebuild only the cases and orders it touched.
 *
 * A model that declares `incremental: { key }` promises that the rows of one key (a case, an order)
 * depend only on input rows carrying the same key, and on tables without that column (the policy,
 * calendars). An incremental build then:
 * 1. works out the keys in scope: those of every raw row loaded (or released from pending) since the
 *    last build, plus, for cases, every case that was still open at the last build (its clocks and ages
 *    run on the data's as-of time, which has moved), plus, for orders, the orders of the cases in scope;
 * 2. rebuilds each incremental model for those keys only: its inputs are swapped, at compile time, for
 *    views holding only the keys in scope (a kysely plugin renames the tables in the query tree, so the
 *    model's SQL is the very same builder as in a full build), the model's rows for those keys are
 *    deleted, and the query's rows inserted;
 * 3. rebuilds every other model whole (staging of small entities, and the aggregates, which read the
 *    incrementally maintained tables), then runs every data test as a full build does.
 * It falls back to a full build when there is no previous build state, the policy, the reporting zone
 * or the calendar coverage's start changed, or the keys in scope are more than half of all keys (a full
 * build is then cheaper); and it rebuilds one model whole (and every incremental model downstream of it)
 * when its compiled SQL differs from the last build's (the code changed).
 */
import { createHash } from "node:crypto";
import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryResult,
  type ReferenceNode,
  type RootOperationNode,
  SchemableIdentifierNode,
  type TableNode,
  type UnknownRow,
} from "kysely";
import { quoteIdent, quoteLiteral, type Warehouse } from "../ingest/warehouse.ts";
import type { IncrementalKey, Model, ModelContext, SqlModel } from "./model.ts";

/** Where scoped views and key lists live during a build (dropped before it commits). */
const SCOPE_SCHEMA = "_build_scope";

/** Above this share of all keys in scope, a full build is cheaper than deleting and re-inserting. */
export const FULL_BUILD_SHARE = 0.5;

/** The raw table holding one row per key: the denominator of the share in scope. */
const KEY_ENTITY: Record<IncrementalKey, { table: string; contractKey: string }> = {
  case_id: { table: "raw.cases", contractKey: "case_id" },
  order_id: { table: "raw.orders", contractKey: "order_id" },
};

export interface BuildStateKey {
  policyHash: string;
  reportingTimeZone: string;
  coverageFrom: string;
  asOf: Date;
}

export interface IncrementalSummary {
  mode: "full" | "incremental";
  /** Why a full build was chosen, or what the incremental build covered. */
  reason: string;
  /** Keys in scope per key column (incremental builds). */
  keys: Partial<Record<IncrementalKey, number>>;
  /** Models rebuilt key by key. */
  byKey: string[];
}

interface StoredState {
  last_load_id: number;
  policy_hash: string;
  reporting_time_zone: string;
  coverage_from: string;
}

/** The compiled SQL's fingerprint: a model whose code changed is rebuilt whole. */
export function modelSqlHash(model: SqlModel, context: ModelContext): string {
  return createHash("sha256").update(model.build(context).compile().sql).digest("hex").slice(0, 16);
}

async function lastLoadId(warehouse: Warehouse): Promise<number> {
  const row = await warehouse.one<{ id: number | null }>("SELECT max(load_id) AS id FROM load_log");
  return row?.id ?? 0;
}

async function readState(warehouse: Warehouse): Promise<StoredState | null> {
  if (!(await warehouse.tableExists("main", "build_state"))) return null;
  return (
    (await warehouse.one<StoredState & Record<string, unknown>>(
      "SELECT last_load_id, policy_hash, reporting_time_zone, coverage_from FROM build_state",
    )) ?? null
  );
}

async function readModelHashes(
  warehouse: Warehouse,
): Promise<Map<string, { hash: string; key: string | null }>> {
  if (!(await warehouse.tableExists("main", "build_model_state"))) return new Map();
  const rows = await warehouse.all<{ model: string; sql_hash: string; incremental_key: string | null }>(
    "SELECT model, sql_hash, incremental_key FROM build_model_state",
  );
  return new Map(rows.map((r) => [r.model, { hash: r.sql_hash, key: r.incremental_key }]));
}

/** Columns of every table in the main and raw schemas, to know which tables carry a key. */
async function tableColumns(warehouse: Warehouse): Promise<Map<string, Set<string>>> {
  const rows = await warehouse.all<{ schema: string; name: string; column_name: string }>(
    `SELECT table_schema AS schema, table_name AS name, column_name FROM information_schema.columns
     WHERE table_schema IN ('main', 'raw') AND table_catalog = current_database()`,
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const name = r.schema === "main" ? r.name : `${r.schema}.${r.name}`;
    if (!out.has(name)) out.set(name, new Set());
    out.get(name)?.add(r.column_name);
  }
  return out;
}

/**
 * Renames tables in a query tree: `stg_cases` → `_build_scope.case_id__stg_cases`, and so on. Column
 * references keep their qualifier: a view read from another schema is still bound by its own name only
 * when it is aliased, so a bare table gets its old name as alias.
 */
class ScopeTables extends OperationNodeTransformer {
  constructor(private readonly renames: ReadonlyMap<string, string>) {
    super();
  }

  private renamed(node: TableNode): string | undefined {
    const schema = node.table.schema?.name;
    const name = node.table.identifier.name;
    return this.renames.get(schema && schema !== "main" ? `${schema}.${name}` : name);
  }

  protected override transformTable(node: TableNode): TableNode {
    const target = this.renamed(node);
    if (!target) return node;
    return { ...node, table: SchemableIdentifierNode.createWithSchema(SCOPE_SCHEMA, target) };
  }

  // A reference's qualifier names the relation as the query knows it, never a schema-qualified view.
  protected override transformReference(node: ReferenceNode): ReferenceNode {
    return node;
  }
}

class ScopePlugin implements KyselyPlugin {
  private readonly transformer: ScopeTables;
  constructor(renames: ReadonlyMap<string, string>) {
    this.transformer = new ScopeTables(renames);
  }
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.transformer.transformNode(args.node);
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

const scopeView = (key: IncrementalKey, table: string) => `${key}__${table.replace(".", "__")}`;
const keyList = (key: IncrementalKey) => `${SCOPE_SCHEMA}.${quoteIdent(`keys__${key}`)}`;

export interface IncrementalPlan {
  summary: IncrementalSummary;
  /** True when the model is rebuilt key by key in this build. */
  byKey(model: Model): boolean;
  /** Deletes and re-inserts the model's rows for the keys in scope. */
  rebuild(model: SqlModel, context: ModelContext): Promise<void>;
  /** For a model rebuilt by key: its key and a relation holding only the rebuilt rows (for data tests). */
  rebuiltRows(model: Model): { key: string; relation: string } | undefined;
  /** Records what was built, for the next incremental build; drops the scope schema. */
  finish(models: readonly Model[], context: ModelContext): Promise<void>;
}

/**
 * Decides how this build runs and, for an incremental one, fills the key lists. Called inside the
 * build's transaction, before any model is rebuilt (the open cases are read from the previous build).
 */
export async function planBuild(
  warehouse: Warehouse,
  models: readonly Model[],
  context: ModelContext,
  state: BuildStateKey,
  requested: boolean,
): Promise<IncrementalPlan> {
  const loadId = await lastLoadId(warehouse);
  const fullPlan = (reason: string): IncrementalPlan => ({
    summary: { mode: "full", reason, keys: {}, byKey: [] },
    byKey: () => false,
    rebuiltRows: () => undefined,
    rebuild: async () => {
      throw new Error("a full build rebuilds no model by key");
    },
    finish: (built, ctx) => saveState(warehouse, built, ctx, state, loadId, "full"),
  });
  if (!requested) return fullPlan("full build requested");
  const previous = await readState(warehouse);
  if (!previous) return fullPlan("no previous build state");
  if (previous.policy_hash !== state.policyHash) return fullPlan("the policy changed");
  if (previous.reporting_time_zone !== state.reportingTimeZone) return fullPlan("the reporting zone changed");
  if (String(previous.coverage_from) !== state.coverageFrom)
    return fullPlan("the data now starts earlier (calendar coverage moved)");

  // A model whose code changed (or a computed one, whose code cannot be fingerprinted) may change any
  // row, so every incremental model downstream of it is rebuilt whole, as is an incremental model whose
  // own code changed or whose table is missing.
  const hashes = await readModelHashes(warehouse);
  const columns = await tableColumns(warehouse);
  const tainted = new Set<string>();
  const whole = new Set<string>();
  const keyed = new Set<string>();
  for (const model of models) {
    const stored = hashes.get(model.name);
    const changed =
      model.kind === "computed" ||
      stored?.hash !== modelSqlHash(model, context) ||
      stored?.key !== (model.incremental?.key ?? null);
    if (changed || model.dependsOn.some((dep) => tainted.has(dep))) tainted.add(model.name);
    if (model.kind === "computed" || !model.incremental) continue;
    if (tainted.has(model.name) || !columns.has(model.name)) whole.add(model.name);
    else keyed.add(model.name);
  }
  if (keyed.size === 0) return fullPlan("no incremental model can be rebuilt by key");

  // Left behind by a build that crashed before committing its clean-up (committed earlier, so CASCADE is safe).
  await warehouse.run(`DROP SCHEMA IF EXISTS ${SCOPE_SCHEMA} CASCADE`);
  await warehouse.run(`CREATE SCHEMA ${SCOPE_SCHEMA}`);
  // DuckDB refuses to commit a DROP SCHEMA … CASCADE of tables created in the same transaction, so the
  // clean-up drops each view and table by name, then the empty schema.
  const created: string[] = [];
  const cleanUp = async () => {
    for (const object of created.reverse()) await warehouse.run(`DROP ${object}`);
    await warehouse.run(`DROP SCHEMA ${SCOPE_SCHEMA}`);
  };
  const keys: Partial<Record<IncrementalKey, number>> = {};
  const since = previous.last_load_id;
  const changedKeys = async (key: IncrementalKey): Promise<string[]> => {
    const parts: string[] = [];
    for (const [table, cols] of columns) {
      if (!table.startsWith("raw.") || !cols.has(key)) continue;
      const entity = table.slice(4);
      parts.push(`SELECT ${quoteIdent(key)} AS k FROM ${table} WHERE _load_id > ${Number(since)}`);
      // Rows released from pending keep the load id they arrived with: find them by their release.
      const entityKey = ENTITY_KEYS[entity];
      if (entityKey)
        parts.push(`SELECT r.${quoteIdent(key)} FROM ${table} r JOIN pending_released p
          ON p.entity = ${quoteLiteral(entity)} AND p.key = CAST(r.${quoteIdent(entityKey)} AS VARCHAR) AND p.load_id > ${Number(since)}`);
    }
    return parts;
  };
  const caseParts = await changedKeys("case_id");
  // Open at the last build: their clocks, states and ages read the as-of time, which has moved.
  if (columns.has("stg_cases")) caseParts.push("SELECT case_id FROM main.stg_cases WHERE exit_at IS NULL");
  if (columns.has("int_case_timeline"))
    caseParts.push(
      "SELECT case_id FROM main.int_case_timeline WHERE span_end IS NULL AND state IN ('open', 'pending')",
    );
  created.push(`TABLE ${keyList("case_id")}`);
  await warehouse.run(
    `CREATE TABLE ${keyList("case_id")} AS SELECT DISTINCT k AS case_id FROM (${caseParts.join(" UNION ALL ")}) WHERE k IS NOT NULL`,
  );
  const orderParts = await changedKeys("order_id");
  // The orders of the cases in scope, as the last build knew them and as the new data says.
  if (columns.has("stg_cases"))
    orderParts.push(
      `SELECT order_id FROM main.stg_cases WHERE case_id IN (SELECT case_id FROM ${keyList("case_id")})`,
    );
  orderParts.push(
    `SELECT order_id FROM raw.cases WHERE case_id IN (SELECT case_id FROM ${keyList("case_id")})`,
  );
  created.push(`TABLE ${keyList("order_id")}`);
  await warehouse.run(
    `CREATE TABLE ${keyList("order_id")} AS SELECT DISTINCT k AS order_id FROM (${orderParts.join(" UNION ALL ")}) WHERE k IS NOT NULL`,
  );
  for (const key of ["case_id", "order_id"] as const) {
    const inScope = (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${keyList(key)}`))?.n ?? 0;
    const total =
      (await warehouse.one<{ n: number }>(`SELECT count(*) AS n FROM ${KEY_ENTITY[key].table}`))?.n ?? 0;
    keys[key] = inScope;
    if (inScope > FULL_BUILD_SHARE * total) {
      await cleanUp();
      return fullPlan(`${inScope} of ${total} ${key} keys changed: a full build is cheaper`);
    }
  }

  return {
    summary: {
      mode: "incremental",
      reason: `rebuilt by key since load ${since}${whole.size > 0 ? `; rebuilt whole (code changed): ${[...whole].join(", ")}` : ""}`,
      keys,
      byKey: [...keyed],
    },
    byKey: (model) => keyed.has(model.name),
    rebuiltRows: (model) => {
      const key = model.kind !== "computed" ? model.incremental?.key : undefined;
      if (!key || !keyed.has(model.name)) return undefined;
      return {
        key,
        relation: `(SELECT * FROM main.${quoteIdent(model.name)} WHERE ${quoteIdent(key)} IN (SELECT ${quoteIdent(key)} FROM ${keyList(key)}))`,
      };
    },
    rebuild: async (model, ctx) => {
      const key = model.incremental?.key;
      if (!key) throw new Error(`model ${model.name} has no incremental key`);
      // The model's inputs that carry the key, as views holding only the keys in scope.
      const current = await tableColumns(warehouse);
      const inputs = [...model.dependsOn, ...[...current.keys()].filter((t) => t.startsWith("raw."))];
      const renames = new Map<string, string>();
      for (const input of inputs) {
        if (!current.get(input)?.has(key)) continue;
        const view = scopeView(key, input);
        const viewName = `${SCOPE_SCHEMA}.${quoteIdent(view)}`;
        if (!created.includes(`VIEW ${viewName}`)) created.push(`VIEW ${viewName}`);
        const source = input.includes(".") ? input : `main.${quoteIdent(input)}`;
        await warehouse.run(
          `CREATE OR REPLACE VIEW ${viewName} AS SELECT * FROM ${source}
           WHERE ${quoteIdent(key)} IN (SELECT ${quoteIdent(key)} FROM ${keyList(key)})`,
        );
        renames.set(input, view);
      }
      const compiled = model.build({ ...ctx, db: ctx.db.withPlugin(new ScopePlugin(renames)) }).compile();
      const table = `main.${quoteIdent(model.name)}`;
      await warehouse.run(
        `DELETE FROM ${table} WHERE ${quoteIdent(key)} IN (SELECT ${quoteIdent(key)} FROM ${keyList(key)})`,
      );
      await warehouse.run(`INSERT INTO ${table} BY NAME SELECT * FROM (${compiled.sql})`, [
        ...(compiled.parameters as never[]),
      ]);
    },
    finish: async (built, ctx) => {
      await cleanUp();
      await saveState(warehouse, built, ctx, state, loadId, "incremental");
    },
  };
}

/** The contract key of each raw entity that can wait in pending (as pending_released records it). */
const ENTITY_KEYS: Record<string, string> = {
  cases: "case_id",
  case_events: "event_id",
  orders: "order_id",
  order_events: "event_id",
  qa_reviews: "review_id",
  adjustments: "adjustment_id",
  agents: "agent_id",
  shifts: "shift_id",
};

async function saveState(
  warehouse: Warehouse,
  models: readonly Model[],
  context: ModelContext,
  state: BuildStateKey,
  loadId: number,
  mode: "full" | "incremental",
): Promise<void> {
  await warehouse.run(
    `CREATE OR REPLACE TABLE build_state AS SELECT CAST($1 AS BIGINT) AS last_load_id, CAST($2 AS VARCHAR) AS policy_hash,
       CAST($3 AS VARCHAR) AS reporting_time_zone, CAST($4 AS VARCHAR) AS coverage_from,
       CAST($5 AS TIMESTAMPTZ) AS as_of, CAST($6 AS VARCHAR) AS mode`,
    [loadId, state.policyHash, state.reportingTimeZone, state.coverageFrom, state.asOf.toISOString(), mode],
  );
  const rows = models
    .filter((m): m is SqlModel => m.kind !== "computed")
    .map((m) => ({
      model: m.name,
      sql_hash: modelSqlHash(m, context),
      incremental_key: m.incremental?.key ?? null,
    }));
  await warehouse.run(
    `CREATE OR REPLACE TABLE build_model_state AS SELECT r.model, r.sql_hash, r.incremental_key
     FROM (SELECT unnest(CAST(CAST($1 AS JSON) AS STRUCT(model VARCHAR, sql_hash VARCHAR, incremental_key VARCHAR)[])) AS r)`,
    [JSON.stringify(rows)],
  );
}
