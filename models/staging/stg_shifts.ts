// One row per rostered shift, with its length.
import { sql } from "kysely";
import { SHIFT_ACTIVITIES } from "../../ingest/contracts/shifts.ts";
import { acceptedValues, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface StgShifts {
  shift_id: string;
  agent_id: string;
  starts_at: Date;
  ends_at: Date;
  activity: string;
  duration_s: number;
}

export const stgShifts = defineModel({
  name: "stg_shifts",
  layer: "staging",
  grain: "one row per shift",
  dependsOn: ["stg_agents"],
  build: ({ db }) =>
    db.selectFrom("raw.shifts").select([
      "shift_id",
      "agent_id",
      "starts_at",
      "ends_at",
      // A shift without an activity is ordinary work.
      sql<string>`coalesce(activity, 'work')`.as("activity"),
      sql<number>`epoch(ends_at) - epoch(starts_at)`.as("duration_s"),
    ]),
  tests: [
    notNull("shift_id", "agent_id", "starts_at", "ends_at"),
    unique("shift_id"),
    acceptedValues("activity", SHIFT_ACTIVITIES),
    relationship("agent_id", "stg_agents", "agent_id"),
    invariant("a shift ends after it starts", "ends_at > starts_at"),
  ],
});
