import { z } from "zod";
import {
  currency,
  decimal,
  described,
  id,
  integer,
  oneOf,
  optional,
  personal,
  scheduledTimestamp,
  text,
  timestamp,
} from "./fields.ts";

export const ORDER_CHANNELS = ["web", "app", "marketplace", "store", "phone"] as const;
export const ORDER_STATUSES = [
  "placed",
  "held",
  "allocated",
  "released",
  "shipped",
  "delivered",
  "cancelled",
  "returned",
] as const;

/** One order as the commerce platform last reported it (snapshot: a newer updated_at replaces it). */
export const Order = z.object({
  order_id: described(id(), "the platform's order number"),
  placed_at: described(timestamp(), "when the customer placed the order"),
  channel: oneOf(ORDER_CHANNELS),
  ship_country: optional(described(z.string().regex(/^[A-Z]{2}$/), "ISO 3166-1 alpha-2 destination country")),
  ship_region: optional(text()),
  order_value: described(decimal().min(0), "order total in its currency"),
  currency: currency(),
  item_count: optional(integer().min(1)),
  payment_method: optional(text()),
  fraud_score: optional(decimal().min(0).max(1)),
  promised_ship_by: optional(scheduledTimestamp()),
  status: oneOf(ORDER_STATUSES),
  customer_ref: optional(described(text(), "pseudonymous customer key; hashed at staging")),
  customer_name: optional(personal(text())),
  customer_email: optional(personal(text())),
  customer_phone: optional(personal(text())),
  ship_address: optional(personal(text())),
  updated_at: timestamp(),
});
export type Order = z.infer<typeof Order>;
