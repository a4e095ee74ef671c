// Data loader: each queue's last day in queue_day — open cases, aged cases (oldest band), oldest open
// case, control state — with its RACI owners: the executive summary's "what is late now".
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT d.queue, strftime(d.day, '%Y-%m-%d') AS day, d.carryover AS open_cases,
         list_sort(d.backlog_by_age)[-1].cases AS aged_cases, list_sort(d.backlog_by_age)[-1].label AS aged_band,
         d.oldest_open_age_s, d.backlog_state, q.responsible, q.accountable
  FROM queue_day d JOIN policy_queues q USING (queue)
  QUALIFY d.day = max(d.day) OVER (PARTITION BY d.queue)
  ORDER BY d.queue`),
);
