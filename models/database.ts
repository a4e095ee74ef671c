/**
 * The one `Database` interface that types every table kysely sees: raw tables (derived from the zod
 * contracts, so they cannot drift) and each model's output (declared beside the model).
 */
import type { Case } from "../ingest/contracts/cases.ts";
import type { Order } from "../ingest/contracts/orders.ts";
import type { QueueDay } from "./marts/queue_day.ts";
import type { StgCases } from "./staging/stg_cases.ts";
import type { StgOrders } from "./staging/stg_orders.ts";

/** A contract row as stored: every column present, empty ones null, plus the load that wrote it. */
type Stored<T> = { [K in keyof T]-?: Exclude<T[K], undefined> } & { _load_id: number };

export interface Database {
  "raw.orders": Stored<Order>;
  "raw.cases": Stored<Case>;
  stg_orders: StgOrders;
  stg_cases: StgCases;
  queue_day: QueueDay;
}
