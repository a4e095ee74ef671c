// One row per case: typed, with when and how it left its queue (completed or cancelled), if it has.
import { sql } from "kysely";
import { CASE_STATUSES, QUEUES, WORK_TYPES } from "../../ingest/contracts/cases.ts";
import { acceptedValues, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { redactedText } from "../free-text.ts";
import { defineModel } from "../model.ts";

export interface StgCases {
  case_id: string;
  order_id: string | null;
  queue: string;
  work_type: string;
  category: string;
  priority: string | null;
  opened_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  status: string;
  root_cause: string | null;
  source_system: string | null;
  defect_ref: string | null;
  owner_team: string | null;
  assignee_id: string | null;
  escalation_level: number | null;
  /** The disposition code as the case tool reports it (free text there), contact details replaced. */
  disposition_code: string | null;
  /** When the case left its queue: resolution (or closure) of a finished case; null while it is open. */
  exit_at: Date | null;
  /** completed (resolved or closed) or cancelled; null while open. */
  exit_kind: "completed" | "cancelled" | null;
  updated_at: Date;
}

export const stgCases = defineModel({
  name: "stg_cases",
  layer: "staging",
  grain: "one row per case",
  dependsOn: [],
  incremental: { key: "case_id" },
  build: ({ db }) =>
    db.selectFrom("raw.cases").select([
      "case_id",
      "order_id",
      "queue",
      "work_type",
      "category",
      "priority",
      "opened_at",
      "resolved_at",
      "closed_at",
      "status",
      "root_cause",
      "source_system",
      "defect_ref",
      "owner_team",
      "assignee_id",
      "escalation_level",
      redactedText(sql.ref("disposition_code")).as("disposition_code"),
      // A finished case without any finish time is treated as still open rather than guessed at.
      sql<Date | null>`CASE WHEN status IN ('resolved', 'closed', 'cancelled') THEN coalesce(resolved_at, closed_at) END`.as(
        "exit_at",
      ),
      sql<
        string | null
      >`CASE WHEN status IN ('resolved', 'closed', 'cancelled') AND coalesce(resolved_at, closed_at) IS NOT NULL
          THEN CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE 'completed' END END`.as("exit_kind"),
      "updated_at",
    ]),
  tests: [
    notNull("case_id", "queue", "opened_at", "status"),
    unique("case_id"),
    acceptedValues("queue", QUEUES),
    acceptedValues("work_type", WORK_TYPES),
    acceptedValues("status", CASE_STATUSES),
    relationship("order_id", "stg_orders", "order_id"),
    invariant("exit_at is not before opened_at", "exit_at IS NULL OR exit_at >= opened_at"),
  ],
});
