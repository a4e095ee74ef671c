import { z } from "zod";
import { QUEUES } from "./cases.ts";
import { date, described, id, listOf, oneOf, optional, personal, text, timeZone } from "./fields.ts";

export const AGENT_ROLES = [
  "handler",
  "exception_specialist",
  "qa_analyst",
  "team_lead",
  "ops_manager",
  "finance_approver",
  "workforce_planner",
] as const;

/** One person on the roster (snapshot). */
export const Agent = z.object({
  agent_id: id(),
  name: optional(personal(text())),
  role: oneOf(AGENT_ROLES),
  team: optional(text()),
  site: optional(text()),
  time_zone: timeZone(),
  skills: described(listOf(oneOf(QUEUES)), "queues the person can work"),
  active_from: optional(date()),
  active_to: optional(date()),
});
export type Agent = z.infer<typeof Agent>;
