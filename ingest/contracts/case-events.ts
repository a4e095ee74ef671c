import { z } from "zod";
import { QUEUES } from "./cases.ts";
import { flag, id, integer, oneOf, optional, text, timestamp } from "./fields.ts";

export const CASE_EVENT_TYPES = [
  "created",
  "assigned",
  "worked",
  "transferred",
  "pending_dependency",
  "dependency_returned",
  "escalated",
  "resolved",
  "reopened",
  "closed",
  "note",
] as const;

export const DEPENDENCIES = [
  "warehouse",
  "finance",
  "platform",
  "carrier",
  "customer",
  "fraud_vendor",
] as const;

/** One thing that happened to a case: the SLA clock and queue flow are built from these (append-only). */
export const CaseEvent = z.object({
  event_id: id(),
  case_id: id(),
  occurred_at: timestamp(),
  event_type: oneOf(CASE_EVENT_TYPES),
  actor_id: optional(id()),
  from_queue: optional(oneOf(QUEUES)),
  to_queue: optional(oneOf(QUEUES)),
  dependency: optional(oneOf(DEPENDENCIES)),
  escalation_level: optional(integer().min(0).max(3)),
  evidence_attached: optional(flag()),
  note: optional(text()),
});
export type CaseEvent = z.infer<typeof CaseEvent>;
