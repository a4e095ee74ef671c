/**
 * What a model is: a name, its grain, the models it reads, a cold kysely builder, and the data tests
 * that must hold on its output. The runner materialises models in dependency order.
 */
import type { Compilable, Kysely } from "kysely";
import type { DataTest } from "./data-tests.ts";
import type { Database } from "./database.ts";
import type { Policy } from "./policy/schema.ts";

export type Layer = "staging" | "intermediate" | "marts";

export interface ModelContext {
  db: Kysely<Database>;
  policy: Policy;
  /** The data's "now": the latest instant the loaded data mentions (never the wall clock). */
  asOf: Date;
  /** IANA zone in which report days, weeks and months are counted (the policy's, unless overridden). */
  reportingTimeZone: string;
}

interface ModelBase {
  name: keyof Database & string;
  layer: Layer;
  /** One line: what one row is. */
  grain: string;
  dependsOn: readonly (keyof Database & string)[];
  tests: readonly DataTest[];
}

/** A model that is one SQL query: the runner materialises its compiled query as the table. */
export interface SqlModel extends ModelBase {
  kind?: "sql";
  build(context: ModelContext): Compilable;
  /**
   * Declares the model rebuildable one key at a time (models/incremental.ts): the rows of a key (a case,
   * an order) depend only on input rows carrying the same key and on tables without that column (the
   * policy, calendars). An incremental build deletes and re-inserts only the keys that changed; models
   * without it are rebuilt whole every time.
   */
  incremental?: { key: IncrementalKey };
}

/** The columns an incremental model can be keyed by. */
export type IncrementalKey = "case_id" | "order_id";

/** A DuckDB column: name and type, e.g. ["month", "VARCHAR"] or ["reviewers", "VARCHAR[]"]. */
export type ColumnDefinition = readonly [name: string, duckdbType: string];

/**
 * A model whose rows are computed in JavaScript from what earlier models hold (statistics SQL cannot
 * express, such as reliability coefficients over per-session rating matrices). It reads through
 * `context.db` and returns its rows; the runner writes them in bulk as a table typed by `columns`, so
 * an empty result still has its columns and data tests and exports treat it like any other model.
 */
export interface ComputedModel extends ModelBase {
  kind: "computed";
  columns: readonly ColumnDefinition[];
  compute(context: ModelContext): Promise<readonly object[]>;
}

export type Model = SqlModel | ComputedModel;

export function defineModel(model: SqlModel): SqlModel {
  return model;
}

export function defineComputedModel(model: Omit<ComputedModel, "kind">): ComputedModel {
  return { ...model, kind: "computed" };
}
