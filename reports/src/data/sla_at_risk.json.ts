// Data loader: SLA cycles at risk now (case_sla): open cycles that have used at least 75% of their
// target or are already past due, most urgent first, by case id only.
import { readMart } from "./read-mart.ts";

await readMart(`
  SELECT case_id, cycle, metric, queue, work_type, priority_tier, state, target_used, due_at,
         responsible_team
  FROM case_sla
  WHERE state IN ('running', 'paused', 'at_risk', 'open_breached')
    AND (state IN ('at_risk', 'open_breached') OR target_used >= 0.75)
  ORDER BY target_used DESC, due_at, case_id, metric
  LIMIT 1000`);
