// Data loader: the queue_day mart (one row per queue per day) for the throughput page: flow in and out,
// what is left, and how much of the opening backlog was recovered. Columnar: a year is 2,500+ rows.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) =>
  columnar(
    await mart.all(`
      SELECT queue, strftime(day, '%Y-%m-%d') AS day, open_start, receipts, completions, cancellations,
             transfers_out, carryover, recovered, recovery_rate
      FROM queue_day ORDER BY queue, day`),
  ),
);
