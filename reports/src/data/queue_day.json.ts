// Data loader: the queue_day mart as JSON (one object per queue per day) for the queue flow page.
import { readMart } from "./read-mart.ts";

await readMart(`
  SELECT queue, strftime(day, '%Y-%m-%d') AS day, open_start, receipts, completions, cancellations,
         carryover, recovered, recovery_rate
  FROM queue_day ORDER BY queue, day`);
