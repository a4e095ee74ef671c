// One row per report month (reporting time zone): the monthly business review — every KPI with its
// month-over-month and year-over-year change, and the executive answers: what is late, why, what is
// systemic, who owns the fix, and whether risk is growing or contained.
import { sql } from "kysely";
import { reportMonth } from "../calendar/report-periods.ts";
import { acceptedValues, invariant, notNull, unique } from "../data-tests.ts";
import { defineModel } from "../model.ts";

export const RISK_STATES = ["growing", "contained", "mixed", "insufficient_data"] as const;

/** How many miss reasons the review lists. */
export const TOP_MISS_REASONS = 3;

export interface MbrKpi {
  kpi: string;
  unit: string;
  better: string;
  value: number | null;
  previous_month_value: number | null;
  /** value − previous_month_value. */
  mom_change: number | null;
  /** value ÷ previous_month_value − 1 (null when the previous value is 0 or missing). */
  mom_change_pct: number | null;
  previous_year_value: number | null;
  yoy_change: number | null;
  yoy_change_pct: number | null;
  /** better, worse or flat against the previous month, in the KPI's own direction; null without one. */
  mom_direction: "better" | "worse" | "flat" | null;
}

export interface MbrLateQueue {
  queue: string;
  cycles_due: number;
  met: number;
  breached: number;
  attainment: number;
  /** The queue's goal: its tiers' goals weighted by the cycles due in each. */
  goal: number;
  responsible: string | null;
  accountable: string | null;
}

export interface MbrMissReason {
  attributed_to: string;
  owner_team: string | null;
  misses: number;
  /** misses ÷ all resolution misses of the month. */
  share: number;
}

export interface MbrSystemicDefect {
  source_system: string;
  defect_ref: string;
  occurrences_in_month: number;
  /** Months with an occurrence, up to and including this one. */
  months_seen_to_date: number;
  first_seen_at: Date;
  status: string;
  owner: string | null;
}

export interface MbrMonth {
  month: string;
  /** The data covers only part of the month. */
  partial_month: boolean;
  kpis: MbrKpi[];
  /** What is late: queues whose resolution attainment in the month is below their goal, worst first. */
  late_queues: MbrLateQueue[];
  late_queue_count: number;
  /** Why: the most frequent resolution miss reasons of the month (breach_attributed_to and its owner). */
  top_miss_reasons: MbrMissReason[];
  resolution_misses: number;
  /** What is systemic: repeat defect patterns with an occurrence this month, seen in two months or more. */
  systemic_defects: MbrSystemicDefect[];
  /** Who owns the fix: the RACI accountable owners of the late queues and the owners of the systemic defects, sorted. */
  fix_owners: string[];
  resolution_attainment: number | null;
  previous_resolution_attainment: number | null;
  /** Open cases in their queue's oldest aging band at the month's end (at the as-of time for a partial month). */
  aged_backlog: number | null;
  previous_aged_backlog: number | null;
  /** growing: aged backlog up and attainment down against the previous month; contained: neither; mixed: one of them. */
  risk_state: (typeof RISK_STATES)[number];
  risk_reason: string;
}

