// Data loader: misrouting (routing mart) per month of the cycle's start × first queue × final queue:
// cycles transferred, transfers, median delay in wrong queues, and the breaches attributed to misrouting.
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  WITH cycles AS (
    SELECT r.*, strftime(timezone(b.reporting_time_zone, r.cycle_started_at), '%Y-%m') AS month
    FROM routing r CROSS JOIN build_info b
  )
  SELECT month, first_queue, final_queue AS queue, count(*) AS cycles, sum(transfers) AS transfers,
         median(delay_actual_s) AS median_delay_s,
         count(*) FILTER (WHERE breach_attributed_to = 'misrouting') AS misrouting_breaches
  FROM cycles GROUP BY ALL ORDER BY month, queue, first_queue`),
);
