/**
 * Backtest: simulate a past period as it was — its actual staffing (the dated roster), its actual
 * daily volumes per segment (shaped by the calibrated hour-of-week profile), the cases open at its
 * start — and compare the prediction with what happened, per queue and local day (the queue
 * calendar's zone; only days wholly inside the period):
 *
 * - `sla_attainment`: resolution SLA cycles that fell due that day, met ÷ (met + breached); open
 *   cycles past due count as breached (docs/semantics.md). Actual: the `case_sla` mart when the
 *   warehouse has it, else computed here from int_case_timeline with the same rules
 *   (`actualSlaFromTimeline`). Predicted: the simulator's cycles by due time, pooled over
 *   replications (Σ met ÷ Σ due).
 * - `backlog`: cases open in the queue at the end of the day (the carryover), waiting on a
 *   dependency included. Predicted: mean over replications.
 * - `wait_s`: mean time from entering the queue (opening, transfer in, reopen) to the first handling,
 *   of the stays first handled that day. Predicted: pooled over replications.
 *
 * Errors per measure, over (queue, day) pairs where both sides are defined: MAE (mean |p − a|), MAPE
 * (mean |p − a| ÷ |a| over pairs with a ≠ 0 only — zero actuals are left out of MAPE and counted in
 * `zero_actuals`), WAPE (Σ|p − a| ÷ Σ|a|, defined with zeros) and bias (mean p − a).
 */
import { createHash } from "node:crypto";
import type { Warehouse } from "../../ingest/warehouse.ts";
import type { Policy } from "../../models/policy/schema.ts";
import { BusinessCalendar } from "../calendar.ts";
import { runScenario } from "../run-scenario.ts";
import { ScenarioSpec } from "../scenario.ts";
import { compileScenario } from "../scenario-plan.ts";
import { zoneClock } from "../time-zone.ts";
import {
  type Calibration,
  calibrate,
  localMidnight,
  nextDate,
  queueOfSegment,
  type Split,
  tierOf,
} from "./calibrate.ts";
import { readStays } from "./extract.ts";
import { localDates } from "./roster.ts";

export const BACKTEST_MEASURES = ["sla_attainment", "backlog", "wait_s"] as const;
export type BacktestMeasure = (typeof BACKTEST_MEASURES)[number];

export interface BacktestOptions {
  from: string;
  to: string;
  policy: Policy;
  replications?: number;
  seed?: number;
  split?: Split;
  /** Where actual attainment comes from: the case_sla mart when present (`auto`), or always computed. */
  actualSla?: "auto" | "computed";
}

export interface BacktestDay {
  queue: string;
  day: string;
  measure: BacktestMeasure;
  predicted: number | null;
  actual: number | null;
  /** predicted − actual (null unless both are defined). */
  error: number | null;
}

export interface BacktestError {
  /** A queue, or `all`. */
  queue: string;
  measure: BacktestMeasure;
  /** (queue, day) pairs with both values. */
  n: number;
  mae: number | null;
  /** Over pairs whose actual is not zero (mape_n of them). */
  mape: number | null;
  mape_n: number;
  zero_actuals: number;
  wape: number | null;
  bias: number | null;
}

export interface BacktestResult {
  backtest_id: string;
  from: string;
  to: string;
  zone: string;
  replications: number;
  seed: number;
  split: Split;
  actual_sla_source: "case_sla" | "computed";
  errors: BacktestError[];
  days: BacktestDay[];
  calibration: Calibration;
}

interface Cell {
  due: number;
  met: number;
  backlog: number;
  waitSum: number;
  waitCount: number;
}

const emptyCell = (): Cell => ({ due: 0, met: 0, backlog: 0, waitSum: 0, waitCount: 0 });

/** Whole local days of `zone` inside [fromMs, toMs). */
function wholeDays(zone: string, fromMs: number, toMs: number): string[] {
  return localDates(zone, fromMs, toMs).filter(
    (date) => localMidnight(date, zone) >= fromMs && localMidnight(nextDate(date), zone) <= toMs,
  );
}

