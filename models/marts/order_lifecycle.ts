// One row per order: its turnaround (placed → released → shipped) in actual and business time, the
// exception path its cases took through the queues, and the return → refund cycle time.
import { sql } from "kysely";
import { businessClockAt } from "../calendar/business-time-sql.ts";
import { invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

/**
 * Order turnaround is counted in the business calendar of this queue: the order desk that reviews and
 * releases orders (new_order_review in the shipped policy), looked up from the policy at build time.
 */
export const ORDER_PROCESSING_QUEUE = "new_order_review";

export interface OrderLifecycle {
  order_id: string;
  placed_at: Date;
  channel: string;
  status: string;
  order_value: number;
  currency: string;
  promised_ship_by: Date | null;
  /** First `released` event; null when the events never say so. */
  released_at: Date | null;
  shipped_at: Date | null;
  delivered_at: Date | null;
  cancelled_at: Date | null;
  /** The calendar the business-time columns count in (ORDER_PROCESSING_QUEUE's). */
  calendar: string | null;
  placed_to_released_actual_s: number | null;
  placed_to_released_business_s: number | null;
  placed_to_shipped_actual_s: number | null;
  placed_to_shipped_business_s: number | null;
  /** Shipped after the promised ship-by time (null when either is unknown). */
  shipped_late: boolean | null;
  /** Cases raised on the order. */
  exception_cases: number;
  /** Cases on the order still open (in a queue's backlog). */
  open_exception_cases: number;
  /** Queues the order's cases passed through, in the order first entered. */
  exception_path: string[];
  /** Exception themes (case categories) of its cases, sorted. */
  exception_categories: string[];
  /** Any case on the order whose root cause is agent error (for the order accuracy rate). */
  has_agent_error_case: boolean;
  return_requested_at: Date | null;
  /** First `refund_issued` at or after the first return request. */
  refund_issued_at: Date | null;
  /** Wall-clock seconds from the return request to the refund (what the customer waits). */
  return_to_refund_actual_s: number | null;
  /** Why the row is not plain history: an event stamped before the order was placed (kept at placed_at). */
  anomaly: string | null;
}

export const orderLifecycle = defineModel({
  name: "order_lifecycle",
  layer: "marts",
  grain: "one row per order",
  dependsOn: ["stg_orders", "stg_order_events", "stg_cases", "int_case_queue_stays"],
  incremental: { key: "order_id" },
  build: ({ db, policy }) => {
    // The policy's calendars: business-time lookups run one calendar at a time (business-time-sql.ts).
    const calendars = Object.keys(policy.calendars);
    return (
      db
        .with("events", (qb) =>
          qb
            .selectFrom("stg_order_events as e")
            .innerJoin("stg_orders as o", "o.order_id", "e.order_id")
            .select([
              "e.order_id",
              "e.event_type",
              // An event stamped before the order was placed is kept at the placing instant, and flagged.
              sql<Date>`greatest(e.occurred_at, o.placed_at)`.as("occurred_at"),
              sql<boolean>`e.occurred_at < o.placed_at`.as("before_placed"),
            ]),
        )
        .with("milestones", (qb) =>
          qb
            .selectFrom(
              qb
                .selectFrom("events")
                .selectAll()
                .select(
                  sql<Date | null>`min(occurred_at) FILTER (WHERE event_type = 'return_requested') OVER (PARTITION BY order_id)`.as(
                    "first_return_at",
                  ),
                )
                .as("e"),
            )
            .groupBy("order_id")
            .select([
              "order_id",
              sql<Date | null>`min(occurred_at) FILTER (WHERE event_type = 'released')`.as("released_at"),
              sql<Date | null>`min(occurred_at) FILTER (WHERE event_type = 'shipped')`.as("shipped_at"),
              sql<Date | null>`min(occurred_at) FILTER (WHERE event_type = 'delivered')`.as("delivered_at"),
              sql<Date | null>`min(occurred_at) FILTER (WHERE event_type = 'cancelled')`.as("cancelled_at"),
              sql<Date | null>`min(first_return_at)`.as("return_requested_at"),
              sql<Date | null>`min(occurred_at) FILTER (WHERE event_type = 'refund_issued' AND occurred_at >= first_return_at)`.as(
                "refund_issued_at",
              ),
              sql<boolean>`bool_or(before_placed)`.as("any_before_placed"),
            ]),
        )
        .with("case_queues", (qb) =>
          qb
            .selectFrom("stg_cases as c")
            .innerJoin("int_case_queue_stays as s", "s.case_id", "c.case_id")
            .where("c.order_id", "is not", null)
            .groupBy(["c.order_id", "s.queue"])
            .select(["c.order_id", "s.queue", sql<Date>`min(s.entered_at)`.as("first_entered_at")]),
        )
        .with("paths", (qb) =>
          qb
            .selectFrom("case_queues")
            .groupBy("order_id")
            .select([
              "order_id",
              // Sorting each order's short list after aggregating costs far less than an ordered aggregate.
              sql<
                string[]
              >`list_transform(list_sort(list(struct_pack(at := first_entered_at, queue := queue))), x -> x.queue)`.as(
                "exception_path",
              ),
            ]),
        )
        .with("case_summary", (qb) =>
          qb
            .selectFrom("stg_cases")
            .where("order_id", "is not", null)
            .groupBy("order_id")
            .select([
              "order_id",
              sql<number>`count(*)`.as("exception_cases"),
              sql<number>`count(*) FILTER (WHERE exit_at IS NULL)`.as("open_exception_cases"),
              sql<string[]>`list_sort(list_distinct(list(category)))`.as("exception_categories"),
              sql<boolean>`bool_or(root_cause = 'agent_error')`.as("has_agent_error_case"),
            ]),
        )
        .with("orders", (qb) =>
          qb
            .selectFrom("stg_orders as o")
            .leftJoin("milestones as m", "m.order_id", "o.order_id")
            .leftJoin("paths as p", "p.order_id", "o.order_id")
            .leftJoin("case_summary as c", "c.order_id", "o.order_id")
            .leftJoin("policy_queues as q", (join) => join.on("q.queue", "=", ORDER_PROCESSING_QUEUE))
            .select([
              "o.order_id",
              "o.placed_at",
              "o.channel",
              "o.status",
              "o.order_value",
              "o.currency",
              "o.promised_ship_by",
              "m.released_at",
              "m.shipped_at",
              "m.delivered_at",
              "m.cancelled_at",
              "m.return_requested_at",
              "m.refund_issued_at",
              "m.any_before_placed",
              "q.calendar",
              sql<number>`coalesce(c.exception_cases, 0)`.as("exception_cases"),
              sql<number>`coalesce(c.open_exception_cases, 0)`.as("open_exception_cases"),
              sql<string[]>`coalesce(p.exception_path, [])`.as("exception_path"),
              sql<string[]>`coalesce(c.exception_categories, [])`.as("exception_categories"),
              sql<boolean>`coalesce(c.has_agent_error_case, false)`.as("has_agent_error_case"),
            ]),
        )
        // Business clocks on narrow rows (an ASOF join sorts every column it carries), joined back by order.
        .with("instants", (qb) =>
          qb.selectFrom("orders").select(["order_id", "calendar", "placed_at", "released_at", "shipped_at"]),
        )
        .with("placed_clock", () =>
          businessClockAt({
            from: "instants",
            calendar: "calendar",
            at: "placed_at",
            as: "placed_clock_s",
            calendars,
          }),
        )
        .with("released_clock", () =>
          businessClockAt({
            from: "placed_clock",
            calendar: "calendar",
            at: "released_at",
            as: "released_clock_s",
            calendars,
          }),
        )
        .with("shipped_clock", () =>
          businessClockAt({
            from: "released_clock",
            calendar: "calendar",
            at: "shipped_at",
            as: "shipped_clock_s",
            calendars,
          }),
        )
        .selectFrom("orders as t")
        .innerJoin(
          sql<{
            order_id: string;
            placed_clock_s: number | null;
            released_clock_s: number | null;
            shipped_clock_s: number | null;
          }>`shipped_clock`.as("k"),
          "k.order_id",
          "t.order_id",
        )
        .select([
          "t.order_id",
          "t.placed_at",
          "t.channel",
          "t.status",
          "t.order_value",
          "t.currency",
          "t.promised_ship_by",
          "t.released_at",
          "t.shipped_at",
          "t.delivered_at",
          "t.cancelled_at",
          "t.calendar",
          sql<number | null>`(epoch_us(t.released_at) - epoch_us(t.placed_at)) // 1000000`.as(
            "placed_to_released_actual_s",
          ),
          sql<number | null>`CAST(k.released_clock_s - k.placed_clock_s AS BIGINT)`.as(
            "placed_to_released_business_s",
          ),
          sql<number | null>`(epoch_us(t.shipped_at) - epoch_us(t.placed_at)) // 1000000`.as(
            "placed_to_shipped_actual_s",
          ),
          sql<number | null>`CAST(k.shipped_clock_s - k.placed_clock_s AS BIGINT)`.as(
            "placed_to_shipped_business_s",
          ),
          sql<boolean | null>`t.shipped_at > t.promised_ship_by`.as("shipped_late"),
          sql<number>`CAST(t.exception_cases AS BIGINT)`.as("exception_cases"),
          sql<number>`CAST(t.open_exception_cases AS BIGINT)`.as("open_exception_cases"),
          "t.exception_path",
          "t.exception_categories",
          "t.has_agent_error_case",
          "t.return_requested_at",
          "t.refund_issued_at",
          sql<number | null>`(epoch_us(t.refund_issued_at) - epoch_us(t.return_requested_at)) // 1000000`.as(
            "return_to_refund_actual_s",
          ),
          sql<string | null>`CASE WHEN t.any_before_placed THEN 'event before the order was placed' END`.as(
            "anomaly",
          ),
        ])
    );
  },
  tests: [
    notNull("order_id", "placed_at", "exception_cases", "exception_path"),
    unique("order_id"),
    invariant(
      "turnaround is not negative",
      "coalesce(placed_to_released_actual_s, 0) >= 0 AND coalesce(placed_to_shipped_actual_s, 0) >= 0 AND coalesce(return_to_refund_actual_s, 0) >= 0",
    ),
    invariant(
      "business time is at most actual time",
      "coalesce(placed_to_released_business_s <= placed_to_released_actual_s, true) AND coalesce(placed_to_shipped_business_s <= placed_to_shipped_actual_s, true)",
    ),
    invariant("open cases are among the cases", "open_exception_cases <= exception_cases"),
    invariant("a path exactly when there are cases", "(len(exception_path) = 0) = (exception_cases = 0)"),
  ],
});
