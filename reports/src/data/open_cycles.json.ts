// Data loader: resolution SLA cycles open now (case_sla), by queue × work type × priority tier × state,
// with the oldest cycle's start and the largest share of a target used: the backlog by work type.
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT s.queue, s.work_type, s.priority_tier, s.state, count(*) AS cycles,
         min(s.cycle_started_at) AS oldest_started_at,
         date_diff('second', min(s.cycle_started_at), any_value(b.as_of)) AS oldest_age_s,
         max(s.target_used) AS max_target_used
  FROM case_sla s CROSS JOIN build_info b
  WHERE s.metric = 'resolution' AND s.state IN ('running', 'paused', 'at_risk', 'open_breached')
  GROUP BY ALL ORDER BY s.queue, s.work_type, s.priority_tier, s.state`),
);
