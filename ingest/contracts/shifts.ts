import { z } from "zod";
import { id, oneOf, optional, scheduledTimestamp } from "./fields.ts";

export const SHIFT_ACTIVITIES = ["work", "training", "meeting", "overtime"] as const;

/** One scheduled block of a person's time (append-only). */
export const Shift = z.object({
  shift_id: id(),
  agent_id: id(),
  starts_at: scheduledTimestamp(),
  ends_at: scheduledTimestamp(),
  activity: optional(oneOf(SHIFT_ACTIVITIES)),
});
export type Shift = z.infer<typeof Shift>;