export async function backtest(warehouse: Warehouse, options: BacktestOptions): Promise<BacktestResult> {
  const replications = options.replications ?? 5;
  const seed = options.seed ?? 1;
  const split = options.split ?? "tier";
  const calibration = await calibrate(warehouse, {
    from: options.from,
    to: options.to,
    policy: options.policy,
    split,
    roster: "dated",
    volumes: "dated",
    backlog: "start",
    replications,
    seed,
    interval_s: 3600,
    name: `backtest-${options.from}-${options.to}`,
  });
  const { period } = calibration;
  const spec = ScenarioSpec.parse(calibration.spec);
  const plan = compileScenario(spec);
  const zoneOf = (queue: string) =>
    calibration.report.queues.find((q) => q.queue === queue)?.zone ?? spec.zone;
  const queues = [...new Set(plan.queues.map((q) => queueOfSegment(q.name)))];
  const daysOf = new Map(queues.map((q) => [q, wholeDays(zoneOf(q), period.fromMs, period.toMs)]));
  const dayIndex = (queue: string, utcMs: number) => {
    const date = new Date(zoneClock(zoneOf(queue)).toLocal(utcMs)).toISOString().slice(0, 10);
    return daysOf.get(queue)?.includes(date) ? date : undefined;
  };
  const predicted = new Map<string, Cell>();
  const cell = (map: Map<string, Cell>, queue: string, day: string) => {
    const key = `${queue}|${day}`;
    let value = map.get(key);
    if (!value) {
      value = emptyCell();
      map.set(key, value);
    }
    return value;
  };

  // --- prediction -----------------------------------------------------------------------------------
  const K = plan.intervals;
  const I = plan.interval_s;
  const toMs = (s: number) => plan.epochMs + s * 1000;
  // Interval index → local day, per warehouse queue (due times and day ends).
  const intervalDay = new Map(
    queues.map((q) => [q, Array.from({ length: K }, (_, k) => dayIndex(q, toMs(k * I)))]),
  );
  const dayEndInterval = new Map(
    queues.map((q) => [
      q,
      new Map(
        (daysOf.get(q) ?? []).map((day) => [
          day,
          Math.min(K - 1, Math.ceil((localMidnight(nextDate(day), zoneOf(q)) - plan.epochMs) / 1000 / I) - 1),
        ]),
      ),
    ]),
  );
  await runScenario(plan, {
    replications,
    seed,
    caseRecords: "all",
    onReplication: (_, output) => {
      plan.queues.forEach((segment, q) => {
        const queue = queueOfSegment(segment.name);
        const days = intervalDay.get(queue) as (string | undefined)[];
        for (let k = 0; k < K; k++) {
          const day = days[k];
          if (!day) continue;
          const r = q * K + k;
          const due = output.queueIntervals.sla_due[r] as number;
          if (due > 0) {
            const c = cell(predicted, queue, day);
            c.due += due;
            c.met += output.queueIntervals.sla_met[r] as number;
          }
        }
        for (const [day, k] of dayEndInterval.get(queue) as Map<string, number>) {
          cell(predicted, queue, day).backlog +=
            (output.queueIntervals.open_end[q * K + k] as number) / replications;
        }
      });
      const cases = output.cases;
      if (!cases) return;
      for (let i = 0; i < cases.count; i++) {
        const start = cases.first_start_s[i] as number;
        if (Number.isNaN(start)) continue;
        const queue = queueOfSegment((plan.queues[cases.queue[i] as number] as { name: string }).name);
        const day = dayIndex(queue, toMs(start));
        if (!day) continue;
        const c = cell(predicted, queue, day);
        c.waitSum += cases.wait_s[i] as number;
        c.waitCount += 1;
      }
    },
  });

  // --- actuals --------------------------------------------------------------------------------------
  const actual = new Map<string, Cell>();
  const stays = await readStays(warehouse, period);
  for (const queue of queues) {
    const mine = stays.filter((s) => s.queue === queue);
    for (const day of daysOf.get(queue) ?? []) {
      const end = localMidnight(nextDate(day), zoneOf(queue));
      cell(actual, queue, day).backlog = mine.filter(
        (s) => s.entered_at.getTime() < end && (s.left_at === null || s.left_at.getTime() >= end),
      ).length;
    }
    for (const stay of mine) {
      if (!stay.first_worked_at) continue;
      const day = dayIndex(queue, stay.first_worked_at.getTime());
      if (!day) continue;
      const c = cell(actual, queue, day);
      c.waitSum += (stay.first_worked_at.getTime() - stay.entered_at.getTime()) / 1000;
      c.waitCount += 1;
    }
  }
  const useMart = options.actualSla !== "computed" && (await hasCaseSla(warehouse));
  const outcomes = useMart
    ? await actualSlaFromMart(warehouse, period)
    : await actualSlaFromTimeline(warehouse, options.policy, period);
  for (const outcome of outcomes) {
    const day = daysOf.has(outcome.queue) ? dayIndex(outcome.queue, outcome.due_at.getTime()) : undefined;
    if (!day) continue;
    const c = cell(actual, outcome.queue, day);
    c.due += 1;
    if (outcome.met) c.met += 1;
  }

  // --- comparison -----------------------------------------------------------------------------------
  const days: BacktestDay[] = [];
  for (const queue of queues) {
    for (const day of daysOf.get(queue) ?? []) {
      const p = predicted.get(`${queue}|${day}`) ?? emptyCell();
      const a = actual.get(`${queue}|${day}`) ?? emptyCell();
      const values: Record<BacktestMeasure, [number | null, number | null]> = {
        sla_attainment: [p.due > 0 ? p.met / p.due : null, a.due > 0 ? a.met / a.due : null],
        backlog: [p.backlog, a.backlog],
        wait_s: [
          p.waitCount > 0 ? p.waitSum / p.waitCount : null,
          a.waitCount > 0 ? a.waitSum / a.waitCount : null,
        ],
      };
      for (const measure of BACKTEST_MEASURES) {
        const [pv, av] = values[measure];
        days.push({
          queue,
          day,
          measure,
          predicted: pv,
          actual: av,
          error: pv !== null && av !== null ? pv - av : null,
        });
      }
    }
  }
  const errors: BacktestError[] = [];
  for (const scope of ["all", ...queues]) {
    for (const measure of BACKTEST_MEASURES) {
      errors.push(
        errorStats(
          scope,
          measure,
          days.filter((d) => d.measure === measure && (scope === "all" || d.queue === scope)),
        ),
      );
    }
  }
  const id = createHash("sha256")
    .update(JSON.stringify([options.from, options.to, seed, replications, split]))
    .digest("hex")
    .slice(0, 10);
  return {
    backtest_id: `backtest-${options.from}-${options.to}-${id}`,
    from: options.from,
    to: options.to,
    zone: spec.zone,
    replications,
    seed,
    split,
    actual_sla_source: useMart ? "case_sla" : "computed",
    errors,
    days,
    calibration,
  };
}

