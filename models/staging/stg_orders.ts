// One row per order: typed, personal data left out, the customer key pseudonymised.
import { sql } from "kysely";
import { ORDER_CHANNELS, ORDER_STATUSES } from "../../ingest/contracts/orders.ts";
import { acceptedValues, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface StgOrders {
  order_id: string;
  placed_at: Date;
  channel: string;
  ship_country: string | null;
  ship_region: string | null;
  order_value: number;
  currency: string;
  item_count: number | null;
  payment_method: string | null;
  fraud_score: number | null;
  promised_ship_by: Date | null;
  status: string;
  customer_key: string | null;
  updated_at: Date;
}

export const stgOrders = defineModel({
  name: "stg_orders",
  layer: "staging",
  grain: "one row per order",
  dependsOn: [],
  incremental: { key: "order_id" },
  build: ({ db }) =>
    db.selectFrom("raw.orders").select([
      "order_id",
      "placed_at",
      "channel",
      "ship_country",
      "ship_region",
      "order_value",
      "currency",
      "item_count",
      "payment_method",
      "fraud_score",
      "promised_ship_by",
      "status",
      // Marts group by customer without ever holding the platform's own customer number.
      sql<string | null>`CASE WHEN customer_ref IS NULL THEN NULL ELSE md5(customer_ref) END`.as(
        "customer_key",
      ),
      "updated_at",
    ]),
  tests: [
    notNull("order_id", "placed_at", "channel", "status"),
    unique("order_id"),
    acceptedValues("channel", ORDER_CHANNELS),
    acceptedValues("status", ORDER_STATUSES),
  ],
});
