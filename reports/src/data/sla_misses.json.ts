// Data loader: SLA misses by reason (breach_attributed_to: a dependency, misrouting, the operating team)
// and owner team, per month × queue × work type × metric (sla_attainment's month rows, tiers summed).
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT strftime(a.period_start, '%Y-%m') AS month, a.queue, a.work_type, a.metric,
         m.attributed_to, m.owner_team, sum(m.misses) AS misses
  FROM sla_attainment a, unnest(a.misses_by_owner) AS u(m)
  WHERE a.period = 'month'
  GROUP BY ALL ORDER BY month, a.queue, a.work_type, a.metric, misses DESC, m.attributed_to`),
);
