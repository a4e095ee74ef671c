// One row per case open at the data's as-of time whose events carry a note: the latest note, in the
// writer's words, when it was written, by whom (id) and on which event, and how many notes the case has.
// What a governance owner reads beside a case at risk of missing its SLA.
import { sql } from "kysely";
import { CASE_EVENT_TYPES } from "../../ingest/contracts/case-events.ts";
import { acceptedValues, custom, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface OpenCaseNotes {
  case_id: string;
  queue: string;
  work_type: string;
  priority: string | null;
  /** Events of the case that carry a note (a `note` event, or a note left on a transfer, a wait, …). */
  notes: number;
  latest_note_at: Date;
  /** Who wrote it (actor id; null when the export does not say). */
  latest_note_by: string | null;
  latest_note_event_type: string;
  /** The note as written, contact details replaced (models/free-text.ts). */
  latest_note: string;
}

export const openCaseNotes = defineModel({
  name: "open_case_notes",
  layer: "marts",
  grain: "one row per case open at the data's as-of time that has a note",
  dependsOn: ["stg_cases", "stg_case_events"],
  build: ({ db }) =>
    db
      .with("open_cases", (qb) =>
        qb
          .selectFrom("stg_cases")
          .where("exit_at", "is", null)
          .select(["case_id", "queue", "work_type", "priority"]),
      )
      .with("case_notes", (qb) =>
        qb
          .selectFrom("stg_case_events as e")
          .innerJoin("open_cases as o", "o.case_id", "e.case_id")
          .where("e.note", "is not", null)
          .select([
            "e.case_id",
            "e.occurred_at",
            "e.actor_id",
            "e.event_type",
            "e.note",
            // The case's own event order (occurred_at, event_id), newest note first.
            sql<number>`row_number() OVER (PARTITION BY e.case_id ORDER BY e.event_seq DESC)`.as("recency"),
            sql<number>`CAST(count(*) OVER (PARTITION BY e.case_id) AS BIGINT)`.as("notes"),
          ]),
      )
      .selectFrom("case_notes as n")
      .innerJoin("open_cases as o", "o.case_id", "n.case_id")
      .where("n.recency", "=", 1)
      .select([
        "n.case_id",
        "o.queue",
        "o.work_type",
        "o.priority",
        "n.notes",
        sql<Date>`n.occurred_at`.as("latest_note_at"),
        sql<string | null>`n.actor_id`.as("latest_note_by"),
        sql<string>`n.event_type`.as("latest_note_event_type"),
        sql<string>`n.note`.as("latest_note"),
      ])
      .orderBy("n.case_id"),
  tests: [
    notNull("case_id", "queue", "notes", "latest_note_at", "latest_note_event_type", "latest_note"),
    unique("case_id"),
    relationship("case_id", "stg_cases", "case_id"),
    acceptedValues("latest_note_event_type", CASE_EVENT_TYPES),
    invariant("a case here has a note", "notes >= 1"),
    custom(
      "every case here is open",
      (t) => `SELECT n.case_id FROM ${t} n JOIN stg_cases c USING (case_id) WHERE c.exit_at IS NOT NULL`,
    ),
    custom(
      "every open case with a note is here",
      (t) => `SELECT c.case_id FROM stg_cases c JOIN stg_case_events e USING (case_id)
        WHERE c.exit_at IS NULL AND e.note IS NOT NULL
          AND c.case_id NOT IN (SELECT case_id FROM ${t})`,
    ),
    custom(
      "the latest note is the case's last event with a note",
      (t) => `SELECT n.case_id FROM ${t} n JOIN stg_case_events e USING (case_id)
        WHERE e.note IS NOT NULL AND e.occurred_at > n.latest_note_at`,
    ),
  ],
});
