// One row per money adjustment (refund, credit, ...), typed.
import { ADJUSTMENT_KINDS } from "../../ingest/contracts/adjustments.ts";
import { acceptedValues, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface StgAdjustments {
  adjustment_id: string;
  order_id: string;
  case_id: string | null;
  kind: string;
  amount: number;
  currency: string;
  requested_by: string;
  requested_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  executed_by: string | null;
  executed_at: Date | null;
  reason_code: string | null;
  evidence_ref: string | null;
}

export const stgAdjustments = defineModel({
  name: "stg_adjustments",
  layer: "staging",
  grain: "one row per adjustment",
  dependsOn: ["stg_orders"],
  build: ({ db }) =>
    db
      .selectFrom("raw.adjustments")
      .select([
        "adjustment_id",
        "order_id",
        "case_id",
        "kind",
        "amount",
        "currency",
        "requested_by",
        "requested_at",
        "approved_by",
        "approved_at",
        "executed_by",
        "executed_at",
        "reason_code",
        "evidence_ref",
      ]),
  tests: [
    notNull("adjustment_id", "order_id", "kind", "amount", "requested_by", "requested_at"),
    unique("adjustment_id"),
    acceptedValues("kind", ADJUSTMENT_KINDS),
    relationship("order_id", "stg_orders", "order_id"),
    invariant("amount is positive", "amount > 0"),
  ],
});
