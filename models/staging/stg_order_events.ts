// One row per order event, typed; the order of events within an order is fixed by (occurred_at, event_id).
import { ORDER_EVENT_TYPES } from "../../ingest/contracts/order-events.ts";
import { acceptedValues, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface StgOrderEvents {
  event_id: string;
  order_id: string;
  event_type: string;
  occurred_at: Date;
  source_system: string | null;
  detail: string | null;
}

export const stgOrderEvents = defineModel({
  name: "stg_order_events",
  layer: "staging",
  grain: "one row per order event",
  dependsOn: ["stg_orders"],
  incremental: { key: "order_id" },
  build: ({ db }) =>
    db
      .selectFrom("raw.order_events")
      .select(["event_id", "order_id", "event_type", "occurred_at", "source_system", "detail"]),
  tests: [
    notNull("event_id", "order_id", "event_type", "occurred_at"),
    unique("event_id"),
    acceptedValues("event_type", ORDER_EVENT_TYPES),
    relationship("order_id", "stg_orders", "order_id"),
  ],
});
