/**
 * Every number the site shows, defined once: what it means, its unit, which way is better, and the mart
 * columns it is read from. The site's glossary page is generated from this list (reports/src/data/
 * glossary.json.ts), and pages label KPIs with `name`. The wording follows docs/models.md and
 * docs/semantics (shared design); a test checks every `source` column exists in a built warehouse.
 * The KPIs (`KPIS`) also say how kpi_trends reads them, so the mart and the glossary share one list.
 * Plain data, no imports: the site's data loaders read this file.
 */

export type MetricUnit =
  | "cases"
  | "orders"
  | "count"
  | "share"
  | "seconds"
  | "points"
  | "points_squared"
  | "per_1000_orders"
  | "agents"
  | "coefficient"
  | "state"
  | "text";

export const METRIC_TOPICS = [
  "Queue flow and backlog",
  "SLA",
  "Orders and exceptions",
  "Defects and root causes",
  "Quality",
  "Controls",
  "Staffing and simulation",
  "Monthly business review",
] as const;
export type MetricTopic = (typeof METRIC_TOPICS)[number];

export interface MetricDefinition {
  /** Stable id, snake_case: a KPI's id is its kpi_trends name; the glossary anchors on it. */
  id: string;
  /** Short label pages use. */
  name: string;
  topic: MetricTopic;
  /** What the number means, in one or two sentences. */
  definition: string;
  unit: MetricUnit;
  /** Which way is better, when one is. */
  better?: "higher" | "lower";
  /** Where it is read from: `table.column` of a mart (or sim_* table). */
  source: string[];
}

/** A KPI's unit: the metric units kpi_trends reports in. */
export type KpiUnit = Extract<
  MetricUnit,
  "seconds" | "share" | "points" | "points_squared" | "cases" | "per_1000_orders"
>;

/** The models kpi_trends reads observations from (its dependencies). */
export type KpiSource =
  | "order_lifecycle"
  | "case_sla"
  | "int_qa_reviews_scored"
  | "qa_calibration"
  | "sla_attainment"
  | "queue_day";

/**
 * Where a KPI's observations come from: rows of a model, each dated on a local day, with a value and a
 * weight (a ratio's numerator and denominator; 1 per observation otherwise). Expressions are SQL over the
 * source's columns; kpi_trends turns each into one SELECT of its `facts`.
 */
export type KpiObservations = ObservationRows & (DatedAt | DatedOn);

interface ObservationRows {
  from: KpiSource;
  /** One row per element of this list column, the element named `as` (e.g. a day's aging bands). */
  unnest?: { list: string; as: string };
  /** Which rows are observations; every row when absent. */
  where?: string;
  value: string;
  /** A ratio's denominator; 1.0 when absent. */
  weight?: string;
  /** One observation per `day`: `value` aggregates the day's rows (a stock across queues). */
  perDay?: boolean;
}

/** Dated by an instant: its local day in the reporting zone. */
interface DatedAt {
  datedAt: string;
  day?: never;
}

/** Dated by a date that is a local day already (a queue's day, a month's first day). */
interface DatedOn {
  day: string;
  datedAt?: never;
}

export interface KpiDefinition {
  name: string;
  topic: MetricTopic;
  definition: string;
  unit: KpiUnit;
  better: "higher" | "lower";
  /**
   * How a period's observations become its value: the median or mean of the observations; a ratio
   * Σ numerator ÷ Σ denominator; or the last day's value (a stock such as the backlog, read at the end
   * of the period).
   */
  aggregation: "median" | "mean" | "ratio" | "last";
  /** Reported for months only (calibration sessions are monthly). */
  monthOnly?: boolean;
  observations: KpiObservations;
}

/** A duration column of a row, dated by an instant; rows without the duration are no observation. */
const duration = (from: KpiSource, column: string, datedAt: string): KpiObservations => ({
  from,
  where: `${column} IS NOT NULL`,
  datedAt,
  value: `CAST(${column} AS DOUBLE)`,
});

/** A resolution clock of case_sla that stopped, by the day it stopped (every cycle of every case). */
const stoppedResolution = (column: string): KpiObservations => ({
  from: "case_sla",
  where: "metric = 'resolution' AND stopped_at IS NOT NULL",
  datedAt: "stopped_at",
  value: `CAST(${column} AS DOUBLE)`,
});

