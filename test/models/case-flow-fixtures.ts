/**
 * What the case-flow marts' tests (case_sla, queue_day, sla_attainment, escalation_compliance, routing,
 * order_lifecycle and their incremental builds) share beyond the raw-row builders of
 * ../helpers/raw-rows.ts: the models they build, their cases' work type, the as-of time, and rows read
 * back for exact comparison.
 */
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Model } from "../../models/model.ts";
import { lineageOf } from "../helpers/models.ts";
import { aCase, anOrder, type CaseFields, givenRows } from "../helpers/raw-rows.ts";

export const CASE_FLOW_MARTS = [
  "case_sla",
  "queue_day",
  "sla_attainment",
  "escalation_compliance",
  "routing",
  "order_lifecycle",
] as const;

/**
 * The named models, everything they read, and stg_orders (which stg_cases' relationship test reads);
 * not every staging model, so that other entities' work in progress cannot break these tests and an
 * incremental build rebuilds the case-flow lineage only.
 */
export const caseFlowModels = (...names: string[]): Model[] => lineageOf(...names, "stg_orders");

/** Cases of standard work unless stated: the SLA targets these tests reckon with are the standard ones. */
export async function givenCases(warehouse: Warehouse, cases: readonly CaseFields[], loadId = 1) {
  await givenRows(
    warehouse,
    "cases",
    cases.map((fields) => aCase({ work_type: "standard", ...fields })),
    loadId,
  );
}

/**
 * Pins the data's as-of time: the build reads "now" from the data, so an order whose snapshot last
 * changed at the wanted instant sets it (no case is about it; order_lifecycle's test leaves it out).
 */
export async function givenAsOf(warehouse: Warehouse, asOf: string): Promise<void> {
  await givenRows(warehouse, "orders", [anOrder({ order_id: "AS-OF", placed_at: asOf, order_value: 0 })]);
}

/** Rows as plain objects with instants as ISO strings, for exact comparisons. */
export async function rows(
  warehouse: Warehouse,
  sql: string,
  params: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const result = await warehouse.all(sql, params as never[]);
  return result.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, v instanceof Date ? v.toISOString().replace(".000Z", "Z") : v]),
    ),
  );
}
