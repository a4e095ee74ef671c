// One row per adjustment per control rule it breaks: the record, the rule, the people (ids), the amount.
import { sql } from "kysely";
import { ADJUSTMENT_KINDS } from "../../ingest/contracts/adjustments.ts";
import { reportMonth } from "../calendar/report-periods.ts";
import { acceptedValues, invariant, notNull, relationship, unique } from "../data-tests.ts";
import { jsonRows } from "../json-rows.ts";
import { defineModel } from "../model.ts";

export const CONTROL_RULE_TYPES = [
  "segregation_of_duties",
  "approval",
  "evidence",
  "outside_policy",
] as const;

/**
 * Rules that are not the policy's own lists: an adjustment above the second-approver threshold needs an
 * approver who is not the requester; evidence kinds need evidence; and manual adjustments are outside
 * policy when their record contradicts how money may move.
 */
export const FIXED_CONTROL_RULES = {
  approval: "second_approver_missing",
  evidence: "evidence_missing",
  executedBeforeApproval: "executed_before_approval",
  executionRecordIncomplete: "execution_record_incomplete",
  approvalRecordIncomplete: "approval_record_incomplete",
  exceedsOrderValue: "exceeds_order_value",
  currencyDiffersFromOrder: "currency_differs_from_order",
} as const;

export interface ControlExceptions {
  adjustment_id: string;
  rule_type: (typeof CONTROL_RULE_TYPES)[number];
  /** The policy's segregation-of-duties rule name, or one of FIXED_CONTROL_RULES. */
  rule: string;
  /** What was broken, in words, naming the people by id. */
  detail: string;
  order_id: string;
  case_id: string | null;
  kind: string;
  amount: number;
  currency: string;
  /** The second-approver threshold that applied (approval rule only). */
  threshold: number | null;
  requested_by: string;
  approved_by: string | null;
  executed_by: string | null;
  /** The ids of the people the rule concerns, sorted. */
  people: string[];
  requested_at: Date;
  approved_at: Date | null;
  executed_at: Date | null;
  /** Month of requested_at in the reporting time zone, YYYY-MM. */
  month: string;
}

const ROLE_COLUMNS = ["requested_by", "approved_by", "executed_by"] as const;

/** The person in one role of an adjustment, the role named by a column of the rules table. */
const personIn = (roleColumn: string) =>
  sql<string | null>`CASE ${sql.ref(roleColumn)} ${sql.join(
    ROLE_COLUMNS.map((role) => sql`WHEN ${role} THEN a.${sql.ref(role)}`),
    sql` `,
  )} END`;

const people = (...columns: string[]) =>
  sql<string[]>`list_sort(list_distinct([${sql.join(columns.map((c) => sql.ref(c)))}]))`;