export const mbrMonth = defineModel({
  name: "mbr_month",
  layer: "marts",
  grain: "one row per report month",
  // Also reads policy_queues, which the runner writes before any model.
  dependsOn: ["kpi_trends", "sla_attainment", "defects", "stg_cases"],
  build: ({ db, reportingTimeZone }) =>
    db
      .with("monthly_kpis", (qb) =>
        qb
          .selectFrom("kpi_trends")
          .where("period", "=", "month")
          .select(["kpi", "period_start", "month", "value", "unit", "better", "partial_period"]),
      )
      .with("kpi_changes", (qb) =>
        qb
          .selectFrom("monthly_kpis as k")
          .leftJoin("monthly_kpis as m", (join) =>
            join
              .onRef("m.kpi", "=", "k.kpi")
              .on(sql<boolean>`m.period_start = CAST(k.period_start - INTERVAL 1 MONTH AS DATE)`),
          )
          .leftJoin("monthly_kpis as y", (join) =>
            join
              .onRef("y.kpi", "=", "k.kpi")
              .on(sql<boolean>`y.period_start = CAST(k.period_start - INTERVAL 1 YEAR AS DATE)`),
          )
          .select([
            "k.month",
            "k.kpi",
            sql<MbrKpi>`{
              'kpi': k.kpi, 'unit': k.unit, 'better': k.better, 'value': k.value,
              'previous_month_value': m.value,
              'mom_change': k.value - m.value,
              'mom_change_pct': k.value / nullif(m.value, 0) - 1,
              'previous_year_value': y.value,
              'yoy_change': k.value - y.value,
              'yoy_change_pct': k.value / nullif(y.value, 0) - 1,
              'mom_direction': CASE WHEN k.value IS NULL OR m.value IS NULL THEN NULL
                WHEN k.value = m.value THEN 'flat'
                WHEN (k.value > m.value) = (k.better = 'higher') THEN 'better' ELSE 'worse' END
            }`.as("change"),
          ]),
      )
      .with("months", (qb) =>
        qb
          .selectFrom("kpi_changes")
          .groupBy("month")
          .select(["month", sql<MbrKpi[]>`list(change ORDER BY kpi)`.as("kpis")]),
      )
      .with("partial_months", (qb) =>
        qb
          .selectFrom("monthly_kpis")
          .groupBy("month")
          .select(["month", sql<boolean>`bool_or(partial_period)`.as("partial_month")]),
      )
      // What is late: resolution attainment of the month by queue, against the queue's due-weighted goal.
      // Counts that go into lists are INTEGER: a month's counts fit, and readers map them to plain numbers.
      .with("queue_attainment", (qb) =>
        qb
          .selectFrom("sla_attainment as a")
          .leftJoin("policy_queues as q", "q.queue", "a.queue")
          .where("a.period", "=", "month")
          .where("a.metric", "=", "resolution")
          .groupBy(["a.period_start", "a.queue", "q.responsible", "q.accountable"])
          .select([
            sql<string>`strftime(a.period_start, '%Y-%m')`.as("month"),
            "a.queue",
            sql<number>`CAST(sum(a.cycles_due) AS INTEGER)`.as("cycles_due"),
            sql<number>`CAST(sum(a.met) AS INTEGER)`.as("met"),
            sql<number>`CAST(sum(a.breached) AS INTEGER)`.as("breached"),
            sql<number>`sum(a.met) / sum(a.cycles_due)`.as("attainment"),
            sql<number>`sum(a.goal * a.cycles_due) / sum(a.cycles_due)`.as("goal"),
            sql<string | null>`q.responsible`.as("responsible"),
            sql<string | null>`q.accountable`.as("accountable"),
          ]),
      )
      .with("late", (qb) =>
        qb
          .selectFrom("queue_attainment")
          .where(sql<boolean>`attainment < goal`)
          .groupBy("month")
          .select([
            "month",
            sql<
              MbrLateQueue[]
            >`list({'queue': queue, 'cycles_due': cycles_due, 'met': met, 'breached': breached,
              'attainment': attainment, 'goal': goal, 'responsible': responsible, 'accountable': accountable}
              ORDER BY attainment - goal, queue)`.as("late_queues"),
            sql<string[]>`list(DISTINCT accountable) FILTER (WHERE accountable IS NOT NULL)`.as(
              "late_owners",
            ),
          ]),
      )
      // Why: the month's resolution misses by reason and owner, across queues.
      .with("reasons", (qb) =>
        qb
          .selectFrom(
            qb
              .selectFrom("sla_attainment")
              .where("period", "=", "month")
              .where("metric", "=", "resolution")
              .select([
                sql<string>`strftime(period_start, '%Y-%m')`.as("month"),
                sql<{
                  attributed_to: string;
                  owner_team: string | null;
                  misses: number;
                }>`unnest(misses_by_owner)`.as("reason"),
              ])
              .as("unnested"),
          )
          .groupBy(["month", sql`reason.attributed_to`, sql`reason.owner_team`])
          .select([
            "month",
            sql<string>`reason.attributed_to`.as("attributed_to"),
            sql<string | null>`reason.owner_team`.as("owner_team"),
            sql<number>`CAST(sum(reason.misses) AS INTEGER)`.as("misses"),
          ]),
      )
      .with("ranked_reasons", (qb) =>
        qb
          .selectFrom("reasons")
          .selectAll()
          .select([
            sql<number>`sum(misses) OVER (PARTITION BY month)`.as("month_misses"),
            sql<number>`row_number() OVER (PARTITION BY month ORDER BY misses DESC, attributed_to, owner_team)`.as(
              "rank",
            ),
          ]),
      )
      .with("why", (qb) =>
        qb
          .selectFrom("ranked_reasons")
          .groupBy("month")
          .select([
            "month",
            sql<
              MbrMissReason[]
            >`list({'attributed_to': attributed_to, 'owner_team': owner_team, 'misses': misses,
              'share': misses / month_misses} ORDER BY rank) FILTER (WHERE rank <= ${TOP_MISS_REASONS})`.as(
              "top_miss_reasons",
            ),
            sql<number>`CAST(sum(misses) AS BIGINT)`.as("resolution_misses"),
          ]),
      )
      // What is systemic: each defect pattern's occurrences by month, and the months seen so far.
      .with("defect_cases", (qb) =>
        qb
          .selectFrom("stg_cases as c")
          .innerJoin("defects as d", (join) =>
            join
              .onRef("d.source_system", "=", "c.source_system")
              .on(sql<boolean>`d.defect_ref = trim(c.defect_ref)`),
          )
          .where("c.root_cause", "=", "system_defect")
          .select([
            reportMonth(sql.ref("c.opened_at"), reportingTimeZone).as("month"),
            "d.source_system",
            "d.defect_ref",
            "d.first_seen_at",
            "d.status",
            "d.owner",
          ]),
      )
      .with("defect_months", (qb) =>
        qb
          .selectFrom("defect_cases")
          .groupBy(["month", "source_system", "defect_ref", "first_seen_at", "status", "owner"])
          .select([
            "month",
            "source_system",
            "defect_ref",
            "first_seen_at",
            "status",
            "owner",
            sql<number>`CAST(count(*) AS INTEGER)`.as("occurrences_in_month"),
          ]),
      )
      .with("systemic", (qb) =>
        qb
          .selectFrom(
            qb
              .selectFrom("defect_months")
              .selectAll()
              .select(
                sql<number>`CAST(count(*) OVER (PARTITION BY source_system, defect_ref ORDER BY month ROWS UNBOUNDED PRECEDING) AS INTEGER)`.as(
                  "months_seen_to_date",
                ),
              )
              .as("seen"),
          )
          .where("months_seen_to_date", ">=", 2)
          .groupBy("month")
          .select([
            "month",
            sql<MbrSystemicDefect[]>`list({'source_system': source_system, 'defect_ref': defect_ref,
              'occurrences_in_month': occurrences_in_month, 'months_seen_to_date': months_seen_to_date,
              'first_seen_at': first_seen_at, 'status': status, 'owner': owner}
              ORDER BY occurrences_in_month DESC, source_system, defect_ref)`.as("systemic_defects"),
            sql<string[]>`list(DISTINCT owner) FILTER (WHERE owner IS NOT NULL)`.as("defect_owners"),
          ]),
      )
      // Risk: the month's resolution attainment and aged backlog against the previous month's.
      .with("risk_inputs", (qb) =>
        qb
          .selectFrom("monthly_kpis as k")
          .where("k.kpi", "in", ["sla_resolution_attainment", "backlog_aged_cases"])
          .groupBy("k.month")
          .select([
            "k.month",
            sql<number | null>`max(k.value) FILTER (WHERE k.kpi = 'sla_resolution_attainment')`.as(
              "attainment",
            ),
            sql<number | null>`max(k.value) FILTER (WHERE k.kpi = 'backlog_aged_cases')`.as("aged_backlog"),
          ]),
      )
      .selectFrom("months as m")
      .innerJoin("partial_months as p", "p.month", "m.month")
      .leftJoin("late as l", "l.month", "m.month")
      .leftJoin("why as w", "w.month", "m.month")
      .leftJoin("systemic as s", "s.month", "m.month")
      .leftJoin("risk_inputs as r", "r.month", "m.month")
      .leftJoin("risk_inputs as pr", (join) =>
        join.on(sql<boolean>`pr.month = strftime(strptime(m.month, '%Y-%m') - INTERVAL 1 MONTH, '%Y-%m')`),
      )
      .select([
        "m.month",
        "p.partial_month",
        "m.kpis",
        sql<MbrLateQueue[]>`coalesce(l.late_queues, [])`.as("late_queues"),
        sql<number>`CAST(coalesce(len(l.late_queues), 0) AS BIGINT)`.as("late_queue_count"),
        sql<MbrMissReason[]>`coalesce(w.top_miss_reasons, [])`.as("top_miss_reasons"),
        sql<number>`coalesce(w.resolution_misses, 0)`.as("resolution_misses"),
        sql<MbrSystemicDefect[]>`coalesce(s.systemic_defects, [])`.as("systemic_defects"),
        sql<
          string[]
        >`list_sort(list_distinct(flatten([coalesce(l.late_owners, []), coalesce(s.defect_owners, [])])))`.as(
          "fix_owners",
        ),
        sql<number | null>`r.attainment`.as("resolution_attainment"),
        sql<number | null>`pr.attainment`.as("previous_resolution_attainment"),
        sql<number | null>`r.aged_backlog`.as("aged_backlog"),
        sql<number | null>`pr.aged_backlog`.as("previous_aged_backlog"),
        sql<string>`CASE
          WHEN r.attainment IS NULL OR pr.attainment IS NULL OR r.aged_backlog IS NULL OR pr.aged_backlog IS NULL
            THEN 'insufficient_data'
          WHEN r.aged_backlog > pr.aged_backlog AND r.attainment < pr.attainment THEN 'growing'
          WHEN r.aged_backlog <= pr.aged_backlog AND r.attainment >= pr.attainment THEN 'contained'
          ELSE 'mixed' END`.as("risk_state"),
        sql<string>`CASE
          WHEN r.attainment IS NULL OR pr.attainment IS NULL OR r.aged_backlog IS NULL OR pr.aged_backlog IS NULL
            THEN 'no attainment or aged backlog to compare with the previous month'
          ELSE 'aged backlog ' || CAST(pr.aged_backlog AS BIGINT) || ' → ' || CAST(r.aged_backlog AS BIGINT)
            || ', resolution attainment ' || printf('%.1f%%', 100 * pr.attainment) || ' → ' || printf('%.1f%%', 100 * r.attainment)
          END`.as("risk_reason"),
      ])
      .orderBy("m.month"),
  tests: [
    notNull(
      "month",
      "partial_month",
      "kpis",
      "late_queues",
      "top_miss_reasons",
      "systemic_defects",
      "fix_owners",
      "risk_state",
    ),
    unique("month"),
    acceptedValues("risk_state", RISK_STATES),
    invariant("late queues are counted", "late_queue_count = len(late_queues)"),
    invariant("at most the top miss reasons", `len(top_miss_reasons) <= ${TOP_MISS_REASONS}`),
    invariant(
      "the risk rule holds",
      `risk_state = 'insufficient_data' OR risk_state = CASE
        WHEN aged_backlog > previous_aged_backlog AND resolution_attainment < previous_resolution_attainment THEN 'growing'
        WHEN aged_backlog <= previous_aged_backlog AND resolution_attainment >= previous_resolution_attainment THEN 'contained'
        ELSE 'mixed' END`,
    ),
  ],
});
