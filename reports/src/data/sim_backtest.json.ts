// Data loader: how far the simulator can be trusted — each backtest's errors per queue and measure
// (sim_backtest_summary: MAE, MAPE, WAPE, bias) and its days, predicted against actual (sim_backtest).
import { dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) => {
  if (!(await mart.hasTable("sim_backtest_summary"))) return { summary: [], days: [] };
  return {
    summary: await mart.all(`
      SELECT backtest_id, strftime(period_from, '%Y-%m-%d') AS period_from,
             strftime(period_to, '%Y-%m-%d') AS period_to, replications, queue, measure, n, mae, mape,
             mape_n, zero_actuals, wape, bias, actual_sla_source
      FROM sim_backtest_summary ORDER BY period_from, backtest_id, queue = 'all' DESC, queue, measure`),
    days: await mart.all(`
      SELECT backtest_id, queue, strftime(day, '%Y-%m-%d') AS day, measure, predicted, actual, error
      FROM sim_backtest ORDER BY backtest_id, queue, measure, day`),
  };
});
