// One row per agent per queue per month (months in the reporting time zone): the agent's QA results on
// the cases of that queue reviewed that month. Agents appear by id only; names never reach a mart.
import { sql } from "kysely";
import { QA_DIMENSIONS } from "../../ingest/contracts/qa-reviews.ts";
import { custom, invariant, notNull, unique } from "../data-tests.ts";
import type { QaDimension } from "../intermediate/int_qa_reviews_scored.ts";
import { defineModel } from "../model.ts";

export type QaScorecard = Record<`${QaDimension}_mean`, number> & {
  agent_id: string;
  /** The agent's team on the roster (null when the agent is not on it). */
  team: string | null;
  queue: string;
  month: string;
  reviews: number;
  /** Mean of the reviews' weighted scores (policy weights), 0–100. */
  weighted_score_mean: number;
  /** Reviews whose weighted score reached the pass mark. */
  passes: number;
  /** passes ÷ reviews. */
  pass_rate: number;
  /** Reviews that rated routing (routing_correct not null). */
  routing_rated: number;
  /** Share of those where routing was correct; null when none was rated. */
  routing_correct_rate: number | null;
  /** Reviews that rated escalation timing (escalated_on_time not null). */
  escalation_rated: number;
  /** Share of those escalated on time; null when none was rated. */
  escalated_on_time_rate: number | null;
  /** Reviews that found an agent error. */
  agent_errors: number;
};

/** Share of true among the non-null values of a boolean column (null when there are none). */
const trueShare = (column: string) =>
  sql<
    number | null
  >`CAST(count(*) FILTER (WHERE ${sql.ref(column)}) AS DOUBLE) / nullif(count(${sql.ref(column)}), 0)`;

export const qaScorecard = defineModel({
  name: "qa_scorecard",
  layer: "marts",
  grain: "one row per agent per queue per month",
  dependsOn: ["int_qa_reviews_scored"],
  build: ({ db }) =>
    db
      .with("scorecard_reviews", (qb) =>
        qb
          .selectFrom("int_qa_reviews_scored")
          // Calibration reviews score reviewers, not agents: several reviewers score the same case, and
          // counting each would weigh that case several times on the agent's scorecard.
          .where("calibration_session_id", "is", null)
          .selectAll(),
      )
      .selectFrom("scorecard_reviews")
      .groupBy(["agent_id", "queue", "month"])
      .select([
        "agent_id",
        // One team per agent (the roster's); any_value keeps the grain agent × queue × month.
        sql<string | null>`any_value(team)`.as("team"),
        "queue",
        "month",
        sql<number>`CAST(count(*) AS BIGINT)`.as("reviews"),
        sql<number>`avg(weighted_score)`.as("weighted_score_mean"),
        sql<number>`CAST(count(*) FILTER (WHERE passed) AS BIGINT)`.as("passes"),
        sql<number>`CAST(count(*) FILTER (WHERE passed) AS DOUBLE) / count(*)`.as("pass_rate"),
        ...QA_DIMENSIONS.map((dimension) => sql<number>`avg(${sql.ref(dimension)})`.as(`${dimension}_mean`)),
        sql<number>`CAST(count(routing_correct) AS BIGINT)`.as("routing_rated"),
        trueShare("routing_correct").as("routing_correct_rate"),
        sql<number>`CAST(count(escalated_on_time) AS BIGINT)`.as("escalation_rated"),
        trueShare("escalated_on_time").as("escalated_on_time_rate"),
        sql<number>`CAST(count(*) FILTER (WHERE error_type = 'agent_error') AS BIGINT)`.as("agent_errors"),
      ])
      .orderBy("month")
      .orderBy("queue")
      .orderBy("agent_id"),
  tests: [
    notNull("agent_id", "queue", "month", "reviews", "weighted_score_mean", "pass_rate"),
    unique("agent_id", "queue", "month"),
    invariant("passes ≤ reviews", "passes <= reviews AND passes >= 0"),
    invariant(
      "rates are shares",
      "pass_rate BETWEEN 0 AND 1 AND coalesce(routing_correct_rate, 0) BETWEEN 0 AND 1 AND coalesce(escalated_on_time_rate, 0) BETWEEN 0 AND 1",
    ),
    invariant("rated ≤ reviews", "routing_rated <= reviews AND escalation_rated <= reviews"),
    invariant("mean score within 0–100", "weighted_score_mean BETWEEN -1e-9 AND 100 + 1e-9"),
    custom(
      "reviews add up to the reviews outside calibration sessions",
      (t) => `SELECT * FROM (SELECT (SELECT coalesce(sum(reviews), 0) FROM ${t}) AS in_mart,
        (SELECT count(*) FROM int_qa_reviews_scored WHERE calibration_session_id IS NULL) AS in_source)
        WHERE in_mart <> in_source`,
    ),
  ],
});
