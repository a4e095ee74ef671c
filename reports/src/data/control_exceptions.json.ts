// Data loader: control exceptions (control_exceptions mart: one row per adjustment × rule it breaks),
// naming the record, the rule and the people by id. Columnar.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) =>
  columnar(
    await mart.all(`
      SELECT adjustment_id, rule_type, rule, detail, order_id, case_id, kind, amount, currency, threshold,
             people, requested_at, month
      FROM control_exceptions ORDER BY requested_at DESC, adjustment_id, rule`),
  ),
);