/** Scorecard reviews (calibration reviews score the reviewers, not the work), by the day reviewed. */
const scorecardReview = (value: string): KpiObservations => ({
  from: "int_qa_reviews_scored",
  where: "calibration_session_id IS NULL",
  datedAt: "reviewed_at",
  value,
});

/** Attainment is additive in met and due cycles, so sla_attainment's day rows roll up to any period. */
const attainment = (metric: "resolution" | "first_touch"): KpiObservations => ({
  from: "sla_attainment",
  where: `period = 'day' AND metric = '${metric}'`,
  day: "period_start",
  value: "CAST(met AS DOUBLE)",
  weight: "CAST(met + breached AS DOUBLE)",
});

/**
 * The KPIs of kpi_trends: what each means (docs/models.md, "kpi_trends"), how it reads and where its
 * observations come from. The one list of them: the mart, its tests and the glossary all read it.
 */
export const KPIS = {
  order_release_turnaround_business_s: {
    name: "Order release turnaround (business time)",
    topic: "Orders and exceptions",
    definition:
      "Median time from an order being placed to its release, in business time of the order desk's calendar, dated by the release.",
    unit: "seconds",
    better: "lower",
    aggregation: "median",
    observations: duration("order_lifecycle", "placed_to_released_business_s", "released_at"),
  },
  order_release_turnaround_actual_s: {
    name: "Order release turnaround (wall clock)",
    topic: "Orders and exceptions",
    definition: "Median time from an order being placed to its release, in wall-clock time.",
    unit: "seconds",
    better: "lower",
    aggregation: "median",
    observations: duration("order_lifecycle", "placed_to_released_actual_s", "released_at"),
  },
  order_ship_turnaround_business_s: {
    name: "Order ship turnaround (business time)",
    topic: "Orders and exceptions",
    definition:
      "Median time from an order being placed to its shipment, in business time, dated by the shipment.",
    unit: "seconds",
    better: "lower",
    aggregation: "median",
    observations: duration("order_lifecycle", "placed_to_shipped_business_s", "shipped_at"),
  },
  order_accuracy_rate: {
    name: "Order accuracy",
    topic: "Orders and exceptions",
    definition: "Shipped orders with no case whose root cause is agent error ÷ shipped orders.",
    unit: "share",
    better: "higher",
    aggregation: "ratio",
    observations: {
      from: "order_lifecycle",
      where: "shipped_at IS NOT NULL",
      datedAt: "shipped_at",
      value: "CASE WHEN has_agent_error_case THEN 0.0 ELSE 1.0 END",
    },
  },
  exception_rate_per_1000_orders: {
    name: "Exception rate",
    topic: "Orders and exceptions",
    definition: "Orders with any exception case ÷ orders placed × 1,000, dated by placement.",
    unit: "per_1000_orders",
    better: "lower",
    aggregation: "ratio",
    observations: {
      from: "order_lifecycle",
      datedAt: "placed_at",
      value: "CASE WHEN exception_cases > 0 THEN 1000.0 ELSE 0.0 END",
    },
  },
  exception_resolution_business_s: {
    name: "Exception resolution time (business)",
    topic: "SLA",
    definition:
      "Median resolution clock of the SLA cycles that stopped in the period, in business time of the queue's calendar.",
    unit: "seconds",
    better: "lower",
    aggregation: "median",
    observations: stoppedResolution("elapsed_business_s"),
  },
  exception_resolution_actual_s: {
    name: "Exception resolution time (wall clock)",
    topic: "SLA",
    definition: "Median resolution clock of the SLA cycles that stopped in the period, in wall-clock time.",
    unit: "seconds",
    better: "lower",
    aggregation: "median",
    observations: stoppedResolution("elapsed_actual_s"),
  },
  return_to_refund_actual_s: {
    name: "Return to refund",
    topic: "Orders and exceptions",
    definition: "Median wall-clock time from a return being requested to the refund being issued.",
    unit: "seconds",
    better: "lower",
    aggregation: "median",
    observations: duration("order_lifecycle", "return_to_refund_actual_s", "refund_issued_at"),
  },
  qa_score: {
    name: "QA score",
    topic: "Quality",
    definition:
      "Mean weighted QA score (0–100) of the period's reviews; calibration-session reviews are left out.",
    unit: "points",
    better: "higher",
    aggregation: "mean",
    observations: scorecardReview("CAST(weighted_score AS DOUBLE)"),
  },
  qa_pass_rate: {
    name: "QA pass rate",
    topic: "Quality",
    definition: "Reviews at or above the policy's pass mark ÷ reviews (calibration reviews left out).",
    unit: "share",
    better: "higher",
    aggregation: "ratio",
    observations: scorecardReview("CASE WHEN passed THEN 1.0 ELSE 0.0 END"),
  },
  qa_calibration_variance: {
    name: "Calibration variance",
    topic: "Quality",
    definition:
      "The month's pooled variance between reviewers' mean weighted scores in calibration sessions; months only.",
    unit: "points_squared",
    better: "lower",
    aggregation: "mean",
    monthOnly: true,
    // The month's pooled calibration of the weighted score, dated on the month's first day.
    observations: {
      from: "qa_calibration",
      where: "grain = 'month' AND dimension = 'weighted_score' AND between_reviewer_variance IS NOT NULL",
      day: "CAST(strptime(month, '%Y-%m') AS DATE)",
      value: "between_reviewer_variance",
    },
  },
  sla_resolution_attainment: {
    name: "SLA attainment (resolution)",
    topic: "SLA",
    definition:
      "Resolution cycles met ÷ (met + breached) among the cycles whose target fell due in the period; open cycles already past due count as breached.",
    unit: "share",
    better: "higher",
    aggregation: "ratio",
    observations: attainment("resolution"),
  },
  sla_first_touch_attainment: {
    name: "SLA attainment (first touch)",
    topic: "SLA",
    definition: "First-touch cycles met ÷ (met + breached) among those whose target fell due in the period.",
    unit: "share",
    better: "higher",
    aggregation: "ratio",
    observations: attainment("first_touch"),
  },
  // The backlog at each day's end, across queues (each queue's days in its own calendar's zone).
  backlog_open_cases: {
    name: "Open backlog",
    topic: "Queue flow and backlog",
    definition: "Cases open at the end of the period's last day, all queues (queue_day's carryover).",
    unit: "cases",
    better: "lower",
    aggregation: "last",
    observations: { from: "queue_day", day: "day", perDay: true, value: "CAST(sum(carryover) AS DOUBLE)" },
  },
  backlog_aged_cases: {
    name: "Aged backlog",
    topic: "Queue flow and backlog",
    definition: "Of the open backlog, the cases in their queue's oldest aging band (e.g. 3 days and older).",
    unit: "cases",
    better: "lower",
    aggregation: "last",
    observations: {
      from: "queue_day",
      unnest: { list: "backlog_by_age", as: "band" },
      where: "band.band_order = len(backlog_by_age)",
      day: "day",
      perDay: true,
      value: "CAST(sum(band.cases) AS DOUBLE)",
    },
  },
  backlog_oldest_open_age_s: {
    name: "Oldest open case",
    topic: "Queue flow and backlog",
    definition:
      "Age of the oldest open case at the end of the period's last day, on each queue's aging clock.",
    unit: "seconds",
    better: "lower",
    aggregation: "last",
    observations: {
      from: "queue_day",
      where: "oldest_open_age_s IS NOT NULL",
      day: "day",
      perDay: true,
      value: "CAST(max(oldest_open_age_s) AS DOUBLE)",
    },
  },
} as const satisfies Record<string, KpiDefinition>;
export type Kpi = keyof typeof KPIS;
export const KPI_NAMES = Object.keys(KPIS) as Kpi[];

