// Data loader: queue_day rolled up to report weeks: receipts, completions, cancellations and transfers
// out summed; carryover read at the week's last day; recovery rate as the days' recovered ÷ the days'
// opening backlogs (models/metrics.ts, "recovery_rate"). Weeks start on the policy's week_starts_on, read
// from the weeks kpi_trends reports (a Sunday start shifts ISO weeks back a day).
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  WITH week_shift AS (
    SELECT coalesce(max(CASE WHEN dayofweek(period_start) = 0 THEN 1 ELSE 0 END), 0) AS shift
    FROM kpi_trends WHERE period = 'week'
  ), days AS (
    SELECT d.*, CAST(date_trunc('week', d.day + w.shift) AS DATE) - w.shift AS week
    FROM queue_day d CROSS JOIN week_shift w
  )
  SELECT queue, strftime(week, '%Y-%m-%d') AS week_start, count(*) AS days,
         sum(receipts) AS receipts, sum(completions) AS completions, sum(cancellations) AS cancellations,
         sum(transfers_out) AS transfers_out, arg_max(carryover, day) AS carryover,
         sum(recovered) AS recovered, sum(open_start) AS open_start_days,
         sum(recovered) / nullif(sum(open_start), 0) AS recovery_rate
  FROM days GROUP BY ALL ORDER BY queue, week_start`),
);
