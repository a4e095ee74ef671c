// Data loader: the root_cause_mix mart (cases by month opened × queue × root cause, with their share of
// the queue's month).
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT month, queue, root_cause, cases, completed_cases, orders_affected, share
  FROM root_cause_mix ORDER BY month, queue, cases DESC`),
);
