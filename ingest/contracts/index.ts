/**
 * The registry of source entities: each contract's schema plus what loading needs to know about it
 * (snapshot or events, key, version column, ordering rules, references to parents).
 */
import type { z } from "zod";
import { type ColumnSpec, columnsOf } from "../columns.ts";
import { Case } from "./cases.ts";
import { Order } from "./orders.ts";

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
  /** Snapshot entities: the column whose newer value replaces an earlier row with the same key. */
  versionField?: string;
  /** Pairs [earlier, later] of timestamps that must not run backwards when both are present. */
  ordered: readonly (readonly [string, string])[];
  references: readonly Reference[];
  schema: z.ZodObject;
  columns: ColumnSpec[];
}

export const ENTITY_NAMES = ["orders", "cases"] as const;
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
