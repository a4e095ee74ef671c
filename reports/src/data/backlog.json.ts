// Data loader: the backlog page — per queue per day the open cases by the queue's aging bands, the
// oldest open case and the control state (queue_day), with each queue's band labels and thresholds.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) => ({
  queues: await mart.all(`
    SELECT q.queue, q.aging_clock, q.backlog_amber_open_cases, q.backlog_amber_oldest_age_s,
           q.backlog_red_open_cases, q.backlog_red_oldest_age_s, q.responsible, q.accountable,
           list(b.label ORDER BY b.band_order) AS bands
    FROM policy_queues q JOIN policy_aging_bands b USING (queue)
    GROUP BY ALL ORDER BY q.queue`),
  // Band counts as a list in band order, and columnar, so each day is a short row.
  days: columnar(
    await mart.all(`
    SELECT queue, strftime(day, '%Y-%m-%d') AS day, carryover,
           list_transform(list_sort(backlog_by_age), b -> b.cases) AS bands,
           oldest_open_age_s, backlog_state
    FROM queue_day ORDER BY queue, day`),
  ),
}));
