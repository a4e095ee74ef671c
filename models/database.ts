/**
 * The one `Database` interface that types every table kysely sees: raw tables (derived from the zod
 * contracts, so they cannot drift) and each model's output (declared beside the model).
 */
import type { Adjustment } from "../ingest/contracts/adjustments.ts";
import type { Agent } from "../ingest/contracts/agents.ts";
import type { CaseEvent } from "../ingest/contracts/case-events.ts";
import type { Case } from "../ingest/contracts/cases.ts";
import type { OrderEvent } from "../ingest/contracts/order-events.ts";
import type { Order } from "../ingest/contracts/orders.ts";
import type { QaReview } from "../ingest/contracts/qa-reviews.ts";
import type { Shift } from "../ingest/contracts/shifts.ts";
import type { CalendarCoverageTable, CalendarSpansTable } from "./calendar/business-spans.ts";
import type { IntCaseQueueStays } from "./intermediate/int_case_queue_stays.ts";
import type { IntCaseSlaWindows } from "./intermediate/int_case_sla_windows.ts";
import type { IntCaseTimeline } from "./intermediate/int_case_timeline.ts";
import type { IntQaReviewsScored } from "./intermediate/int_qa_reviews_scored.ts";
import type { CaseSla } from "./marts/case_sla.ts";
import type { ControlExceptions } from "./marts/control_exceptions.ts";
import type { Defects } from "./marts/defects.ts";
import type { EscalationCompliance } from "./marts/escalation_compliance.ts";
import type { ExceptionThemes } from "./marts/exception_themes.ts";
import type { KpiTrends } from "./marts/kpi_trends.ts";
import type { MbrMonth } from "./marts/mbr_month.ts";
import type { OpenCaseNotes } from "./marts/open_case_notes.ts";
import type { OrderLifecycle } from "./marts/order_lifecycle.ts";
import type { QaCalibration } from "./marts/qa_calibration.ts";
import type { QaCoverage } from "./marts/qa_coverage.ts";
import type { QaReviewFindings } from "./marts/qa_review_findings.ts";
import type { QaScorecard } from "./marts/qa_scorecard.ts";
import type { QueueDay } from "./marts/queue_day.ts";
import type { RootCauseMix } from "./marts/root_cause_mix.ts";
import type { Routing } from "./marts/routing.ts";
import type { SlaAttainment } from "./marts/sla_attainment.ts";
import type { PolicyTables } from "./policy/tables.ts";
import type { StgAdjustments } from "./staging/stg_adjustments.ts";
import type { StgAgents } from "./staging/stg_agents.ts";
import type { StgCaseEvents } from "./staging/stg_case_events.ts";
import type { StgCases } from "./staging/stg_cases.ts";
import type { StgOrderEvents } from "./staging/stg_order_events.ts";
import type { StgOrders } from "./staging/stg_orders.ts";
import type { StgQaReviews } from "./staging/stg_qa_reviews.ts";
import type { StgShifts } from "./staging/stg_shifts.ts";

/** A contract row as stored: every column present, empty ones null, plus the load that wrote it. */
type Stored<T> = { [K in keyof T]-?: Exclude<T[K], undefined> } & { _load_id: number };

export interface BuildInfo {
  as_of: Date;
  policy_version: string;
  reporting_time_zone: string;
}

export interface Database extends PolicyTables {
  calendar_spans: CalendarSpansTable;
  calendar_coverage: CalendarCoverageTable;
  build_info: BuildInfo;
  "raw.agents": Stored<Agent>;
  "raw.orders": Stored<Order>;
  "raw.order_events": Stored<OrderEvent>;
  "raw.cases": Stored<Case>;
  "raw.case_events": Stored<CaseEvent>;
  "raw.qa_reviews": Stored<QaReview>;
  "raw.adjustments": Stored<Adjustment>;
  "raw.shifts": Stored<Shift>;
  stg_agents: StgAgents;
  stg_orders: StgOrders;
  stg_order_events: StgOrderEvents;
  stg_cases: StgCases;
  stg_case_events: StgCaseEvents;
  stg_qa_reviews: StgQaReviews;
  stg_adjustments: StgAdjustments;
  stg_shifts: StgShifts;
  int_case_timeline: IntCaseTimeline;
  int_case_queue_stays: IntCaseQueueStays;
  int_case_sla_windows: IntCaseSlaWindows;
  case_sla: CaseSla;
  sla_attainment: SlaAttainment;
  escalation_compliance: EscalationCompliance;
  routing: Routing;
  order_lifecycle: OrderLifecycle;
  queue_day: QueueDay;
  qa_review_findings: QaReviewFindings;
  open_case_notes: OpenCaseNotes;
  int_qa_reviews_scored: IntQaReviewsScored;
  exception_themes: ExceptionThemes;
  defects: Defects;
  root_cause_mix: RootCauseMix;
  qa_scorecard: QaScorecard;
  qa_coverage: QaCoverage;
  qa_calibration: QaCalibration;
  control_exceptions: ControlExceptions;
  kpi_trends: KpiTrends;
  mbr_month: MbrMonth;
}
