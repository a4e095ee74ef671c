// One row per repeat failure pattern: a source system and defect reference that system-defect cases
// name at least `defects.min_occurrences` times within any span of `defects.window` (policy).
import { sql } from "kysely";
import { SOURCE_SYSTEMS } from "../../ingest/contracts/cases.ts";
import { reportMonth } from "../calendar/report-periods.ts";
import { acceptedValues, invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export interface Defects {
  source_system: string;
  defect_ref: string;
  /** System-defect cases naming the pair, over all the data. */
  occurrences: number;
  /** Most cases opened within one window (≥ min_occurrences: why the pair is a pattern). */
  peak_in_window: number;
  first_seen_at: Date;
  last_seen_at: Date;
  /** When the min_occurrences-th case within one window was opened: the pattern's detection. */
  detected_at: Date;
  /** Distinct months (reporting time zone) with an occurrence: "recurring two months or more". */
  months_seen: number;
  orders_affected: number;
  /** Of the pattern's cases, those still open. */
  open_cases: number;
  /** The queues its cases sit in. */
  queues: string[];
  /**
   * contained: none of its cases is open and none was opened within one window before the data's as-of
   * time; otherwise open.
   */
  status: "open" | "contained";
  /** For a contained pattern: when it became contained (its last case finished, or one window after its last case, whichever is later). */
  contained_at: Date | null;
  /** Who owns the fix: the owner_team most of its cases name, else the accountable owner of the queue most of them sit in. */
  owner: string | null;
  owner_source: "case_owner_team" | "queue_accountable" | null;
}

export const defects = defineModel({
  name: "defects",
  layer: "marts",
  grain: "one row per repeat failure pattern (source system × defect reference)",
  // Also reads policy_queues, which the runner writes before any model.
  dependsOn: ["stg_cases"],
  build: ({ db, policy, asOf, reportingTimeZone }) => {
    const windowS = policy.defects.window;
    return (
      db
        .with("defect_cases", (qb) =>
          qb
            .selectFrom("stg_cases")
            .where("root_cause", "=", "system_defect")
            .where("source_system", "is not", null)
            .where(sql<boolean>`nullif(trim(defect_ref), '') IS NOT NULL`)
            .select([
              "case_id",
              "order_id",
              "queue",
              "owner_team",
              "opened_at",
              "exit_at",
              sql<string>`source_system`.as("source_system"),
              sql<string>`trim(defect_ref)`.as("defect_ref"),
              reportMonth(sql.ref("opened_at"), reportingTimeZone).as("month"),
            ]),
        )
        // Cases of the same pair opened in the window ending at each case (a sliding window: any span counts).
        .with("windowed", (qb) =>
          qb
            .selectFrom("defect_cases")
            .selectAll()
            .select(
              sql<number>`count(*) OVER (PARTITION BY source_system, defect_ref ORDER BY epoch(opened_at)
                RANGE BETWEEN ${windowS} PRECEDING AND CURRENT ROW)`.as("in_window"),
            ),
        )
        .with("patterns", (qb) =>
          qb
            .selectFrom("windowed")
            .groupBy(["source_system", "defect_ref"])
            .having(sql<boolean>`max(in_window) >= ${policy.defects.min_occurrences}`)
            .select([
              "source_system",
              "defect_ref",
              sql<number>`CAST(count(*) AS BIGINT)`.as("occurrences"),
              sql<number>`CAST(max(in_window) AS BIGINT)`.as("peak_in_window"),
              sql<Date>`min(opened_at)`.as("first_seen_at"),
              sql<Date>`max(opened_at)`.as("last_seen_at"),
              sql<Date>`min(opened_at) FILTER (WHERE in_window >= ${policy.defects.min_occurrences})`.as(
                "detected_at",
              ),
              sql<number>`CAST(count(DISTINCT month) AS BIGINT)`.as("months_seen"),
              sql<number>`CAST(count(DISTINCT order_id) AS BIGINT)`.as("orders_affected"),
              sql<number>`CAST(count(*) FILTER (WHERE exit_at IS NULL) AS BIGINT)`.as("open_cases"),
              sql<string[]>`list(DISTINCT queue ORDER BY queue)`.as("queues"),
              sql<Date | null>`CASE WHEN count(*) FILTER (WHERE exit_at IS NULL) = 0 THEN max(exit_at) END`.as(
                "last_exit_at",
              ),
            ]),
        )
        // The most frequent owner_team among the pattern's cases, ties by name.
        .with("case_owners", (qb) =>
          qb
            .selectFrom("defect_cases")
            .where("owner_team", "is not", null)
            .groupBy(["source_system", "defect_ref", "owner_team"])
            .select([
              "source_system",
              "defect_ref",
              sql<string>`owner_team`.as("owner"),
              sql<number>`row_number() OVER (PARTITION BY source_system, defect_ref ORDER BY count(*) DESC, owner_team)`.as(
                "rank",
              ),
            ]),
        )
        // The queue most of its cases sit in, ties by name, and that queue's accountable owner.
        .with("queue_owners", (qb) =>
          qb
            .selectFrom("defect_cases as d")
            .innerJoin("policy_queues as q", "q.queue", "d.queue")
            .groupBy(["d.source_system", "d.defect_ref", "d.queue", "q.accountable"])
            .select([
              "d.source_system",
              "d.defect_ref",
              sql<string>`q.accountable`.as("owner"),
              sql<number>`row_number() OVER (PARTITION BY d.source_system, d.defect_ref ORDER BY count(*) DESC, d.queue)`.as(
                "rank",
              ),
            ]),
        )
        .selectFrom("patterns as p")
        .leftJoin("case_owners as co", (join) =>
          join
            .onRef("co.source_system", "=", "p.source_system")
            .onRef("co.defect_ref", "=", "p.defect_ref")
            .on("co.rank", "=", 1),
        )
        .leftJoin("queue_owners as qo", (join) =>
          join
            .onRef("qo.source_system", "=", "p.source_system")
            .onRef("qo.defect_ref", "=", "p.defect_ref")
            .on("qo.rank", "=", 1),
        )
        .select([
          "p.source_system",
          "p.defect_ref",
          "p.occurrences",
          "p.peak_in_window",
          "p.first_seen_at",
          "p.last_seen_at",
          "p.detected_at",
          "p.months_seen",
          "p.orders_affected",
          "p.open_cases",
          "p.queues",
          sql<string>`CASE WHEN p.open_cases = 0
              AND epoch(p.last_seen_at) + ${windowS} <= epoch(CAST(${asOf.toISOString()} AS TIMESTAMPTZ))
            THEN 'contained' ELSE 'open' END`.as("status"),
          sql<Date | null>`CASE WHEN p.open_cases = 0
              AND epoch(p.last_seen_at) + ${windowS} <= epoch(CAST(${asOf.toISOString()} AS TIMESTAMPTZ))
            THEN greatest(p.last_exit_at, p.last_seen_at + to_seconds(CAST(${windowS} AS BIGINT))) END`.as(
            "contained_at",
          ),
          sql<string | null>`coalesce(co.owner, qo.owner)`.as("owner"),
          sql<string | null>`CASE WHEN co.owner IS NOT NULL THEN 'case_owner_team'
              WHEN qo.owner IS NOT NULL THEN 'queue_accountable' END`.as("owner_source"),
        ])
        .orderBy("p.first_seen_at")
        .orderBy("p.source_system")
        .orderBy("p.defect_ref")
    );
  },
  tests: [
    notNull(
      "source_system",
      "defect_ref",
      "occurrences",
      "peak_in_window",
      "first_seen_at",
      "last_seen_at",
      "detected_at",
      "status",
    ),
    unique("source_system", "defect_ref"),
    acceptedValues("source_system", SOURCE_SYSTEMS),
    acceptedValues("status", ["open", "contained"]),
    invariant("a pattern recurs", "peak_in_window >= 2 AND peak_in_window <= occurrences"),
    invariant(
      "first seen ≤ detected ≤ last seen",
      "first_seen_at <= detected_at AND detected_at <= last_seen_at",
    ),
    invariant("open cases are some of its cases", "open_cases BETWEEN 0 AND occurrences"),
    invariant(
      "contained means no open case, and a containment time",
      "(status = 'contained') = (contained_at IS NOT NULL) AND (status = 'open' OR open_cases = 0)",
    ),
  ],
});
