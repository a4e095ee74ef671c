// Data loader: repeat failure patterns (defects mart) with their corrective-action status, owner and
// age: from detection to the data's as-of time, or to containment.
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT d.source_system, d.defect_ref, d.occurrences, d.peak_in_window, d.months_seen, d.orders_affected,
         d.open_cases, d.queues, d.status, d.owner, d.owner_source, d.first_seen_at, d.detected_at,
         d.last_seen_at, d.contained_at,
         date_diff('second', d.detected_at, coalesce(d.contained_at, b.as_of)) AS age_s
  FROM defects d CROSS JOIN build_info b
  ORDER BY d.status = 'open' DESC, d.occurrences DESC, d.source_system, d.defect_ref`),
);
