// One row per person on the roster, without their name (personal data).
import { AGENT_ROLES } from "../../ingest/contracts/agents.ts";
import { acceptedValues, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface StgAgents {
  agent_id: string;
  role: string;
  team: string | null;
  site: string | null;
  time_zone: string;
  skills: string[];
  active_from: string | null;
  active_to: string | null;
}

export const stgAgents = defineModel({
  name: "stg_agents",
  layer: "staging",
  grain: "one row per agent",
  dependsOn: [],
  build: ({ db }) =>
    db
      .selectFrom("raw.agents")
      .select(["agent_id", "role", "team", "site", "time_zone", "skills", "active_from", "active_to"]),
  tests: [notNull("agent_id", "role", "time_zone"), unique("agent_id"), acceptedValues("role", AGENT_ROLES)],
});
