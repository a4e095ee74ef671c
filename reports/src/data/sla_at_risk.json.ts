// Data loader: SLA cycles at risk now (case_sla): open cycles that have used at least 75% of their
// target or are already past due, most urgent first, by case id only, each with the case's latest note
// (open_case_notes) as written: what was last said about the case.
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT s.case_id, s.cycle, s.metric, s.queue, s.work_type, s.priority_tier, s.state, s.target_used,
         s.due_at, s.responsible_team, n.latest_note, n.latest_note_at
  FROM case_sla s LEFT JOIN open_case_notes n USING (case_id)
  WHERE s.state IN ('running', 'paused', 'at_risk', 'open_breached')
    AND (s.state IN ('at_risk', 'open_breached') OR s.target_used >= 0.75)
  ORDER BY s.target_used DESC, s.due_at, s.case_id, s.metric
  LIMIT 1000`),
);
