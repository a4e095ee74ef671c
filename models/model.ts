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

export interface Model {
  name: keyof Database & string;
  layer: Layer;
  /** One line: what one row is. */
  grain: string;
  dependsOn: readonly (keyof Database & string)[];
  build(context: ModelContext): Compilable;
  tests: readonly DataTest[];
}

export function defineModel(model: Model): Model {
  return model;
}
