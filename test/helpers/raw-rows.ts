/**
 * Hand-built raw rows for model tests, in an in-memory warehouse as ingest leaves it: each entity's
 * required fields get a plain default, so a test states only what its case is about. Rows go in with
 * bound parameters; timestamps are ISO 8601 text.
 */
import { listValue } from "@duckdb/node-api";
import type { CaseEvent } from "../../ingest/contracts/case-events.ts";
import type { Case } from "../../ingest/contracts/cases.ts";
import type { EntityName } from "../../ingest/contracts/index.ts";
import type { OrderEvent } from "../../ingest/contracts/order-events.ts";
import type { Order } from "../../ingest/contracts/orders.ts";
import { QA_DIMENSIONS } from "../../ingest/contracts/qa-reviews.ts";
import { ensureIngestSchema } from "../../ingest/schema.ts";
import { quoteIdent, Warehouse } from "../../ingest/warehouse.ts";

type Fields = Record<string, string | number | boolean | string[] | null>;

/** A contract's fields as a test writes them: checked names and values, timestamps as text, any may be null. */
type RowOf<T> = { [K in keyof T]?: (NonNullable<T[K]> extends Date ? string : NonNullable<T[K]>) | null };

export type CaseFields = RowOf<Case> & { case_id: string; opened_at: string };
export type OrderFields = RowOf<Order> & { order_id: string; placed_at: string };

const DEFAULTS: Partial<Record<EntityName, (row: Fields) => Fields>> = {
  orders: (row) => ({
    channel: "web",
    order_value: 100,
    currency: "USD",
    status: "placed",
    updated_at: row.placed_at ?? null,
  }),
  cases: (row) => ({
    queue: "payment_hold",
    work_type: "exception",
    category: "other",
    // A case with a closing or resolution time has one of those states; the snapshot last changed then.
    status: row.closed_at ? "closed" : row.resolved_at ? "resolved" : "open",
    updated_at: row.resolved_at ?? row.closed_at ?? row.opened_at ?? null,
  }),
  qa_reviews: () => ({
    reviewer_id: "R1",
    agent_id: "A1",
    order_accuracy: 90,
    policy_adherence: 90,
    documentation: 90,
    disposition_accuracy: 90,
    communication: 90,
    data_handling: 90,
  }),
  adjustments: () => ({ kind: "refund", amount: 10, currency: "USD", requested_by: "P1" }),
  agents: () => ({ role: "handler", time_zone: "UTC", skills: ["payment_hold"] }),
};

const withDefaults = (entity: EntityName, given: Fields): Fields => ({
  ...DEFAULTS[entity]?.(given),
  ...given,
});

/**
 * An in-memory warehouse with the ingest schema and load 1 recorded, as ingest leaves it: givenRows
 * stamps rows with load 1 unless told otherwise, and incremental builds read which loads came.
 */
export async function openWarehouse(): Promise<Warehouse> {
  const warehouse = await Warehouse.open(":memory:");
  await ensureIngestSchema(warehouse);
  await givenLoad(warehouse, 1);
  return warehouse;
}

/** Records a load in load_log, as ingest does. */
export async function givenLoad(warehouse: Warehouse, loadId: number): Promise<void> {
  await warehouse.run(
    `INSERT INTO load_log VALUES ($1, 'test', 'test', 'csv', 'test', now(), 0, 0, 0, 0, 0, 0)`,
    [loadId],
  );
}

export async function givenRows(
  warehouse: Warehouse,
  entity: EntityName,
  rows: readonly Fields[],
  loadId = 1,
): Promise<void> {
  for (const given of rows) {
    const row: Fields = { ...withDefaults(entity, given), _load_id: loadId };
    const columns = Object.keys(row);
    await warehouse.run(
      `INSERT INTO raw.${quoteIdent(entity)} (${columns.map(quoteIdent).join(", ")})
       VALUES (${columns.map((_, i) => `$${i + 1}`).join(", ")})`,
      columns.map((column) => {
        const value = row[column] ?? null;
        return Array.isArray(value) ? listValue(value) : value;
      }),
    );
  }
}

/** A raw case: the given fields over the defaults. */
export const aCase = (fields: CaseFields): Fields => withDefaults("cases", fields);

/** A raw order: the given fields over the defaults. */
export const anOrder = (fields: OrderFields): Fields => withDefaults("orders", fields);

/**
 * [occurred_at, event_type, detail, other fields]: the detail is the queue a created or transferred
 * event moves the case to, the dependency a pending_dependency event waits on, the level an escalated
 * event reaches.
 */
export type CaseEventSpec = [
  at: string,
  type: CaseEvent["event_type"],
  detail?: string | number | null,
  fields?: RowOf<CaseEvent>,
];

/** A case's raw events, in the order given. */
export function caseEvents(caseId: string, events: readonly CaseEventSpec[]): Fields[] {
  return events.map(([at, type, detail = null, fields], index) => ({
    event_id: eventId(caseId, at, index),
    case_id: caseId,
    occurred_at: at,
    event_type: type,
    to_queue: type === "created" || type === "transferred" ? detail : null,
    dependency: type === "pending_dependency" ? detail : null,
    escalation_level: type === "escalated" ? detail : null,
    ...fields,
  }));
}

/** An order's raw events, in the order given. */
export function orderEvents(
  orderId: string,
  events: readonly [at: string, type: OrderEvent["event_type"]][],
) {
  return events.map(([at, type], index) => ({
    event_id: eventId(orderId, at, index),
    order_id: orderId,
    event_type: type,
    occurred_at: at,
  }));
}

// Staging orders events at one instant by their id: the index keeps them in the order given, and the
// instant keeps ids unique when a later load brings more events of the same case or order.
const eventId = (parentId: string, at: string, index: number) =>
  `${parentId}@${at}#${String(index).padStart(3, "0")}`;

/** A QA review's scores: every dimension given `score`. */
export const allDimensions = (score: number): Fields =>
  Object.fromEntries(QA_DIMENSIONS.map((dimension) => [dimension, score]));
