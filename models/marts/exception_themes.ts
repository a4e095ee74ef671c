// One row per queue per exception category per report week (weeks in the reporting time zone, starting
// on the policy's week_starts_on) in which the queue opened at least one case of the category.
import { sql } from "kysely";
import { EXCEPTION_THEMES, QUEUES } from "../../ingest/contracts/cases.ts";
import { reportWeekStart } from "../calendar/report-periods.ts";
import { acceptedValues, custom, invariant, notNull, unique } from "../data-tests.ts";
import { jsonRows } from "../json-rows.ts";
import { defineModel } from "../model.ts";

export type ExceptionTheme = (typeof EXCEPTION_THEMES)[number];

export const THEME_FAMILIES = [
  "order_data",
  "payment_and_fraud",
  "inventory",
  "delivery",
  "returns_and_refunds",
  "policy_and_other",
] as const;
export type ThemeFamily = (typeof THEME_FAMILIES)[number];

/**
 * The family each exception theme reports under. Inventory exceptions are a family of their own: they
 * share one fix owner (stock and allocation) whichever queue they surface in. Typed as a Record over the
 * contract's themes, so a theme added to the contract without a family fails to compile.
 */
export const FAMILY_OF_THEME: Record<ExceptionTheme, ThemeFamily> = {
  address_mismatch: "order_data",
  payment_mismatch: "payment_and_fraud",
  fraud_flag: "payment_and_fraud",
  credit_limit: "payment_and_fraud",
  oversell: "inventory",
  backorder_conflict: "inventory",
  substitution_approval: "inventory",
  warehouse_mismatch: "inventory",
  split_shipment: "delivery",
  carrier_delay: "delivery",
  lost_in_transit: "delivery",
  damaged_in_transit: "delivery",
  delivery_failed: "delivery",
  return_authorization: "returns_and_refunds",
  refund_validation: "returns_and_refunds",
  policy_exception: "policy_and_other",
  other: "policy_and_other",
};

/** Weeks before a row's own that its change is measured against. */
export const PRIOR_WEEKS = 4;

export interface ExceptionThemes {
  queue: string;
  category: string;
  family: ThemeFamily;
  /** First local day of the report week. */
  week_start: string;
  /** Month of week_start, YYYY-MM (the export's partition). */
  month: string;
  /** The data covers only part of the week (it starts before the first record or ends after as-of). */
  partial_week: boolean;
  /** Cases of the category the queue opened in the week. */
  cases: number;
  /** Distinct orders those cases are about. */
  orders_affected: number;
  /** Orders placed in the week, across the whole operation. */
  orders_placed: number;
  /** orders_affected ÷ orders_placed × 1,000; null in a week with no orders placed. */
  rate_per_1000_orders: number | null;
  /** cases ÷ the queue's cases in the week. */
  share: number;
  /** Mean weekly cases of the same queue and category over the 4 weeks before (weeks with none count as 0); null until 4 earlier weeks lie inside the data. */
  prior_4_weeks_avg_cases: number | null;
  /** cases − prior_4_weeks_avg_cases. */
  change_vs_prior_4_weeks: number | null;
  /** cases ÷ prior_4_weeks_avg_cases − 1; null when the average is 0 or unknown. */
  change_vs_prior_4_weeks_pct: number | null;
  /** 1 for the queue's most frequent category in the week (ties broken by category name). */
  pareto_rank: number;
  /** Share of the queue's week taken by this category and every category ranked above it. */
  cumulative_share: number;
}

