/** Every model, in no particular order: the runner orders them by their dependencies. */
import { intCaseTimeline } from "./intermediate/int_case_timeline.ts";
import { queueDay } from "./marts/queue_day.ts";
import type { Model } from "./model.ts";
import { stgAdjustments } from "./staging/stg_adjustments.ts";
import { stgAgents } from "./staging/stg_agents.ts";
import { stgCaseEvents } from "./staging/stg_case_events.ts";
import { stgCases } from "./staging/stg_cases.ts";
import { stgOrderEvents } from "./staging/stg_order_events.ts";
import { stgOrders } from "./staging/stg_orders.ts";
import { stgQaReviews } from "./staging/stg_qa_reviews.ts";
import { stgShifts } from "./staging/stg_shifts.ts";

export const MODELS: readonly Model[] = [
  stgAgents,
  stgOrders,
  stgOrderEvents,
  stgCases,
  stgCaseEvents,
  stgQaReviews,
  stgAdjustments,
  stgShifts,
  intCaseTimeline,
  queueDay,
];
