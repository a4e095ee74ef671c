import { z } from "zod";
import { SOURCE_SYSTEMS } from "./cases.ts";
import { id, oneOf, optional, text, timestamp } from "./fields.ts";

export const ORDER_EVENT_TYPES = [
  "placed",
  "validated",
  "payment_hold",
  "payment_released",
  "fraud_review",
  "allocated",
  "allocation_failed",
  "backordered",
  "substituted",
  "released",
  "shipped",
  "delivered",
  "shipment_exception",
  "return_requested",
  "return_authorized",
  "return_received",
  "refund_issued",
  "cancelled",
] as const;

/** One step in an order's life, as a source system reported it (append-only). */
export const OrderEvent = z.object({
  event_id: id(),
  order_id: id(),
  event_type: oneOf(ORDER_EVENT_TYPES),
  occurred_at: timestamp(),
  source_system: optional(oneOf(SOURCE_SYSTEMS)),
  detail: optional(text()),
});
export type OrderEvent = z.infer<typeof OrderEvent>;
