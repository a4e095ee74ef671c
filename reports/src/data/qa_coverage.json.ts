// Data loader: QA sampling coverage (qa_coverage mart: one row per work type × month of completion).
import { dataLoader, martRows } from "./read-mart.ts";

export default dataLoader(
  import.meta.url,
  martRows(`
  SELECT month, work_type, completed_cases, reviewed_cases, reviews, coverage, target, gap, meets_target,
         reviews_short
  FROM qa_coverage ORDER BY month, work_type`),
);