// The glossary's view of a KPI: its definition fields, read from kpi_trends and the MBR.
const KPI_METRICS: MetricDefinition[] = KPI_NAMES.map((kpi) => {
  const { name, topic, definition, unit, better } = KPIS[kpi];
  return { id: kpi, name, topic, definition, unit, better, source: ["kpi_trends.value", "mbr_month.kpis"] };
});

const OTHER_METRICS: MetricDefinition[] = [
  // Queue flow and backlog (queue_day: one row per queue per day, days in the queue's time zone).
  {
    id: "receipts",
    name: "Receipts",
    topic: "Queue flow and backlog",
    definition: "Cases that entered the queue that day: opened in it, transferred in or reopened.",
    unit: "cases",
    source: ["queue_day.receipts"],
  },
  {
    id: "completions",
    name: "Completions",
    topic: "Queue flow and backlog",
    definition: "Cases that left the queue resolved or closed that day.",
    unit: "cases",
    source: ["queue_day.completions"],
  },
  {
    id: "cancellations",
    name: "Cancellations",
    topic: "Queue flow and backlog",
    definition: "Cases that left the queue cancelled that day.",
    unit: "cases",
    source: ["queue_day.cancellations"],
  },
  {
    id: "transfers_out",
    name: "Transfers out",
    topic: "Queue flow and backlog",
    definition: "Cases transferred out to another queue that day (counted apart from completions).",
    unit: "cases",
    source: ["queue_day.transfers_out"],
  },
  {
    id: "carryover",
    name: "Carryover (open at end of day)",
    topic: "Queue flow and backlog",
    definition:
      "Cases still open at the end of the day: open at the start + receipts − completions − cancellations − transfers out.",
    unit: "cases",
    better: "lower",
    source: ["queue_day.carryover"],
  },
  {
    id: "recovery_rate",
    name: "Recovery rate",
    topic: "Queue flow and backlog",
    definition:
      "Share of the backlog open at the start of the day that left the queue that day (recovered ÷ open at start); for a week, the days' recovered ÷ the days' opening backlogs.",
    unit: "share",
    better: "higher",
    source: ["queue_day.recovered", "queue_day.open_start", "queue_day.recovery_rate"],
  },
  {
    id: "aging_band",
    name: "Aging band",
    topic: "Queue flow and backlog",
    definition:
      "The open cases at the end of the day by age, in the queue's own bands (policy); ages count from the start of the case's SLA cycle on the queue's aging clock (actual or business time).",
    unit: "cases",
    source: ["queue_day.backlog_by_age"],
  },
  {
    id: "oldest_open_age",
    name: "Oldest open case (queue)",
    topic: "Queue flow and backlog",
    definition: "Age of the oldest case in the queue's carryover, on the queue's aging clock.",
    unit: "seconds",
    better: "lower",
    source: ["queue_day.oldest_open_age_s"],
  },
  {
    id: "backlog_state",
    name: "Backlog control state",
    topic: "Queue flow and backlog",
    definition:
      "Green, amber or red from the policy's thresholds on open cases and oldest age: red when either red threshold is reached, else amber likewise.",
    unit: "state",
    source: ["queue_day.backlog_state"],
  },
  {
    id: "open_cycles",
    name: "Open SLA cycles",
    topic: "Queue flow and backlog",
    definition:
      "Resolution cycles not yet stopped, by queue, work type and priority tier: running, paused on a pausing dependency, at risk or already past due.",
    unit: "cases",
    source: ["case_sla.state", "case_sla.work_type"],
  },
  // SLA.
  {
    id: "sla_attainment",
    name: "SLA attainment",
    topic: "SLA",
    definition:
      "Met ÷ (met + breached) over the cycles whose target fell due in the period (its due time, moved out by pauses); open cycles already past due count as breached in the period they breached.",
    unit: "share",
    better: "higher",
    source: ["sla_attainment.met", "sla_attainment.breached", "sla_attainment.attainment"],
  },
  {
    id: "sla_goal",
    name: "SLA goal",
    topic: "SLA",
    definition:
      "The attainment the policy asks of the queue's work type and priority tier (first-touch goal for first touch).",
    unit: "share",
    source: ["sla_attainment.goal"],
  },
  {
    id: "first_cycle_attainment",
    name: "First-cycle attainment",
    topic: "SLA",
    definition:
      "The same ratio over first cycles only; a reopened case starts a new cycle, which the all-cycle view counts.",
    unit: "share",
    better: "higher",
    source: ["sla_attainment.first_cycle_attainment"],
  },
  {
    id: "at_risk",
    name: "At risk",
    topic: "SLA",
    definition:
      "An open cycle that has used at least 75% of its target; open-breached when it is already past due.",
    unit: "cases",
    better: "lower",
    source: ["case_sla.state", "case_sla.target_used"],
  },
  {
    id: "breach_attributed_to",
    name: "Miss reason",
    topic: "SLA",
    definition:
      "A breach is attributed to a non-pausing dependency when the case would have met its target without that dependency's time; to misrouting for time spent in a queue the case was later transferred out of; otherwise to the operating team.",
    unit: "text",
    source: ["case_sla.breach_attributed_to", "sla_attainment.misses_by_owner"],
  },
  {
    id: "breach_owner_team",
    name: "Miss owner",
    topic: "SLA",
    definition:
      "The team a miss is attributed to: the dependency's owner team (policy), or the queue's responsible team.",
    unit: "text",
    source: ["case_sla.breach_owner_team"],
  },
  {
    id: "misrouting_delay",
    name: "Misrouting delay",
    topic: "SLA",
    definition:
      "Wall-clock time from a cycle's start to its last transfer: the time spent in queues the case was later transferred out of.",
    unit: "seconds",
    better: "lower",
    source: ["routing.delay_actual_s", "routing.transfers"],
  },
  // Orders and exceptions.
  {
    id: "exception_cases",
    name: "Exception cases",
    topic: "Orders and exceptions",
    definition:
      "Cases opened in the week, in their queue, under their exception theme; cancelled cases count.",
    unit: "cases",
    source: ["exception_themes.cases"],
  },
  {
    id: "theme_rate_per_1000_orders",
    name: "Exception rate by theme",
    topic: "Orders and exceptions",
    definition: "Orders a theme's cases are about ÷ orders placed that week × 1,000.",
    unit: "per_1000_orders",
    better: "lower",
    source: ["exception_themes.orders_affected", "exception_themes.orders_placed"],
  },
  {
    id: "pareto_share",
    name: "Pareto share",
    topic: "Orders and exceptions",
    definition:
      "A theme's share of the cases in view, themes ranked by cases; the cumulative share adds every theme ranked above it.",
    unit: "share",
    source: ["exception_themes.cases"],
  },
  {
    id: "change_vs_prior_4_weeks",
    name: "Change against the prior 4 weeks",
    topic: "Orders and exceptions",
    definition:
      "A week's cases minus the mean weekly cases of the same queue and theme over the 4 weeks before.",
    unit: "cases",
    source: ["exception_themes.change_vs_prior_4_weeks", "exception_themes.prior_4_weeks_avg_cases"],
  },
  {
    id: "inventory_exceptions",
    name: "Inventory exceptions",
    topic: "Orders and exceptions",
    definition:
      "The inventory family of themes (oversell, backorder conflict, substitution approval, warehouse mismatch), reported on its own: one fix owner, stock and allocation, whichever queue they surface in.",
    unit: "cases",
    source: ["exception_themes.family"],
  },
  // Defects and root causes.
  {
    id: "defect_pattern",
    name: "Repeat failure pattern",
    topic: "Defects and root causes",
    definition:
      "A source system and defect reference that system-defect cases name at least the policy's minimum number of times within one window.",
    unit: "count",
    source: ["defects.source_system", "defects.defect_ref"],
  },
  {
    id: "defect_occurrences",
    name: "Occurrences",
    topic: "Defects and root causes",
    definition:
      "System-defect cases naming the pattern over all the data; months seen counts the months with one.",
    unit: "cases",
    source: ["defects.occurrences", "defects.months_seen"],
  },
  {
    id: "defect_status",
    name: "Corrective action status",
    topic: "Defects and root causes",
    definition:
      "Contained when none of the pattern's cases is open and none was opened within one window before the data's as-of time; otherwise open.",
    unit: "state",
    source: ["defects.status", "defects.contained_at"],
  },
  {
    id: "defect_owner",
    name: "Fix owner",
    topic: "Defects and root causes",
    definition:
      "The owner team most of the pattern's cases name, else the RACI accountable of the queue most of them sit in.",
    unit: "text",
    source: ["defects.owner", "defects.owner_source"],
  },
  {
    id: "defect_age",
    name: "Pattern age",
    topic: "Defects and root causes",
    definition: "Time from the pattern's detection to the data's as-of time (or to containment).",
    unit: "seconds",
    source: ["defects.detected_at", "defects.contained_at"],
  },
  {
    id: "root_cause_share",
    name: "Root-cause share",
    topic: "Defects and root causes",
    definition:
      "Cases opened in the month by root cause ÷ the queue's cases that month; agent error, unclear policy, system defect and upstream data kept apart, unassigned when none is recorded yet.",
    unit: "share",
    source: ["root_cause_mix.cases", "root_cause_mix.share"],
  },
  // Quality.
  {
    id: "weighted_score",
    name: "Weighted QA score",
    topic: "Quality",
    definition:
      "Σ weight × dimension score over the six scorecard dimensions with the policy's weights: a weighted mean on 0–100.",
    unit: "points",
    better: "higher",
    source: ["qa_scorecard.weighted_score_mean"],
  },
  {
    id: "pass_rate",
    name: "Pass rate",
    topic: "Quality",
    definition: "Reviews whose weighted score reached the policy's pass mark ÷ reviews.",
    unit: "share",
    better: "higher",
    source: ["qa_scorecard.passes", "qa_scorecard.reviews"],
  },
  {
    id: "sampling_coverage",
    name: "Sampling coverage",
    topic: "Quality",
    definition:
      "Of the cases of a work type completed in the month, those with at least one QA review ÷ those completed, against the policy's sampling target.",
    unit: "share",
    better: "higher",
    source: ["qa_coverage.coverage", "qa_coverage.target", "qa_coverage.reviews_short"],
  },
  {
    id: "krippendorff_alpha",
    name: "Krippendorff's alpha",
    topic: "Quality",
    definition:
      "Agreement of reviewers who scored the same cases in calibration sessions (interval metric, missing ratings allowed): 1 is perfect agreement, 0 what chance would give.",
    unit: "coefficient",
    better: "higher",
    source: ["qa_calibration.krippendorff_alpha"],
  },
  {
    id: "icc2_1",
    name: "ICC(2,1)",
    topic: "Quality",
    definition: "Intraclass correlation, Shrout & Fleiss: two-way random, absolute agreement, single rater.",
    unit: "coefficient",
    better: "higher",
    source: ["qa_calibration.icc2_1"],
  },
  {
    id: "reviewer_deviation",
    name: "Reviewer deviation",
    topic: "Quality",
    definition:
      "A reviewer's mean of (own score − the other reviewers' mean score) on the cases scored together; positive is more lenient. Outside tolerance when its size is above the policy's calibration tolerance.",
    unit: "points",
    source: ["qa_calibration.reviewer_deviations", "qa_calibration.tolerance"],
  },
  {
    id: "between_reviewer_variance",
    name: "Between-reviewer variance",
    topic: "Quality",
    definition: "Sample variance of the reviewers' mean scores in the calibration matrix.",
    unit: "points_squared",
    better: "lower",
    source: ["qa_calibration.between_reviewer_variance"],
  },
  // Controls.
  {
    id: "control_exception",
    name: "Control exception",
    topic: "Controls",
    definition:
      "An adjustment that breaks a control rule: segregation of duties, a missing second approver, missing evidence, or a record outside policy. Each names the record, the rule and the people (by id).",
    unit: "count",
    better: "lower",
    source: ["control_exceptions.rule_type", "control_exceptions.rule", "control_exceptions.people"],
  },
  {
    id: "segregation_of_duties",
    name: "Segregation of duties",
    topic: "Controls",
    definition: "The same person may not request and approve, nor approve and execute, an adjustment.",
    unit: "count",
    better: "lower",
    source: ["control_exceptions.rule_type"],
  },
  {
    id: "escalation_compliance",
    name: "Escalation compliance",
    topic: "Controls",
    definition:
      "Cases that crossed an aging escalation threshold: on time when escalated to that level by then, late when escalated after, missing when not escalated.",
    unit: "count",
    source: ["escalation_compliance.status", "escalation_compliance.is_exception"],
  },
  // Staffing and simulation.
  {
    id: "sim_sla_attainment",
    name: "Simulated attainment",
    topic: "Staffing and simulation",
    definition:
      "Met ÷ (met + missed) over the simulated cycles decided by the horizon, mean over replications with a 95% confidence interval; per interval, by due time.",
    unit: "share",
    better: "higher",
    source: ["sim_summary.mean", "sim_interval.sla_met", "sim_interval.sla_due"],
  },
  {
    id: "occupancy",
    name: "Occupancy",
    topic: "Staffing and simulation",
    definition: "Agent time spent handling ÷ agent time available.",
    unit: "share",
    source: ["sim_interval.occupancy", "sim_staff_interval.occupancy"],
  },
  {
    id: "productive_agents",
    name: "Agents on duty (simulated)",
    topic: "Staffing and simulation",
    definition:
      "Rostered agents after breaks and shrinkage, plus overtime agents: a time average over the interval.",
    unit: "agents",
    source: ["sim_staff_interval.productive_agents", "sim_staff_interval.overtime_agents"],
  },
  {
    id: "erlang_required_agents",
    name: "Erlang baseline agents",
    topic: "Staffing and simulation",
    definition:
      "Agents Erlang C (Erlang A with patience) needs for the interval's mean arrival rate to reach the queue's attainment target, with the work per cycle as handle time and the SLA target as threshold (less the work for a resolution target), summed over the queues a group serves first.",
    unit: "agents",
    source: ["sim_run.scenario_file"],
  },
  {
    id: "asa",
    name: "Average speed of answer",
    topic: "Staffing and simulation",
    definition: "Mean wait to the first handling of the simulated cycles that were handled.",
    unit: "seconds",
    better: "lower",
    source: ["sim_summary.mean"],
  },
  {
    id: "backtest_mae",
    name: "Backtest MAE",
    topic: "Staffing and simulation",
    definition: "Mean |predicted − actual| over the queue-days of a backtest where both exist.",
    unit: "count",
    better: "lower",
    source: ["sim_backtest_summary.mae"],
  },
  {
    id: "backtest_wape",
    name: "Backtest WAPE",
    topic: "Staffing and simulation",
    definition:
      "Σ|predicted − actual| ÷ Σ|actual|: stays defined on days with a zero actual and weighs busy days more.",
    unit: "share",
    better: "lower",
    source: ["sim_backtest_summary.wape"],
  },
  {
    id: "backtest_bias",
    name: "Backtest bias",
    topic: "Staffing and simulation",
    definition: "Mean of predicted − actual: positive when the simulator over-predicts.",
    unit: "count",
    source: ["sim_backtest_summary.bias"],
  },
  // Monthly business review.
  {
    id: "late_queue",
    name: "Late queue",
    topic: "Monthly business review",
    definition:
      "A queue whose resolution attainment over the cycles due in the month is below its goal (the tiers' goals weighted by the cycles due in each), with its RACI responsible and accountable.",
    unit: "text",
    source: ["mbr_month.late_queues"],
  },
  {
    id: "fix_owners",
    name: "Fix owners",
    topic: "Monthly business review",
    definition:
      "The RACI accountable owners of the late queues and the owners of the month's systemic defects.",
    unit: "text",
    source: ["mbr_month.fix_owners"],
  },
  {
    id: "systemic_defect",
    name: "Systemic defect",
    topic: "Monthly business review",
    definition:
      "A repeat failure pattern with an occurrence in the month that has occurred in two months or more up to it.",
    unit: "text",
    source: ["mbr_month.systemic_defects"],
  },
  {
    id: "risk_state",
    name: "Risk: growing or contained",
    topic: "Monthly business review",
    definition:
      "Growing when the aged backlog at the month's end is above the previous month's and resolution attainment fell; contained when neither worsened; mixed when one did; insufficient data without both months.",
    unit: "state",
    source: ["mbr_month.risk_state", "mbr_month.risk_reason"],
  },
  {
    id: "mom_change",
    name: "Change on the previous month",
    topic: "Monthly business review",
    definition:
      "A KPI's value minus the previous month's (and as a percentage); better, worse or flat in the KPI's own direction. The same against the month a year before when the data reaches it.",
    unit: "count",
    source: ["mbr_month.kpis"],
  },
];

export const METRICS: readonly MetricDefinition[] = [...KPI_METRICS, ...OTHER_METRICS];

export function metric(id: string): MetricDefinition {
  const found = METRICS.find((m) => m.id === id);
  if (!found) throw new Error(`no metric named ${id} in models/metrics.ts`);
  return found;
}
