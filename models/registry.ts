/** Every model, in no particular order: the runner orders them by their dependencies. */
import { queueDay } from "./marts/queue_day.ts";
import type { Model } from "./model.ts";
import { stgCases } from "./staging/stg_cases.ts";
import { stgOrders } from "./staging/stg_orders.ts";

export const MODELS: readonly Model[] = [stgOrders, stgCases, queueDay];
