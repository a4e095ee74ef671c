/**
 * Hand-built rows for the case-flow marts' tests (case_sla, queue_day, sla_attainment,
 * escalation_compliance, routing, order_lifecycle), loaded into raw.* of an in-memory warehouse, and
 * the models those marts need (so that other marts' work in progress cannot break these tests).
 */
import { ensureIngestSchema } from "../../ingest/schema.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import type { Model } from "../../models/model.ts";
import type { LoadedPolicy } from "../../models/policy/load.ts";
import { MODELS } from "../../models/registry.ts";
import { type BuildResult, buildModels } from "../../models/runner.ts";

/** The named models and everything they read, plus stg_orders (which stg_cases' relationship test reads). */
export function modelsFor(...names: string[]): Model[] {
  const byName = new Map(MODELS.map((m) => [m.name as string, m]));
  const out = new Map<string, Model>();
  const visit = (name: string) => {
    if (out.has(name)) return;
    const model = byName.get(name);
    if (!model) throw new Error(`no model ${name}`);
    out.set(name, model);
    for (const dep of model.dependsOn) visit(dep);
  };
  for (const name of [...names, "stg_orders"]) visit(name);
  return [...out.values()];
}

export const CASE_FLOW_MARTS = [
  "case_sla",
  "queue_day",
  "sla_attainment",
  "escalation_compliance",
  "routing",
  "order_lifecycle",
] as const;

export async function openWarehouse(): Promise<Warehouse> {
  const warehouse = await Warehouse.open(":memory:");
  await ensureIngestSchema(warehouse);
  return warehouse;
}

export interface GivenCase {
  id: string;
  queue: string;
  opened: string;
  status?: string;
  resolved?: string | null;
  closed?: string | null;
  workType?: string;
  priority?: string | null;
  orderId?: string | null;
  updated?: string;
  escalationLevel?: number | null;
  rootCause?: string | null;
  category?: string;
}

export async function givenCases(warehouse: Warehouse, cases: GivenCase[], loadId = 1): Promise<void> {
  for (const c of cases) {
    const finished = c.resolved ?? c.closed ?? null;
    await warehouse.run(
      `INSERT INTO raw.cases (case_id, order_id, queue, work_type, category, priority, opened_at, resolved_at, closed_at,
         status, root_cause, escalation_level, updated_at, _load_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7::TIMESTAMPTZ, $8::TIMESTAMPTZ, $9::TIMESTAMPTZ, $10, $11, $12, $13::TIMESTAMPTZ, $14)`,
      [
        c.id,
        c.orderId ?? null,
        c.queue,
        c.workType ?? "standard",
        c.category ?? "other",
        c.priority ?? null,
        c.opened,
        c.resolved ?? null,
        c.closed ?? null,
        c.status ?? (finished ? "resolved" : "open"),
        c.rootCause ?? null,
        c.escalationLevel ?? null,
        c.updated ?? finished ?? c.opened,
        loadId,
      ],
    );
  }
}

/** [case_id, occurred_at, event_type, detail]: detail is to_queue for created/transferred, the dependency for
 * pending_dependency, the level for escalated. */
export type GivenEvent = [caseId: string, at: string, type: string, detail?: string | number | null];

export async function givenEvents(warehouse: Warehouse, events: GivenEvent[], loadId = 1): Promise<void> {
  for (const [index, [caseId, at, type, detail]] of events.entries()) {
    const toQueue = type === "created" || type === "transferred" ? (detail as string) : null;
    await warehouse.run(
      `INSERT INTO raw.case_events (event_id, case_id, occurred_at, event_type, to_queue, dependency, escalation_level, _load_id)
       VALUES ($1, $2, $3::TIMESTAMPTZ, $4, $5, $6, $7, $8)`,
      [
        `${caseId}-${loadId}-${index}`,
        caseId,
        at,
        type,
        toQueue,
        type === "pending_dependency" ? (detail as string) : null,
        type === "escalated" ? ((detail as number | null) ?? null) : null,
        loadId,
      ],
    );
  }
}

export async function givenOrders(
  warehouse: Warehouse,
  orders: { id: string; placed: string; status?: string; promisedShipBy?: string | null }[],
  loadId = 1,
): Promise<void> {
  for (const o of orders) {
    await warehouse.run(
      `INSERT INTO raw.orders (order_id, placed_at, channel, order_value, currency, status, promised_ship_by, updated_at, _load_id)
       VALUES ($1, $2::TIMESTAMPTZ, 'web', 100, 'USD', $3, $4::TIMESTAMPTZ, $2::TIMESTAMPTZ, $5)`,
      [o.id, o.placed, o.status ?? "placed", o.promisedShipBy ?? null, loadId],
    );
  }
}

export async function givenOrderEvents(
  warehouse: Warehouse,
  events: [orderId: string, at: string, type: string][],
  loadId = 1,
): Promise<void> {
  for (const [index, [orderId, at, type]] of events.entries()) {
    await warehouse.run(
      `INSERT INTO raw.order_events (event_id, order_id, event_type, occurred_at, _load_id)
       VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5)`,
      [`${orderId}-${loadId}-${index}`, orderId, type, at, loadId],
    );
  }
}

/** Records a load in load_log, as ingest does (the build refuses a warehouse with no loads). */
export async function givenLoad(warehouse: Warehouse, loadId: number): Promise<void> {
  await warehouse.run(
    `INSERT INTO load_log VALUES ($1, 'test', 'test', 'csv', 'test', now(), 0, 0, 0, 0, 0, 0)`,
    [loadId],
  );
}

/**
 * Pins the data's as-of time: the build reads "now" from the data, so a snapshot row whose updated_at
 * is the wanted instant sets it (a case in a queue no test counts).
 */
export async function givenAsOf(warehouse: Warehouse, asOf: string, loadId = 1): Promise<void> {
  await warehouse.run(
    `INSERT INTO raw.orders (order_id, placed_at, channel, order_value, currency, status, updated_at, _load_id)
     VALUES ('AS-OF', $1::TIMESTAMPTZ, 'web', 0, 'USD', 'placed', $1::TIMESTAMPTZ, $2)`,
    [asOf, loadId],
  );
}

export async function build(
  warehouse: Warehouse,
  models: readonly Model[],
  options: { policy?: LoadedPolicy; incremental?: boolean; reportingTimeZone?: string } = {},
): Promise<BuildResult> {
  const result = await buildModels(warehouse, { models, ...options });
  return result;
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
