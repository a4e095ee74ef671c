/**
 * Hand-built raw rows for model tests: each entity's required fields get a plain default, so a test
 * states only what its case is about. Rows go in with bound parameters; timestamps are ISO 8601 text.
 */
import { listValue } from "@duckdb/node-api";
import type { EntityName } from "../../ingest/contracts/index.ts";
import { quoteIdent, type Warehouse } from "../../ingest/warehouse.ts";

type Fields = Record<string, string | number | boolean | string[] | null>;

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
    status: "open",
    updated_at: row.resolved_at ?? row.opened_at ?? null,
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

export async function givenRows(warehouse: Warehouse, entity: EntityName, rows: readonly Fields[]) {
  for (const given of rows) {
    const row: Fields = { ...DEFAULTS[entity]?.(given), ...given, _load_id: 1 };
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