export function errorStats(
  queue: string,
  measure: BacktestMeasure,
  days: readonly BacktestDay[],
): BacktestError {
  const pairs = days.filter((d) => d.predicted !== null && d.actual !== null) as {
    predicted: number;
    actual: number;
  }[];
  const n = pairs.length;
  const nonZero = pairs.filter((d) => d.actual !== 0);
  const sumAbs = pairs.reduce((s, d) => s + Math.abs(d.predicted - d.actual), 0);
  const sumActual = pairs.reduce((s, d) => s + Math.abs(d.actual), 0);
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    queue,
    measure,
    n,
    mae: n > 0 ? round(sumAbs / n) : null,
    mape:
      nonZero.length > 0
        ? round(
            nonZero.reduce((s, d) => s + Math.abs(d.predicted - d.actual) / Math.abs(d.actual), 0) /
              nonZero.length,
          )
        : null,
    mape_n: nonZero.length,
    zero_actuals: n - nonZero.length,
    wape: sumActual > 0 ? round(sumAbs / sumActual) : null,
    bias: n > 0 ? round(pairs.reduce((s, d) => s + d.predicted - d.actual, 0) / n) : null,
  };
}

export interface SlaOutcome {
  queue: string;
  due_at: Date;
  met: boolean;
}

async function hasCaseSla(warehouse: Warehouse): Promise<boolean> {
  if (!(await warehouse.tableExists("main", "case_sla"))) return false;
  const columns = await warehouse.all<{ column_name: string }>(
    "select column_name from information_schema.columns where table_schema = 'main' and table_name = 'case_sla'",
  );
  const have = new Set(columns.map((c) => c.column_name));
  return ["metric", "queue", "state", "due_at"].every((c) => have.has(c));
}

/** Resolution cycles due in the period, from the case_sla mart. */
async function actualSlaFromMart(
  warehouse: Warehouse,
  period: { fromMs: number; toMs: number },
): Promise<SlaOutcome[]> {
  return warehouse.all<SlaOutcome & Record<string, unknown>>(
    `select queue, due_at, state = 'met' as met from case_sla
     where metric = 'resolution' and state in ('met', 'breached', 'open_breached')
       and due_at >= cast($1 as timestamptz) and due_at < cast($2 as timestamptz)`,
    [new Date(period.fromMs).toISOString(), new Date(period.toMs).toISOString()],
  );
}

interface TimelineSpan {
  case_id: string;
  cycle: number;
  span_start: Date;
  span_end: Date | null;
  queue: string;
  state: string;
  dependency: string | null;
  work_type: string;
  priority: string | null;
}

