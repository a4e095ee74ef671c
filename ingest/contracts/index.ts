/**
 * The registry of source entities: each contract's schema plus what loading needs to know about it
 * (snapshot or events, key, version column, ordering rules, references to parents).
 */
import type { z } from "zod";
import { type ColumnSpec, columnsOf } from "../columns.ts";
import { Adjustment } from "./adjustments.ts";
import { Agent } from "./agents.ts";
import { CaseEvent } from "./case-events.ts";
import { Case } from "./cases.ts";
import { OrderEvent } from "./order-events.ts";
import { Order } from "./orders.ts";
import { QaReview } from "./qa-reviews.ts";
import { Shift } from "./shifts.ts";

export type EntityKind = "snapshot" | "events";

export interface Reference {
  field: string;
  entity: EntityName;
}

export interface EntityContract {
  name: EntityName;
  kind: EntityKind;
  description: string;
  key: string;
  /**
   * Snapshot entities: the column whose newer value replaces an earlier row with the same key. Without
   * one, a row with the same key and different values replaces the stored row (last load wins).
   */
  versionField?: string;
  /** Pairs [earlier, later] of timestamps that must not run backwards when both are present. */
  ordered: readonly (readonly [string, string])[];
  references: readonly Reference[];
  schema: z.ZodObject;
  columns: ColumnSpec[];
}

/** Parents before children: the order in which a drop's files load. */
export const ENTITY_NAMES = [
  "agents",
  "orders",
  "order_events",
  "cases",
  "case_events",
  "qa_reviews",
  "adjustments",
  "shifts",
] as const;
export type EntityName = (typeof ENTITY_NAMES)[number];

function entity(spec: Omit<EntityContract, "columns">): EntityContract {
  const columns = columnsOf(spec.schema);
  const names = new Set(columns.map((c) => c.name));
  for (const field of [
    spec.key,
    spec.versionField,
    ...spec.ordered.flat(),
    ...spec.references.map((r) => r.field),
  ]) {
    if (field !== undefined && !names.has(field))
      throw new Error(`contract ${spec.name}: unknown field ${field}`);
  }
  return { ...spec, columns };
}

export const CONTRACTS: Record<EntityName, EntityContract> = {
  agents: entity({
    name: "agents",
    kind: "snapshot",
    description: "One row per person on the roster.",
    key: "agent_id",
    ordered: [["active_from", "active_to"]],
    references: [],
    schema: Agent,
  }),
  orders: entity({
    name: "orders",
    kind: "snapshot",
    description: "One row per order, as the commerce platform last reported it.",
    key: "order_id",
    versionField: "updated_at",
    ordered: [["placed_at", "promised_ship_by"]],
    references: [],
    schema: Order,
  }),
  order_events: entity({
    name: "order_events",
    kind: "events",
    description: "One row per step in an order's life (placed, allocated, shipped, refund issued, ...).",
    key: "event_id",
    ordered: [],
    references: [{ field: "order_id", entity: "orders" }],
    schema: OrderEvent,
  }),
  cases: entity({
    name: "cases",
    kind: "snapshot",
    description: "One row per exception case, as the case tool last reported it.",
    key: "case_id",
    versionField: "updated_at",
    ordered: [
      ["opened_at", "resolved_at"],
      ["opened_at", "closed_at"],
    ],
    references: [{ field: "order_id", entity: "orders" }],
    schema: Case,
  }),
  case_events: entity({
    name: "case_events",
    kind: "events",
    description:
      "One row per thing that happened to a case (assigned, transferred, pending a dependency, resolved, ...).",
    key: "event_id",
    ordered: [],
    references: [{ field: "case_id", entity: "cases" }],
    schema: CaseEvent,
  }),
  qa_reviews: entity({
    name: "qa_reviews",
    kind: "snapshot",
    description: "One row per quality review of a case's handling by one reviewer.",
    key: "review_id",
    versionField: "reviewed_at",
    ordered: [],
    references: [{ field: "case_id", entity: "cases" }],
    schema: QaReview,
  }),
  adjustments: entity({
    name: "adjustments",
    kind: "snapshot",
    description:
      "One row per refund, credit or price adjustment, with who requested, approved and executed it.",
    key: "adjustment_id",
    ordered: [
      ["requested_at", "approved_at"],
      ["approved_at", "executed_at"],
      ["requested_at", "executed_at"],
    ],
    references: [
      { field: "order_id", entity: "orders" },
      { field: "case_id", entity: "cases" },
    ],
    schema: Adjustment,
  }),
  shifts: entity({
    name: "shifts",
    kind: "events",
    description: "One row per rostered block of a person's time.",
    key: "shift_id",
    ordered: [["starts_at", "ends_at"]],
    references: [{ field: "agent_id", entity: "agents" }],
    schema: Shift,
  }),
};

export function isEntityName(name: string): name is EntityName {
  return (ENTITY_NAMES as readonly string[]).includes(name);
}

/**
 * The full row validator in JavaScript: the contract's schema plus its ordering rules. Bulk loads
 * validate with SQL generated from the same contract; tests hold the two to the same verdicts.
 */
export function rowValidator(contract: EntityContract) {
  return contract.schema.superRefine((row: Record<string, unknown>, ctx) => {
    for (const [earlier, later] of contract.ordered) {
      const a = row[earlier];
      const b = row[later];
      if (typeof a === "string" && typeof b === "string" && Date.parse(b) < Date.parse(a)) {
        ctx.addIssue({ code: "custom", path: [later], message: `${later} is before ${earlier}` });
      }
    }
  });
}
