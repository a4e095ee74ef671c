// One row per case event, typed, with its position in the case's history.
import { sql } from "kysely";
import { CASE_EVENT_TYPES } from "../../ingest/contracts/case-events.ts";
import { acceptedValues, notNull, relationship, unique } from "../data-tests.ts";
import { redactedText } from "../free-text.ts";
import { defineModel } from "../model.ts";

export interface StgCaseEvents {
  event_id: string;
  case_id: string;
  occurred_at: Date;
  event_type: string;
  actor_id: string | null;
  from_queue: string | null;
  to_queue: string | null;
  dependency: string | null;
  escalation_level: number | null;
  evidence_attached: boolean | null;
  /** The note left on the event, contact details replaced (free-text.ts); null when none or blank. */
  note: string | null;
  /** 1 for the case's first event, by (occurred_at, event_id). */
  event_seq: number;
}

export const stgCaseEvents = defineModel({
  name: "stg_case_events",
  layer: "staging",
  grain: "one row per case event",
  dependsOn: ["stg_cases"],
  incremental: { key: "case_id" },
  build: ({ db }) =>
    db
      .selectFrom("raw.case_events")
      .select([
        "event_id",
        "case_id",
        "occurred_at",
        "event_type",
        "actor_id",
        "from_queue",
        "to_queue",
        "dependency",
        "escalation_level",
        "evidence_attached",
        redactedText(sql.ref("note")).as("note"),
        sql<number>`row_number() OVER (PARTITION BY case_id ORDER BY occurred_at, event_id)`.as("event_seq"),
      ]),
  tests: [
    notNull("event_id", "case_id", "occurred_at", "event_type"),
    unique("event_id"),
    unique("case_id", "event_seq"),
    acceptedValues("event_type", CASE_EVENT_TYPES),
    relationship("case_id", "stg_cases", "case_id"),
  ],
});
