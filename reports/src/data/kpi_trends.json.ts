// Data loader: the kpi_trends mart by week and by month (days are left out: the site's trends are
// weekly), each KPI with its unit, direction and sample size.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) =>
  columnar(
    await mart.all(`
      SELECT kpi, period, strftime(period_start, '%Y-%m-%d') AS period_start, month, value, sample_size,
             partial_period
      FROM kpi_trends WHERE period IN ('week', 'month') ORDER BY kpi, period, period_start`),
  ),
);
