// Data loader: the monthly business review (mbr_month mart, one row per report month), each KPI labelled
// with its name from the metric definitions (models/metrics.ts).
import { metric } from "../../../models/metrics.ts";
import { dataLoader } from "./read-mart.ts";

interface MbrRow {
  month: string;
  kpis: { kpi: string; name?: string }[];
  [column: string]: unknown;
}

export default dataLoader(import.meta.url, async (mart) => {
  const rows = await mart.all<MbrRow>(`
    SELECT month, partial_month, kpis, late_queues, late_queue_count, top_miss_reasons, resolution_misses,
           systemic_defects, fix_owners, resolution_attainment, previous_resolution_attainment, aged_backlog,
           previous_aged_backlog, risk_state, risk_reason
    FROM mbr_month ORDER BY month`);
  return rows.map((row) => ({
    ...row,
    kpis: row.kpis.map((k) => ({ ...k, name: metric(k.kpi).name })),
  }));
});
