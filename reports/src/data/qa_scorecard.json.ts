// Data loader: the qa_scorecard mart (one row per agent × queue × month; agents by id only). Columnar.
import { columnar, dataLoader } from "./read-mart.ts";

export default dataLoader(import.meta.url, async (mart) =>
  columnar(
    await mart.all(`
      SELECT agent_id, team, queue, month, reviews, weighted_score_mean, passes, pass_rate,
             order_accuracy_mean, policy_adherence_mean, documentation_mean, disposition_accuracy_mean,
             communication_mean, data_handling_mean, routing_correct_rate, escalated_on_time_rate,
             agent_errors
      FROM qa_scorecard ORDER BY month, queue, agent_id`),
  ),
);