export const exceptionThemes = defineModel({
  name: "exception_themes",
  layer: "marts",
  grain: "one row per queue per exception category per report week with cases",
  dependsOn: ["stg_cases", "stg_orders"],
  build: ({ db, policy, reportingTimeZone, asOf }) => {
    const weekOf = (column: string) =>
      reportWeekStart(sql.ref(column), reportingTimeZone, policy.reporting.week_starts_on);
    return (
      db
        .with("families", () =>
          jsonRows<{ category: string; family: string }>(
            [
              ["category", "VARCHAR"],
              ["family", "VARCHAR"],
            ],
            EXCEPTION_THEMES.map((category) => ({ category, family: FAMILY_OF_THEME[category] })),
          ),
        )
        .with("case_weeks", (qb) =>
          qb
            .selectFrom("stg_cases")
            .select(["queue", "category", "order_id", weekOf("opened_at").as("week_start")]),
        )
        .with("order_weeks", (qb) =>
          qb
            .selectFrom("stg_orders")
            .groupBy(sql`1`)
            .select([weekOf("placed_at").as("week_start"), sql<number>`count(*)`.as("orders_placed")]),
        )
        .with("weekly", (qb) =>
          qb
            .selectFrom("case_weeks")
            .groupBy(["queue", "category", "week_start"])
            .select([
              "queue",
              "category",
              "week_start",
              sql<number>`count(*)`.as("cases"),
              sql<number>`count(DISTINCT order_id)`.as("orders_affected"),
            ]),
        )
        // The data's weeks: from the first to the last week with a case or an order.
        .with("bounds", (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom("case_weeks")
                .select("week_start")
                .union(qb.selectFrom("order_weeks").select("week_start"))
                .as("weeks"),
            )
            .select([
              sql<string>`min(week_start)`.as("first_week"),
              sql<string>`max(week_start)`.as("last_week"),
            ]),
        )
        .with("data_start", (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom("stg_cases")
                .select(sql<Date>`min(opened_at)`.as("first_at"))
                .unionAll(qb.selectFrom("stg_orders").select(sql<Date>`min(placed_at)`.as("first_at")))
                .as("firsts"),
            )
            .select(sql<string>`CAST(timezone(${reportingTimeZone}, min(first_at)) AS DATE)`.as("first_day")),
        )
        .with("calendar", (qb) =>
          qb
            .selectFrom("bounds")
            .select(
              sql<string>`CAST(unnest(generate_series(first_week, last_week, INTERVAL 7 DAY)) AS DATE)`.as(
                "week_start",
              ),
            ),
        )
        // Every category each queue has ever seen, in every week, so weeks without a case count as 0
        // in the prior-weeks average rather than being skipped.
        .with("spine", (qb) =>
          qb
            .selectFrom(qb.selectFrom("weekly").select(["queue", "category"]).distinct().as("pairs"))
            .crossJoin("calendar")
            .select(["pairs.queue", "pairs.category", "calendar.week_start"]),
        )
        .with("dense", (qb) =>
          qb
            .selectFrom("spine as s")
            .leftJoin("weekly as w", (join) =>
              join
                .onRef("w.queue", "=", "s.queue")
                .onRef("w.category", "=", "s.category")
                .onRef("w.week_start", "=", "s.week_start"),
            )
            .crossJoin("bounds as b")
            .select([
              "s.queue",
              "s.category",
              "s.week_start",
              sql<number>`CAST(coalesce(w.cases, 0) AS BIGINT)`.as("cases"),
              sql<number>`CAST(coalesce(w.orders_affected, 0) AS BIGINT)`.as("orders_affected"),
              sql<number | null>`CASE WHEN s.week_start >= b.first_week + CAST(${PRIOR_WEEKS * 7} AS INTEGER)
                THEN avg(coalesce(w.cases, 0)) OVER (PARTITION BY s.queue, s.category ORDER BY s.week_start
                  ROWS BETWEEN ${sql.raw(String(PRIOR_WEEKS))} PRECEDING AND 1 PRECEDING) END`.as(
                "prior_4_weeks_avg_cases",
              ),
            ]),
        )
        .with("ranked", (qb) =>
          qb
            .selectFrom("dense as d")
            .where("d.cases", ">", 0)
            .select([
              "d.queue",
              "d.category",
              "d.week_start",
              "d.cases",
              "d.orders_affected",
              "d.prior_4_weeks_avg_cases",
              sql<number>`sum(d.cases) OVER (PARTITION BY d.queue, d.week_start)`.as("queue_week_cases"),
              sql<number>`row_number() OVER (PARTITION BY d.queue, d.week_start ORDER BY d.cases DESC, d.category)`.as(
                "pareto_rank",
              ),
              sql<number>`sum(d.cases) OVER (PARTITION BY d.queue, d.week_start ORDER BY d.cases DESC, d.category
                ROWS UNBOUNDED PRECEDING)`.as("cumulative_cases"),
            ]),
        )
        .selectFrom("ranked as r")
        .innerJoin("families as f", "f.category", "r.category")
        .leftJoin("order_weeks as o", "o.week_start", "r.week_start")
        .crossJoin("data_start as ds")
        .select([
          "r.queue",
          "r.category",
          sql<string>`f.family`.as("family"),
          "r.week_start",
          sql<string>`strftime(r.week_start, '%Y-%m')`.as("month"),
          // Complete when the data starts on or before the week's first day and its as-of time is at or
          // after the week's end.
          sql<boolean>`r.week_start < ds.first_day
            OR timezone(${reportingTimeZone}, CAST(${asOf.toISOString()} AS TIMESTAMPTZ)) < CAST(r.week_start + 7 AS TIMESTAMP)`.as(
            "partial_week",
          ),
          "r.cases",
          "r.orders_affected",
          sql<number>`CAST(coalesce(o.orders_placed, 0) AS BIGINT)`.as("orders_placed"),
          sql<number | null>`1000.0 * r.orders_affected / nullif(o.orders_placed, 0)`.as(
            "rate_per_1000_orders",
          ),
          sql<number>`CAST(r.cases AS DOUBLE) / r.queue_week_cases`.as("share"),
          "r.prior_4_weeks_avg_cases",
          sql<number | null>`r.cases - r.prior_4_weeks_avg_cases`.as("change_vs_prior_4_weeks"),
          sql<number | null>`r.cases / nullif(r.prior_4_weeks_avg_cases, 0) - 1`.as(
            "change_vs_prior_4_weeks_pct",
          ),
          sql<number>`CAST(r.pareto_rank AS BIGINT)`.as("pareto_rank"),
          sql<number>`CAST(r.cumulative_cases AS DOUBLE) / r.queue_week_cases`.as("cumulative_share"),
        ])
        .orderBy("r.week_start")
        .orderBy("r.queue")
        .orderBy("r.pareto_rank")
    );
  },
  tests: [
    notNull(
      "queue",
      "category",
      "family",
      "week_start",
      "month",
      "cases",
      "orders_placed",
      "share",
      "pareto_rank",
    ),
    unique("queue", "category", "week_start"),
    unique("queue", "week_start", "pareto_rank"),
    acceptedValues("queue", QUEUES),
    acceptedValues("category", EXCEPTION_THEMES),
    acceptedValues("family", THEME_FAMILIES),
    invariant("cases are counted", "cases > 0 AND orders_affected <= cases"),
    invariant(
      "shares are shares",
      "share > 0 AND share <= 1 AND cumulative_share >= share - 1e-9 AND cumulative_share <= 1 + 1e-9",
    ),
    custom(
      "each queue-week's Pareto ends at 100%",
      (t) => `SELECT queue, week_start, max(cumulative_share) AS last_share FROM ${t}
        GROUP BY queue, week_start HAVING abs(max(cumulative_share) - 1) > 1e-9`,
    ),
    custom(
      "cases add up to the cases in stg_cases",
      (t) => `SELECT * FROM (SELECT (SELECT coalesce(sum(cases), 0) FROM ${t}) AS in_mart,
        (SELECT count(*) FROM stg_cases) AS in_source) WHERE in_mart <> in_source`,
    ),
  ],
});
