import { z } from "zod";
import { described, id, integer, oneOf, optional, text, timestamp } from "./fields.ts";

export const QUEUES = [
  "new_order_review",
  "payment_hold",
  "allocation_failure",
  "fulfillment_release",
  "shipment_exception",
  "return_authorization",
  "refund_validation",
] as const;

export const EXCEPTION_THEMES = [
  "address_mismatch",
  "payment_mismatch",
  "fraud_flag",
  "credit_limit",
  "oversell",
  "backorder_conflict",
  "substitution_approval",
  "warehouse_mismatch",
  "split_shipment",
  "carrier_delay",
  "lost_in_transit",
  "damaged_in_transit",
  "delivery_failed",
  "return_authorization",
  "refund_validation",
  "policy_exception",
  "other",
] as const;

export const WORK_TYPES = ["standard", "exception", "high_risk"] as const;
export const PRIORITIES = ["p1", "p2", "p3", "p4"] as const;
export const CASE_STATUSES = ["open", "pending", "resolved", "closed", "cancelled"] as const;
export const ROOT_CAUSES = [
  "agent_error",
  "unclear_policy",
  "system_defect",
  "upstream_data",
  "customer",
  "carrier",
  "none",
] as const;
export const SOURCE_SYSTEMS = ["commerce", "payments", "fraud", "oms", "wms", "carrier", "returns"] as const;

/** One exception case as the case tool last reported it (snapshot). */
export const Case = z.object({
  case_id: id(),
  order_id: optional(described(id(), "the order the case is about, when there is one")),
  queue: oneOf(QUEUES),
  work_type: oneOf(WORK_TYPES),
  category: described(oneOf(EXCEPTION_THEMES), "exception theme"),
  priority: optional(oneOf(PRIORITIES)),
  opened_at: timestamp(),
  resolved_at: optional(timestamp()),
  closed_at: optional(timestamp()),
  status: oneOf(CASE_STATUSES),
  disposition_code: optional(text()),
  root_cause: optional(oneOf(ROOT_CAUSES)),
  source_system: optional(oneOf(SOURCE_SYSTEMS)),
  defect_ref: optional(text()),
  owner_team: optional(text()),
  assignee_id: optional(id()),
  escalation_level: optional(integer().min(0).max(3)),
  updated_at: timestamp(),
});
export type Case = z.infer<typeof Case>;