export const controlExceptions = defineModel({
  name: "control_exceptions",
  layer: "marts",
  grain: "one row per adjustment per control rule it breaks",
  dependsOn: ["stg_adjustments", "stg_orders", "stg_case_events"],
  build: ({ db, policy, asOf, reportingTimeZone }) => {
    const controls = policy.controls;
    const asOfText = asOf.toISOString();
    return (
      db
        .with("sod_rules", () =>
          jsonRows<{ rule: string; role_a: string; role_b: string }>(
            [
              ["rule", "VARCHAR"],
              ["role_a", "VARCHAR"],
              ["role_b", "VARCHAR"],
            ],
            controls.segregation_of_duties.map(({ name, distinct: [role_a, role_b] }) => ({
              rule: name,
              role_a,
              role_b,
            })),
          ),
        )
        .with("thresholds", () =>
          jsonRows<{ currency: string; threshold: number }>(
            [
              ["currency", "VARCHAR"],
              ["threshold", "DOUBLE"],
            ],
            Object.entries(controls.second_approver.above).map(([currency, threshold]) => ({
              currency,
              threshold,
            })),
          ),
        )
        .with("evidence_kinds", () =>
          jsonRows<{ kind: string }>(
            [["kind", "VARCHAR"]],
            controls.evidence_required_for.map((kind) => ({ kind })),
          ),
        )
        // Evidence attached on the adjustment's case counts as well as a reference on the adjustment.
        .with("case_evidence", (qb) =>
          qb
            .selectFrom("stg_case_events")
            .where("evidence_attached", "=", true)
            .groupBy("case_id")
            .select(["case_id", sql<Date>`min(occurred_at)`.as("first_evidence_at")]),
        )
        .with("adjustments", (qb) =>
          qb
            .selectFrom("stg_adjustments as a")
            .leftJoin("stg_orders as o", "o.order_id", "a.order_id")
            .leftJoin("thresholds as t", "t.currency", "a.currency")
            .leftJoin("case_evidence as e", "e.case_id", "a.case_id")
            .selectAll("a")
            .select([
              sql<number>`coalesce(t.threshold, ${controls.second_approver.other_currencies_above})`.as(
                "threshold",
              ),
              sql<boolean>`a.executed_at IS NOT NULL OR a.executed_by IS NOT NULL`.as("executed"),
              // coalesce: with no evidence on the case the comparison is unknown, and NOT unknown filters nothing.
              sql<boolean>`coalesce(nullif(trim(a.evidence_ref), '') IS NOT NULL
                OR e.first_evidence_at <= coalesce(a.executed_at, CAST(${asOfText} AS TIMESTAMPTZ)), false)`.as(
                "has_evidence",
              ),
              sql<string | null>`o.currency`.as("order_currency"),
              sql<number | null>`o.order_value`.as("order_value"),
              // Money moved on the order so far, in the order's currency, in order of execution.
              sql<number | null>`CASE WHEN a.executed_at IS NOT NULL AND a.currency = o.currency
                THEN sum(a.amount) FILTER (WHERE a.executed_at IS NOT NULL AND a.currency = o.currency)
                  OVER (PARTITION BY a.order_id ORDER BY a.executed_at, a.adjustment_id ROWS UNBOUNDED PRECEDING) END`.as(
                "executed_to_date",
              ),
            ]),
        )
        .with("flags", (qb) =>
          qb
            .selectFrom("adjustments as a")
            .crossJoin("sod_rules as r")
            .where(sql<boolean>`${personIn("r.role_a")} = ${personIn("r.role_b")}`)
            .select([
              "a.adjustment_id",
              sql<string>`'segregation_of_duties'`.as("rule_type"),
              "r.rule",
              sql<string>`${personIn("r.role_a")} || ' is both ' || r.role_a || ' and ' || r.role_b`.as(
                "detail",
              ),
              sql<string[]>`[${personIn("r.role_a")}]`.as("people"),
              sql<number | null>`NULL`.as("threshold"),
            ])
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .where(sql<boolean>`a.executed AND a.amount > a.threshold
                  AND (a.approved_by IS NULL OR a.approved_by = a.requested_by)`)
                .select([
                  "a.adjustment_id",
                  sql<string>`'approval'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.approval}`.as("rule"),
                  sql<string>`'executed ' || printf('%.2f', a.amount) || ' ' || a.currency || ' above the threshold of ' || printf('%.2f', a.threshold)
                    || CASE WHEN a.approved_by IS NULL THEN ' with no approver' ELSE ' approved by its own requester ' || a.approved_by END`.as(
                    "detail",
                  ),
                  people("a.requested_by", "a.approved_by", "a.executed_by").as("people"),
                  sql<number | null>`a.threshold`.as("threshold"),
                ]),
            )
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .innerJoin("evidence_kinds as k", "k.kind", "a.kind")
                .where(sql<boolean>`a.executed AND NOT a.has_evidence`)
                .select([
                  "a.adjustment_id",
                  sql<string>`'evidence'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.evidence}`.as("rule"),
                  sql<string>`a.kind || ' executed with no evidence reference and no evidence on its case'`.as(
                    "detail",
                  ),
                  people("a.requested_by", "a.approved_by", "a.executed_by").as("people"),
                  sql<number | null>`NULL`.as("threshold"),
                ]),
            )
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .whereRef("a.executed_at", "<", "a.approved_at")
                .select([
                  "a.adjustment_id",
                  sql<string>`'outside_policy'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.executedBeforeApproval}`.as("rule"),
                  sql<string>`'executed at ' || a.executed_at || ', before its approval at ' || a.approved_at`.as(
                    "detail",
                  ),
                  people("a.approved_by", "a.executed_by").as("people"),
                  sql<number | null>`NULL`.as("threshold"),
                ]),
            )
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .where(sql<boolean>`(a.executed_at IS NULL) <> (a.executed_by IS NULL)`)
                .select([
                  "a.adjustment_id",
                  sql<string>`'outside_policy'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.executionRecordIncomplete}`.as("rule"),
                  sql<string>`CASE WHEN a.executed_by IS NULL THEN 'executed with no executor recorded'
                    ELSE 'executor ' || a.executed_by || ' recorded with no execution time' END`.as("detail"),
                  people("a.requested_by", "a.approved_by", "a.executed_by").as("people"),
                  sql<number | null>`NULL`.as("threshold"),
                ]),
            )
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .where(sql<boolean>`(a.approved_at IS NULL) <> (a.approved_by IS NULL)`)
                .select([
                  "a.adjustment_id",
                  sql<string>`'outside_policy'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.approvalRecordIncomplete}`.as("rule"),
                  sql<string>`CASE WHEN a.approved_by IS NULL THEN 'approval time recorded with no approver'
                    ELSE 'approver ' || a.approved_by || ' recorded with no approval time' END`.as("detail"),
                  people("a.requested_by", "a.approved_by").as("people"),
                  sql<number | null>`NULL`.as("threshold"),
                ]),
            )
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .whereRef("a.executed_to_date", ">", "a.order_value")
                .select([
                  "a.adjustment_id",
                  sql<string>`'outside_policy'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.exceedsOrderValue}`.as("rule"),
                  sql<string>`'takes the money moved on the order to ' || printf('%.2f', a.executed_to_date) || ' ' || a.currency
                    || ', above its value of ' || printf('%.2f', a.order_value)`.as("detail"),
                  people("a.requested_by", "a.approved_by", "a.executed_by").as("people"),
                  sql<number | null>`NULL`.as("threshold"),
                ]),
            )
            .unionAll(
              qb
                .selectFrom("adjustments as a")
                .whereRef("a.currency", "<>", "a.order_currency")
                .select([
                  "a.adjustment_id",
                  sql<string>`'outside_policy'`.as("rule_type"),
                  sql<string>`${FIXED_CONTROL_RULES.currencyDiffersFromOrder}`.as("rule"),
                  sql<string>`'in ' || a.currency || ' on an order in ' || a.order_currency`.as("detail"),
                  people("a.requested_by", "a.approved_by", "a.executed_by").as("people"),
                  sql<number | null>`NULL`.as("threshold"),
                ]),
            ),
        )
        .selectFrom("flags as f")
        .innerJoin("adjustments as a", "a.adjustment_id", "f.adjustment_id")
        .select([
          "f.adjustment_id",
          "f.rule_type",
          "f.rule",
          "f.detail",
          "a.order_id",
          "a.case_id",
          "a.kind",
          "a.amount",
          "a.currency",
          sql<number | null>`CAST(f.threshold AS DOUBLE)`.as("threshold"),
          "a.requested_by",
          "a.approved_by",
          "a.executed_by",
          "f.people",
          "a.requested_at",
          "a.approved_at",
          "a.executed_at",
          reportMonth(sql.ref("a.requested_at"), reportingTimeZone).as("month"),
        ])
        .orderBy("a.requested_at")
        .orderBy("f.adjustment_id")
        .orderBy("f.rule")
    );
  },
  tests: [
    notNull(
      "adjustment_id",
      "rule_type",
      "rule",
      "detail",
      "order_id",
      "amount",
      "currency",
      "requested_by",
      "month",
    ),
    unique("adjustment_id", "rule"),
    acceptedValues("rule_type", CONTROL_RULE_TYPES),
    acceptedValues("kind", ADJUSTMENT_KINDS),
    relationship("adjustment_id", "stg_adjustments", "adjustment_id"),
    invariant("every flag names at least one person", "len(people) >= 1"),
    invariant("the approval rule states its threshold", "(rule_type = 'approval') = (threshold IS NOT NULL)"),
  ],
});
