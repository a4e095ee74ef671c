/** Every model, in no particular order: the runner orders them by their dependencies. */

import { intCaseQueueStays } from "./intermediate/int_case_queue_stays.ts";
import { intCaseSlaWindows } from "./intermediate/int_case_sla_windows.ts";
import { intCaseTimeline } from "./intermediate/int_case_timeline.ts";
import { intQaReviewsScored } from "./intermediate/int_qa_reviews_scored.ts";
import { caseSla } from "./marts/case_sla.ts";
import { controlExceptions } from "./marts/control_exceptions.ts";
import { defects } from "./marts/defects.ts";
import { escalationCompliance } from "./marts/escalation_compliance.ts";
import { exceptionThemes } from "./marts/exception_themes.ts";
import { kpiTrends } from "./marts/kpi_trends.ts";
import { mbrMonth } from "./marts/mbr_month.ts";
import { openCaseNotes } from "./marts/open_case_notes.ts";
import { orderLifecycle } from "./marts/order_lifecycle.ts";
import { qaCalibration } from "./marts/qa_calibration.ts";
import { qaCoverage } from "./marts/qa_coverage.ts";
import { qaReviewFindings } from "./marts/qa_review_findings.ts";
import { qaScorecard } from "./marts/qa_scorecard.ts";
import { queueDay } from "./marts/queue_day.ts";
import { rootCauseMix } from "./marts/root_cause_mix.ts";
import { routing } from "./marts/routing.ts";
import { slaAttainment } from "./marts/sla_attainment.ts";
import type { Model } from "./model.ts";
import { stgAdjustments } from "./staging/stg_adjustments.ts";
import { stgAgents } from "./staging/stg_agents.ts";
import { stgCaseEvents } from "./staging/stg_case_events.ts";
import { stgCases } from "./staging/stg_cases.ts";
import { stgOrderEvents } from "./staging/stg_order_events.ts";
import { stgOrders } from "./staging/stg_orders.ts";
import { stgQaReviews } from "./staging/stg_qa_reviews.ts";
import { stgShifts } from "./staging/stg_shifts.ts";

export const MODELS: readonly Model[] = [
  stgAgents,
  stgOrders,
  stgOrderEvents,
  stgCases,
  stgCaseEvents,
  stgQaReviews,
  stgAdjustments,
  stgShifts,
  intCaseTimeline,
  intCaseQueueStays,
  intCaseSlaWindows,
  caseSla,
  slaAttainment,
  escalationCompliance,
  routing,
  orderLifecycle,
  queueDay,
  intQaReviewsScored,
  exceptionThemes,
  defects,
  rootCauseMix,
  qaScorecard,
  qaCoverage,
  qaCalibration,
  qaReviewFindings,
  controlExceptions,
  kpiTrends,
  mbrMonth,
  openCaseNotes,
];
