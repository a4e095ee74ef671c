// Data loader: the exception_themes mart (one row per queue × theme × report week with cases), for the
// exceptions page: themes, their family, cases, orders affected, the rate per 1,000 orders and the change
// against the prior four weeks. Columnar.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) =>
  columnar(
    await mart.all(`
      SELECT queue, category, family, strftime(week_start, '%Y-%m-%d') AS week_start, partial_week,
             cases, orders_affected, orders_placed, rate_per_1000_orders, prior_4_weeks_avg_cases,
             change_vs_prior_4_weeks
      FROM exception_themes ORDER BY week_start, queue, pareto_rank`),
  ),
);