/**
 * Resolution cycles due in the period, computed from int_case_timeline when the warehouse has no
 * case_sla mart, on docs/semantics.md's rules: the clock runs from the cycle's first span to its first
 * resolved/closed span, in business time of the governing queue's calendar (the queue it stopped in,
 * else its current one), except while pending on a dependency whose policy pauses it; the target is
 * the tier's `resolve_within`; the due time moves out by the paused business time; a cycle still open
 * past its due time (at the data's end) is breached.
 */
export async function actualSlaFromTimeline(
  warehouse: Warehouse,
  policy: Policy,
  period: { fromMs: number; toMs: number },
): Promise<SlaOutcome[]> {
  const spans = await warehouse.all<TimelineSpan & Record<string, unknown>>(
    `select t.case_id, t.cycle, t.span_start, t.span_end, t.queue, t.state, t.dependency, c.work_type, c.priority
     from int_case_timeline t join stg_cases c on c.case_id = t.case_id
     where t.case_id in (select case_id from int_case_timeline
       where span_start < cast($2 as timestamptz) group by case_id
       having max(coalesce(span_end, span_start)) >= cast($1 as timestamptz) - interval 60 day)
     order by t.case_id, t.span_seq`,
    [new Date(period.fromMs).toISOString(), new Date(period.toMs).toISOString()],
  );
  const asOf = await warehouse.one<{ at: Date | null }>(
    "select max(coalesce(span_end, span_start)) as at from int_case_timeline",
  );
  const asOfMs = asOf?.at?.getTime() ?? period.toMs;
  const clocks = new Map<string, BusinessCalendar>();
  const clockOf = (name: string) => {
    let clock = clocks.get(name);
    if (!clock) {
      const calendar = policy.calendars[name];
      if (!calendar) throw new Error(`the policy has no calendar ${name}`);
      const hours = Object.entries(calendar.hours).flatMap(([day, list]) =>
        (list ?? []).map((span) => ({
          days: [day as "mon"],
          from: hhmm(span.start_min),
          to: span.end_min === 1440 ? "24:00" : hhmm(span.end_min % 1440),
        })),
      );
      const holidays: string[] = [];
      for (const h of calendar.holidays) for (let d = h.from; d <= h.to; d = nextDate(d)) holidays.push(d);
      clock = new BusinessCalendar({ zone: calendar.time_zone, hours, holidays }, period.fromMs);
      clocks.set(name, clock);
    }
    return clock;
  };
  const s = (d: Date) => (d.getTime() - period.fromMs) / 1000;
  const outcomes: SlaOutcome[] = [];
  const byCycle = new Map<string, TimelineSpan[]>();
  for (const span of spans) {
    const key = `${span.case_id}|${span.cycle}`;
    const list = byCycle.get(key) ?? [];
    list.push(span);
    byCycle.set(key, list);
  }
  for (const cycle of byCycle.values()) {
    const first = cycle[0] as TimelineSpan;
    const stop = cycle.find((x) => x.state === "resolved" || x.state === "closed");
    const governing = stop ?? (cycle[cycle.length - 1] as TimelineSpan);
    const settings = policy.queues[governing.queue as "payment_hold"];
    if (!settings) continue;
    const tier = tierOf(policy, governing.queue, first.work_type, first.priority);
    const targets = settings.sla[first.work_type as "standard"]?.[tier as "default"];
    if (!targets) continue;
    const clock = clockOf(settings.calendar);
    const start = s(first.span_start);
    const end = stop ? s(stop.span_start) : (asOfMs - period.fromMs) / 1000;
    let paused = 0;
    for (const span of cycle) {
      if (span.state !== "pending" || !span.dependency) continue;
      if (!policy.dependencies[span.dependency as "customer"]?.pauses_sla) continue;
      const from = Math.max(start, s(span.span_start));
      const to = Math.min(end, span.span_end ? s(span.span_end) : end);
      paused += clock.between(from, to);
    }
    const elapsed = clock.between(start, end) - paused;
    const dueS = clock.add(start, targets.resolve_within + paused);
    const met = stop !== undefined && elapsed <= targets.resolve_within;
    if (!stop && elapsed <= targets.resolve_within) continue; // still running
    outcomes.push({ queue: governing.queue, due_at: new Date(period.fromMs + dueS * 1000), met });
  }
  return outcomes.filter((o) => o.due_at.getTime() >= period.fromMs && o.due_at.getTime() < period.toMs);
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
