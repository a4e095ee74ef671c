// Data loader: SLA attainment (sla_attainment mart) for the SLA page — weekly per queue × work type ×
// metric (tiers summed, the goal weighted by the cycles due in each tier) for the trend, and monthly per
// queue × work type × tier × metric against the tier's goal. Columnar.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) => ({
  weeks: columnar(
    await mart.all(`
      SELECT queue, work_type, metric, strftime(period_start, '%Y-%m-%d') AS week_start,
             sum(cycles_due) AS cycles_due, sum(met) AS met, sum(breached) AS breached,
             sum(goal * cycles_due) / nullif(sum(cycles_due), 0) AS goal
      FROM sla_attainment WHERE period = 'week'
      GROUP BY ALL ORDER BY queue, work_type, metric, week_start`),
  ),
  months: columnar(
    await mart.all(`
      SELECT queue, work_type, priority_tier, metric, strftime(period_start, '%Y-%m') AS month,
             cycles_due, met, breached, attainment, goal, goal_met, first_cycle_met, first_cycle_breached,
             first_cycle_attainment, misses_operating_team, misses_misrouting, misses_dependency
      FROM sla_attainment WHERE period = 'month'
      ORDER BY queue, work_type, priority_tier, metric, month`),
  ),
}));
