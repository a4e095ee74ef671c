// Data loader: control exceptions per month and rule type (control_exceptions), and escalation
// thresholds crossed without a timely escalation (escalation_compliance), for the executive summary.
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT month, rule_type, count(*) AS exceptions FROM control_exceptions GROUP BY ALL
  UNION ALL
  SELECT strftime(timezone((SELECT reporting_time_zone FROM build_info), crossed_at), '%Y-%m') AS month,
         'escalation' AS rule_type, count(*) AS exceptions
  FROM escalation_compliance WHERE is_exception GROUP BY ALL
  ORDER BY month, rule_type`),
);
