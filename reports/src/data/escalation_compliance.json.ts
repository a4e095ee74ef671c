// Data loader: escalation compliance (escalation_compliance mart) — thresholds crossed per month ×
// queue × level × status, and the exceptions (late or missing escalations) one by one, by case id.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) => {
  const zone = `(SELECT reporting_time_zone FROM build_info)`;
  return {
    summary: await mart.all(`
      SELECT strftime(timezone(${zone}, crossed_at), '%Y-%m') AS month, queue, level, status,
             count(*) AS crossings
      FROM escalation_compliance GROUP BY ALL ORDER BY month, queue, level, status`),
    exceptions: columnar(
      await mart.all(`
      SELECT case_id, cycle, level, queue, status, crossed_at, escalated_at, overdue_s, responsible_team,
             accountable, strftime(timezone(${zone}, crossed_at), '%Y-%m') AS month
      FROM escalation_compliance WHERE is_exception ORDER BY crossed_at DESC, case_id, level`),
    ),
  };
});
