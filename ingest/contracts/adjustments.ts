import { z } from "zod";
import { currency, decimal, id, oneOf, optional, text, timestamp } from "./fields.ts";

export const ADJUSTMENT_KINDS = [
  "refund",
  "partial_refund",
  "credit",
  "price_adjustment",
  "fee_waiver",
] as const;

/** One refund or other money adjustment on an order, with who asked, approved and executed it (snapshot). */
export const Adjustment = z.object({
  adjustment_id: id(),
  order_id: id(),
  case_id: optional(id()),
  kind: oneOf(ADJUSTMENT_KINDS),
  amount: decimal().gt(0),
  currency: currency(),
  requested_by: id(),
  requested_at: timestamp(),
  approved_by: optional(id()),
  approved_at: optional(timestamp()),
  executed_by: optional(id()),
  executed_at: optional(timestamp()),
  reason_code: optional(text()),
  evidence_ref: optional(text()),
});
export type Adjustment = z.infer<typeof Adjustment>;
