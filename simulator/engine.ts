/**
 * One replication of a scenario: the discrete-event simulation on the shared event heap.
 *
 * What happens to a case (one SLA cycle):
 *   arrives (or reopens, or is in the initial backlog) → waits in its queue's line (patience may run
 *   out: it abandons) → an agent of a group with the skill handles it → it may be sent back for rework
 *   (same cycle, back of the line), or wait on a dependency once (then comes back for a follow-up
 *   handling), or be resolved → a resolved cycle may reopen later as a new cycle.
 * Staff: each group has a capacity that follows its schedule (shifts, breaks, shrinkage), plus
 *   overtime while a trigger holds; an agent never drops a case: when capacity falls below the busy
 *   count, agents leave as they finish. Rebalancing points a cross-skilled group at the queue at worst
 *   SLA risk; every agent of the group then loses switch_cost before working again.
 * Routing (who takes what when an agent is free) is in `pickWork`; a case arriving to idle agents goes
 *   to the group with the best skill priority for its queue.
 *
 * Events at one instant run in this order: the interval tick (it closes the interval that ends
 * there), departures, capacity changes and switch completions, abandonments, returns and reopens,
 * arrivals; then in scheduling order (the heap's sequence). An event counts in the interval the last
 * tick opened. Same seed, same run.
 */
import { ArrivalClock } from "./arrival-rates.ts";
import type { BusinessClock } from "./calendar.ts";
import {
  type CaseLine,
  CaseTable,
  DueLine,
  FifoLine,
  FLAG_COUNTED,
  FLAG_DECIDED,
  FLAG_DEPENDENCY_DONE,
  FLAG_FOLLOWUP,
  FLAG_RECORDED,
  OpenCycles,
  STATE_DEPENDENCY,
  STATE_IN_SERVICE,
  STATE_REOPEN_PENDING,
  STATE_WAITING,
} from "./case-table.ts";
import type { Distribution } from "./distributions.ts";
import { EventHeap } from "./event-queue.ts";
import { standardExponential } from "./exponential-ziggurat.ts";
import type { Rng } from "./rng.ts";
import type { QueuePlan, ScenarioPlan } from "./scenario-plan.ts";

// An event's code is index × 16 + kind (the index is a case slot or a group, by kind).
const KIND_DEPARTURE = 1;
const KIND_CAPACITY = 2;
const KIND_SWITCH_DONE = 3;
const KIND_ABANDON = 4;
const KIND_DEPENDENCY_RETURN = 5;
const KIND_REOPEN = 6;
// Heap priorities: lower first at the same instant. Interval ticks (first at an instant) and arrivals
// (last) are kept off the heap: see run().
const PRIORITY_DEPARTURE = 1;
const PRIORITY_CAPACITY = 2;
const PRIORITY_SWITCH_DONE = 2;
const PRIORITY_ABANDON = 3;
const PRIORITY_DEPENDENCY_RETURN = 4;
const PRIORITY_REOPEN = 4;

export const OUTCOME_RESOLVED = 0;
export const OUTCOME_ABANDONED = 1;
export const OUTCOME_OPEN = 2;
export const OUTCOMES = ["resolved", "abandoned", "open"] as const;

/** Per queue × reporting interval after the warm-up; row = queue × intervals + interval. */
export interface QueueIntervalColumns {
  /** Cycles that entered the queue: new cases and reopens (the initial backlog is open_start of the first interval). */
  arrivals: Float64Array;
  reopened: Float64Array;
  /** Handlings completed (a cycle may be handled more than once: rework, follow-up after a dependency). */
  handled: Float64Array;
  resolved: Float64Array;
  abandoned: Float64Array;
  /** Open cycles (waiting, in service or waiting on a dependency) at the interval's start and end. */
  open_start: Float64Array;
  open_end: Float64Array;
  waiting_end: Float64Array;
  /** Age of the oldest open cycle at the interval's end, seconds since it opened (0 when none). */
  oldest_age_s: Float64Array;
  /** Cycles whose SLA due time fell in the interval, and those of them met. */
  sla_due: Float64Array;
  sla_met: Float64Array;
  /** Agent-seconds spent handling the queue's cases. */
  handling_agent_s: Float64Array;
  /** Agent-seconds available to the queue: each group's, shared by the handling it did per queue. */
  available_agent_s: Float64Array;
}

/** Per staff group × reporting interval after the warm-up (agent-seconds). */
export interface GroupIntervalColumns {
  rostered_agent_s: Float64Array;
  productive_agent_s: Float64Array;
  overtime_agent_s: Float64Array;
  /** Productive plus agents finishing a case past the end of their availability. */
  available_agent_s: Float64Array;
  handling_agent_s: Float64Array;
  switching_agent_s: Float64Array;
}

/** One record per counted cycle (growable columns; `count` rows are valid). */
export interface CaseColumns {
  count: number;
  case_id: Float64Array;
  cycle: Float64Array;
  queue: Float64Array;
  arrival_s: Float64Array;
  /** NaN when never handled. */
  first_start_s: Float64Array;
  /** Resolution or abandonment; NaN while open. */
  end_s: Float64Array;
  /** Time before the first handling, or before abandoning; NaN if open and never handled. */
  wait_s: Float64Array;
  handle_s: Float64Array;
  outcome: Float64Array;
  due_s: Float64Array;
  /** 1 met, 0 breached, -1 not decided by the horizon. */
  met: Float64Array;
  reworks: Float64Array;
  dependency_wait_s: Float64Array;
}

export interface QueueTotals {
  arrivals: number;
  reopened: number;
  resolved: number;
  abandoned: number;
  open_at_end: number;
  /** Cycles handled at least once. */
  answered: number;
  /** Cycles that found no free agent when they arrived. */
  delayed: number;
  sla_met: number;
  sla_breached: number;
  wait_answered_s: number;
  wait_abandoned_s: number;
  /** Σ (exit − opened) over cycles that left (resolved or abandoned) by the horizon. */
  time_in_system_s: number;
  exits: number;
  handled: number;
  handling_agent_s: number;
  available_agent_s: number;
  /** ∫ open cycles dt over the statistics window (all open cycles, counted or not). */
  open_area: number;
  max_open: number;
  max_oldest_age_s: number;
}

export interface GroupTotals {
  rostered_agent_s: number;
  productive_agent_s: number;
  overtime_agent_s: number;
  available_agent_s: number;
  handling_agent_s: number;
  switching_agent_s: number;
  focus_changes: number;
}

export interface ReplicationOutput {
  queueIntervals: QueueIntervalColumns;
  groupIntervals: GroupIntervalColumns;
  cases: CaseColumns | undefined;
  queues: QueueTotals[];
  groups: GroupTotals[];
  events: number;
}

function caseColumns(capacity: number): CaseColumns {
  const make = () => new Float64Array(capacity);
  return {
    count: 0,
    case_id: make(),
    cycle: make(),
    queue: make(),
    arrival_s: make(),
    first_start_s: make(),
    end_s: make(),
    wait_s: make(),
    handle_s: make(),
    outcome: make(),
    due_s: make(),
    met: make(),
    reworks: make(),
    dependency_wait_s: make(),
  };
}

function growCaseColumns(columns: CaseColumns): CaseColumns {
  const grown = caseColumns(columns.case_id.length * 2);
  grown.count = columns.count;
  for (const key of Object.keys(columns) as (keyof CaseColumns)[]) {
    if (key !== "count") grown[key].set(columns[key]);
  }
  return grown;
}

export interface ReplicationOptions {
  /** Keep one record per counted cycle. */
  recordCases: boolean;
}

/** Runs one replication; `rng` is this replication's own stream. */
export function runReplication(plan: ScenarioPlan, rng: Rng, options: ReplicationOptions): ReplicationOutput {
  return new Replication(plan, rng, options).run();
}

// While a replication runs, its totals are rows of a Float64Array (a field is its position in the
// lists below); they become QueueTotals and GroupTotals objects at the end.
const QUEUE_TOTALS = [
  "arrivals",
  "reopened",
  "resolved",
  "abandoned",
  "open_at_end",
  "answered",
  "delayed",
  "sla_met",
  "sla_breached",
  "wait_answered_s",
  "wait_abandoned_s",
  "time_in_system_s",
  "exits",
  "handled",
  "handling_agent_s",
  "available_agent_s",
  "open_area",
  "max_open",
  "max_oldest_age_s",
] as const satisfies readonly (keyof QueueTotals)[];
const queueTotal = (field: keyof QueueTotals) => QUEUE_TOTALS.indexOf(field);
const QT_ARRIVALS = queueTotal("arrivals");
const QT_REOPENED = queueTotal("reopened");
const QT_RESOLVED = queueTotal("resolved");
const QT_ABANDONED = queueTotal("abandoned");
const QT_OPEN_AT_END = queueTotal("open_at_end");
const QT_ANSWERED = queueTotal("answered");
const QT_DELAYED = queueTotal("delayed");
const QT_SLA_MET = queueTotal("sla_met");
const QT_SLA_BREACHED = queueTotal("sla_breached");
const QT_WAIT_ANSWERED = queueTotal("wait_answered_s");
const QT_WAIT_ABANDONED = queueTotal("wait_abandoned_s");
const QT_TIME_IN_SYSTEM = queueTotal("time_in_system_s");
const QT_EXITS = queueTotal("exits");
const QT_HANDLED = queueTotal("handled");
const QT_HANDLING = queueTotal("handling_agent_s");
const QT_AVAILABLE = queueTotal("available_agent_s");
const QT_OPEN_AREA = queueTotal("open_area");
const QT_MAX_OPEN = queueTotal("max_open");
const QT_MAX_OLDEST_AGE = queueTotal("max_oldest_age_s");
// Then, in a queue's row of `queueState`, its state and the current interval's counts.
const WAITING = QUEUE_TOTALS.length;
const OPEN = WAITING + 1;
const NOW_ARRIVALS = OPEN + 1;
const NOW_REOPENED = NOW_ARRIVALS + 1;
const NOW_HANDLED = NOW_REOPENED + 1;
const NOW_RESOLVED = NOW_HANDLED + 1;
const NOW_ABANDONED = NOW_RESOLVED + 1;
const QS = NOW_ABANDONED + 1;

// A group's row in `staff`.
const CAPACITY = 0;
const BUSY = 1;
const SWITCHING = 2;
const PENDING_SWITCH = 3;
const STAFF = 4;

const GROUP_TOTALS = [
  "rostered_agent_s",
  "productive_agent_s",
  "overtime_agent_s",
  "available_agent_s",
  "handling_agent_s",
  "switching_agent_s",
  "focus_changes",
] as const satisfies readonly (keyof GroupTotals)[];
const groupTotal = (field: keyof GroupTotals) => GROUP_TOTALS.indexOf(field);
const GT_ROSTERED = groupTotal("rostered_agent_s");
const GT_PRODUCTIVE = groupTotal("productive_agent_s");
const GT_OVERTIME = groupTotal("overtime_agent_s");
const GT_AVAILABLE = groupTotal("available_agent_s");
const GT_HANDLING = groupTotal("handling_agent_s");
const GT_SWITCHING = groupTotal("switching_agent_s");
const GT_FOCUS_CHANGES = groupTotal("focus_changes");
const GT = GROUP_TOTALS.length;

// A field missing from the lists above fails to compile here.
const everyQueueTotal: Exclude<keyof QueueTotals, (typeof QUEUE_TOTALS)[number]> extends never
  ? true
  : never = true;
const everyGroupTotal: Exclude<keyof GroupTotals, (typeof GROUP_TOTALS)[number]> extends never
  ? true
  : never = true;
void everyQueueTotal;
void everyGroupTotal;

/** Rows of `values` (`stride` apart) whose first fields are `fields`, as objects. */
function totalsRows<F extends string>(
  fields: readonly F[],
  values: Float64Array,
  rows: number,
  stride: number,
): Record<F, number>[] {
  return Array.from({ length: rows }, (_, row) => {
    const totals = {} as Record<F, number>;
    fields.forEach((field, i) => {
      totals[field] = values[row * stride + i] as number;
    });
    return totals;
  });
}

const ROUTING_FIFO = 0;
const ROUTING_PRIORITY = 1;
const ROUTING_EARLIEST_DUE = 2;

/** Start offsets (length rows + 1) and values of a list of lists of integers, for loops over typed arrays. */
function flatten(lists: readonly (readonly number[])[]): { from: Int32Array; values: Int32Array } {
  const from = new Int32Array(lists.length + 1);
  lists.forEach((list, i) => {
    from[i + 1] = (from[i] as number) + list.length;
  });
  return { from, values: Int32Array.from(lists.flat()) };
}

const scratchDouble = new Float64Array(1);
const scratchBits = new BigInt64Array(scratchDouble.buffer);

/** The largest double below a positive finite x. */
function previousDouble(x: number): number {
  scratchDouble[0] = x;
  scratchBits[0] = (scratchBits[0] as bigint) - 1n;
  return scratchDouble[0] as number;
}

/** The least t below boundary × interval with t / interval ≥ boundary (Infinity if none). */
function firstRoundingUp(boundary: number, interval: number): number {
  let first = Number.POSITIVE_INFINITY;
  for (let t = previousDouble(boundary * interval); t / interval >= boundary; t = previousDouble(t))
    first = t;
  return first;
}

/**
 * Why the plan is copied into per-queue and per-group arrays and the totals into typed rows: the hot
 * path (an arrival, a handling, a departure) then reads numbers at an index instead of walking plan
 * objects, and allocates nothing.
 */
class Replication {
  private readonly events = new EventHeap(4096);
  private readonly table = new CaseTable();
  private readonly lines: CaseLine[];
  private readonly openCycles: OpenCycles[];
  private readonly arrivalClocks: ArrivalClock[];
  private readonly Q: number;
  private readonly G: number;
  private readonly K: number;
  private readonly W: number;
  private readonly n: number; // output intervals
  private readonly interval: number;
  private readonly horizon: number;
  private readonly warmup: number;
  private readonly recordCases: boolean;
  private nextCaseId = 0;
  private eventCount = 0;
  /**
   * The simulation clock: the time of the event being handled. Handlers read it rather than take it
   * as an argument because V8 boxes a fractional number passed to a call it did not inline (a heap
   * allocation per call, several per event on the hot path).
   */
  private now = 0;
  // Each queue's next arrival, kept off the heap (see handleEvents), with the order it was scheduled in.
  private readonly arrivalTime: Float64Array;
  private readonly arrivalOrder: Float64Array;
  private arrivalsScheduled = 0;
  private nextArrivalQueue = -1;
  private nextArrivalTime = Number.POSITIVE_INFINITY;
  // The interval the last tick opened, [openedAt, closesAt), for intervalOf without a division; see
  // intervalOf.
  private openInterval = 0;
  private openedAt = 0;
  private closesAt = Number.NEGATIVE_INFINITY;
  private roundsUpFrom = Number.POSITIVE_INFINITY;

  // The plan, per queue.
  private readonly arrivalRng: Rng[];
  private readonly handleRng: Rng[];
  private readonly patienceRng: Rng[];
  private readonly reworkRng: Rng[];
  private readonly dependencyRng: Rng[];
  private readonly reopenRng: Rng[];
  private readonly backlogRng: Rng[];
  private readonly handle: Distribution[];
  private readonly followup: Distribution[];
  private readonly patience: (Distribution | undefined)[];
  private readonly reworkProbability: Float64Array;
  private readonly dependency: QueuePlan["dependency"][];
  private readonly reopenAfter: QueuePlan["reopen"][];
  /** Per queue, 1 when a handling may be followed by rework or a dependency wait instead of resolving. */
  private readonly mayContinue: Uint8Array;
  /** Per queue, 1 when a resolved cycle may reopen. */
  private readonly mayReopen: Uint8Array;
  private readonly slaClock: BusinessClock[];
  private readonly slaAlwaysOpen: Uint8Array;
  private readonly slaTarget: Float64Array;
  private readonly slaOnResponse: Uint8Array;
  private readonly workPriority: Float64Array;
  /** Groups serving each queue (groupsForQueue): servingGroups[servingFrom[q] .. servingFrom[q + 1]). */
  private readonly servingFrom: Int32Array;
  private readonly servingGroups: Int32Array;
  // The plan, per group: skills best first, skillQueues[skillFrom[g] .. skillFrom[g + 1]).
  private readonly skillFrom: Int32Array;
  private readonly skillQueues: Int32Array;
  private readonly skillPriorities: Int32Array;
  private readonly routing: number;
  private readonly switchCost: number;

  // Staff state.
  /** Per group, a row of STAFF: capacity (productive + overtime), busy, switching, pending switches. */
  private readonly staff: Float64Array;
  private readonly productive: Float64Array;
  private readonly overtime: Float64Array;
  private readonly focus: Int32Array;
  private readonly unlimited: Uint8Array;
  private readonly scheduleCursor: Int32Array;
  private readonly overtimeUsed: Float64Array;
  private readonly overtimeDay: Int32Array;

  // Time integrals of levels: counter i (see the index helpers below) is levels[3i] since
  // levels[3i + 2], with its integral over the interval so far in levels[3i + 1]. One array, so that a
  // change touches one place in memory; each tick copies the integrals out to `area` and zeroes them.
  private readonly levels: Float64Array;
  private readonly area: Float64Array;
  private readonly availableShare: Float64Array;

  private readonly qi: QueueIntervalColumns;
  private readonly gi: GroupIntervalColumns;
  private cases: CaseColumns | undefined;
  /**
   * Per queue, a row of QS: the totals (QUEUE_TOTALS order), the cycles waiting and open, and the
   * current interval's counts of arrivals, reopens, handlings, resolutions and abandonments, which
   * each tick moves to the interval's output row. One row per queue, so that an event updates one
   * array, and no event has to work out its output row.
   */
  private readonly queueState: Float64Array;
  private readonly groupTotals: Float64Array;

  constructor(
    private readonly plan: ScenarioPlan,
    rng: Rng,
    options: ReplicationOptions,
  ) {
    this.Q = plan.queues.length;
    this.G = plan.groups.length;
    this.K = plan.intervals;
    this.W = plan.warmupIntervals;
    this.n = this.K - this.W;
    this.interval = plan.interval_s;
    this.horizon = plan.horizon_s;
    this.warmup = plan.warmup_s;
    this.recordCases = options.recordCases;
    this.lines = plan.queues.map(() =>
      plan.routing === "earliest_due" ? new DueLine(this.table) : new FifoLine(this.table),
    );
    this.openCycles = plan.queues.map(() => new OpenCycles(this.table));
    const fork = (stream: string) => plan.queues.map((queue) => rng.fork(`${stream}:${queue.name}`));
    this.arrivalRng = fork("arrivals");
    this.handleRng = fork("handle");
    this.patienceRng = fork("patience");
    this.reworkRng = fork("rework");
    this.dependencyRng = fork("dependency");
    this.reopenRng = fork("reopen");
    this.backlogRng = fork("backlog");
    this.arrivalClocks = plan.queues.map((queue) => new ArrivalClock(queue.rates));
    this.arrivalTime = new Float64Array(this.Q).fill(Number.POSITIVE_INFINITY);
    this.arrivalOrder = new Float64Array(this.Q);
    this.handle = plan.queues.map((queue) => queue.handle);
    this.followup = plan.queues.map((queue) => queue.followup);
    this.patience = plan.queues.map((queue) => queue.patience);
    this.reworkProbability = Float64Array.from(plan.queues, (queue) => queue.rework_probability);
    this.dependency = plan.queues.map((queue) => queue.dependency);
    this.reopenAfter = plan.queues.map((queue) => queue.reopen);
    this.mayContinue = Uint8Array.from(plan.queues, (queue) =>
      queue.rework_probability > 0 || queue.dependency ? 1 : 0,
    );
    this.mayReopen = Uint8Array.from(plan.queues, (queue) => (queue.reopen ? 1 : 0));
    // Each replication extends its own copy of a calendar, so that its due times never depend on
    // which replications ran before it in this process (or in this worker).
    const clocks = new Map<BusinessClock, BusinessClock>();
    this.slaClock = plan.queues.map((queue) => {
      let clock = clocks.get(queue.sla.clock);
      if (!clock) {
        clock = queue.sla.clock.fork();
        clocks.set(queue.sla.clock, clock);
      }
      return clock;
    });
    this.slaAlwaysOpen = Uint8Array.from(plan.queues, (queue) => (queue.sla.clock.alwaysOpen ? 1 : 0));
    this.slaTarget = Float64Array.from(plan.queues, (queue) => queue.sla.target_s);
    this.slaOnResponse = Uint8Array.from(plan.queues, (queue) => (queue.sla.measure === "response" ? 1 : 0));
    this.workPriority = Float64Array.from(plan.queues, (queue) => queue.priority);
    const serving = flatten(plan.groupsForQueue);
    this.servingFrom = serving.from;
    this.servingGroups = serving.values;
    const skillQueues = flatten(plan.groups.map((group) => group.skills.map((skill) => skill.queue)));
    this.skillFrom = skillQueues.from;
    this.skillQueues = skillQueues.values;
    this.skillPriorities = flatten(
      plan.groups.map((group) => group.skills.map((skill) => skill.priority)),
    ).values;
    this.routing =
      plan.routing === "priority"
        ? ROUTING_PRIORITY
        : plan.routing === "earliest_due"
          ? ROUTING_EARLIEST_DUE
          : ROUTING_FIFO;
    this.switchCost = plan.rebalancing?.switch_cost_s ?? 0;
    const G = this.G;
    this.staff = new Float64Array(G * STAFF);
    this.productive = new Float64Array(G);
    this.overtime = new Float64Array(G);
    this.focus = new Int32Array(G).fill(-1);
    this.scheduleCursor = new Int32Array(G);
    this.overtimeUsed = new Float64Array(G);
    this.overtimeDay = new Int32Array(G).fill(-1);
    this.unlimited = Uint8Array.from(plan.groups, (group) => (group.unlimited ? 1 : 0));
    // Per group: capacity, rostered, overtime, (spare), switching, present; then handling per group ×
    // queue; then open cycles per queue.
    const counters = 6 * G + G * this.Q + this.Q;
    this.levels = new Float64Array(3 * counters);
    this.area = new Float64Array(counters);
    this.availableShare = new Float64Array(this.Q);
    const queueRows = () => new Float64Array(this.Q * this.n);
    this.qi = {
      arrivals: queueRows(),
      reopened: queueRows(),
      handled: queueRows(),
      resolved: queueRows(),
      abandoned: queueRows(),
      open_start: queueRows(),
      open_end: queueRows(),
      waiting_end: queueRows(),
      oldest_age_s: queueRows(),
      sla_due: queueRows(),
      sla_met: queueRows(),
      handling_agent_s: queueRows(),
      available_agent_s: queueRows(),
    };
    const groupRows = () => new Float64Array(G * this.n);
    this.gi = {
      rostered_agent_s: groupRows(),
      productive_agent_s: groupRows(),
      overtime_agent_s: groupRows(),
      available_agent_s: groupRows(),
      handling_agent_s: groupRows(),
      switching_agent_s: groupRows(),
    };
    this.cases = options.recordCases ? caseColumns(4096) : undefined;
    this.queueState = new Float64Array(this.Q * QS);
    this.groupTotals = new Float64Array(G * GT);
  }

  // Counter indices into level/area/since.
  private capIdx(g: number): number {
    return g;
  }
  private rosterIdx(g: number): number {
    return this.G + g;
  }
  private overtimeIdx(g: number): number {
    return 2 * this.G + g;
  }
  private switchIdx(g: number): number {
    return 4 * this.G + g;
  }
  private presentIdx(g: number): number {
    return 5 * this.G + g;
  }
  private busyQueueIdx(g: number, q: number): number {
    return 6 * this.G + g * this.Q + q;
  }
  private openIdx(q: number): number {
    return 6 * this.G + this.G * this.Q + q;
  }

  private setLevel(i: number, value: number): void {
    const now = this.now;
    const levels = this.levels;
    const at = 3 * i;
    levels[at + 1] = (levels[at + 1] as number) + (levels[at] as number) * (now - (levels[at + 2] as number));
    levels[at + 2] = now;
    levels[at] = value;
  }

  private addLevel(i: number, delta: number): void {
    this.setLevel(i, (this.levels[3 * i] as number) + delta);
  }

  /** Output row of (queue or group) index and absolute interval k, or -1 inside the warm-up. */
  private row(index: number, k: number): number {
    return k < this.W ? -1 : index * this.n + (k - this.W);
  }

  /**
   * The interval holding t: Math.floor(t / interval), clamped to the run. Most times asked about
   * (an SLA due soon) fall in the interval open now, where no division is needed: for t in
   * [openedAt, closesAt) the quotient is that interval, or the next when it rounds up (t within an
   * ulp or so of closesAt, from roundsUpFrom on).
   */
  private intervalOf(t: number): number {
    const k =
      t >= this.openedAt && t < this.closesAt
        ? t >= this.roundsUpFrom
          ? this.openInterval + 1
          : this.openInterval
        : Math.floor(t / this.interval);
    return k < 0 ? 0 : k >= this.K ? this.K - 1 : k;
  }

  /** After the tick at `boundary`: the interval it opens (exact bounds need whole-second intervals). */
  private openIntervalAt(boundary: number): void {
    const interval = this.interval;
    this.openInterval = boundary;
    if (!Number.isInteger(interval)) return;
    this.openedAt = boundary * interval;
    this.closesAt = (boundary + 1) * interval;
    this.roundsUpFrom = firstRoundingUp(boundary + 1, interval);
  }

  private free(g: number): number {
    return (
      (this.staff[g * STAFF + CAPACITY] as number) -
      (this.staff[g * STAFF + BUSY] as number) -
      (this.staff[g * STAFF + SWITCHING] as number)
    );
  }

  /**
   * Re-derives the integrated staff levels after capacity, busy or switching changed; a level is only
   * touched when it moved (most handlings change neither capacity nor the agents present).
   */
  private staffLevelsChanged(g: number): void {
    if (this.unlimited[g] === 1) return; // capacity is infinite: only handling time is integrated
    const levels = this.levels;
    const cap = this.staff[g * STAFF + CAPACITY] as number;
    if (levels[3 * this.capIdx(g)] !== cap) this.setLevel(this.capIdx(g), cap);
    const engaged = (this.staff[g * STAFF + BUSY] as number) + (this.staff[g * STAFF + SWITCHING] as number);
    const present = Math.max(cap, engaged);
    const presentIdx = this.presentIdx(g);
    if (levels[3 * presentIdx] !== present) this.setLevel(presentIdx, present);
  }

  /**
   * staffLevelsChanged after busy or switching moved (capacity did not, so its level is current):
   * only the agents present, max(capacity, engaged), may have changed.
   */
  private presentChanged(g: number): void {
    if (this.unlimited[g] === 1) return;
    const present = Math.max(
      this.staff[g * STAFF + CAPACITY] as number,
      (this.staff[g * STAFF + BUSY] as number) + (this.staff[g * STAFF + SWITCHING] as number),
    );
    const presentIdx = this.presentIdx(g);
    if (this.levels[3 * presentIdx] !== present) this.setLevel(presentIdx, present);
  }

  run(): ReplicationOutput {
    const plan = this.plan;
    const events = this.events;
    // Staff on duty at time 0, and their later changes.
    for (let g = 0; g < this.G; g++) {
      const schedule = (plan.groups[g] as ScenarioPlan["groups"][number]).schedule;
      this.productive[g] = schedule.productive[0] as number;
      this.staff[g * STAFF + CAPACITY] = this.productive[g] as number;
      if (this.unlimited[g] === 0) this.setLevel(this.rosterIdx(g), schedule.rostered[0] as number);
      this.staffLevelsChanged(g);
      this.scheduleCursor[g] = 1;
      if (schedule.times.length > 1)
        events.push(schedule.times[1] as number, PRIORITY_CAPACITY, g * 16 + KIND_CAPACITY);
    }
    this.startIntervalDecisions(0);
    // The whole initial backlog queues up first, then agents on duty take from it by the routing
    // policy (placing it queue by queue would let the first queue's cases jump the line).
    for (let q = 0; q < this.Q; q++) this.placeInitialBacklog(q);
    for (let g = 0; g < this.G; g++) this.fillAgents(g);
    for (let q = 0; q < this.Q; q++) this.scheduleNextArrival(q);
    for (let q = 0; q < this.Q; q++) {
      const r = this.row(q, 0);
      if (r >= 0) this.qi.open_start[r] = this.queueState[q * QS + OPEN] as number;
    }

    this.handleEvents();
    this.sweepOpenCycles();
    for (let q = 0; q < this.Q; q++) {
      // Every counted cycle that left was resolved or abandoned.
      const row = q * QS;
      this.queueState[row + QT_EXITS] =
        (this.queueState[row + QT_RESOLVED] as number) + (this.queueState[row + QT_ABANDONED] as number);
    }
    return {
      queueIntervals: this.qi,
      groupIntervals: this.gi,
      cases: this.cases,
      queues: totalsRows(QUEUE_TOTALS, this.queueState, this.Q, QS),
      groups: totalsRows(GROUP_TOTALS, this.groupTotals, this.G, GT),
      events: this.eventCount,
    };
  }

  /**
   * The event loop, from time 0 to the horizon's last tick. A method of its own so that V8 spends its
   * inlining budget for it on the handlers it calls, not on run()'s set-up and wind-down.
   */
  private handleEvents(): void {
    const events = this.events;
    // Interval ticks and arrivals stay off the heap. A tick runs before every other event at its
    // instant (it closes the interval that ends there) and an arrival after every other (it finds
    // the agents freed then), so comparing their times with the heap's top gives the order the heap
    // would, without a push and a pop for each; arrivals at one instant keep the order they were
    // scheduled in. Half of a run's events are arrivals.
    const interval = this.interval;
    const K = this.K;
    let boundary = 1;
    let tickTime = interval;
    this.openIntervalAt(0);
    for (;;) {
      const heapTime = events.peekTime();
      const arrivalTime = this.nextArrivalTime;
      if (tickTime <= heapTime && tickTime <= arrivalTime) {
        this.eventCount++;
        this.now = tickTime;
        this.tick(boundary);
        if (boundary === K) break;
        boundary++;
        tickTime = boundary * interval;
        continue;
      }
      this.eventCount++;
      if (arrivalTime < heapTime) {
        const q = this.nextArrivalQueue;
        this.now = arrivalTime;
        this.arrive(q);
        this.scheduleNextArrival(q);
        continue;
      }
      this.now = heapTime;
      const code = events.pop();
      const index = code >>> 4;
      switch (code & 15) {
        case KIND_DEPARTURE:
          this.depart(index);
          break;
        case KIND_ABANDON:
          this.abandon(index);
          break;
        case KIND_CAPACITY:
          this.capacityChange(index);
          break;
        case KIND_SWITCH_DONE:
          this.switchDone(index);
          break;
        case KIND_DEPENDENCY_RETURN:
          this.dependencyReturn(index);
          break;
        case KIND_REOPEN:
          this.reopen(index);
          break;
      }
    }
  }

  private scheduleNextArrival(q: number): void {
    const rng = this.arrivalRng[q] as Rng;
    const t = (this.arrivalClocks[q] as ArrivalClock).next(standardExponential(rng));
    const arrivalTime = this.arrivalTime;
    const arrivalOrder = this.arrivalOrder;
    arrivalTime[q] = t < this.horizon ? t : Number.POSITIVE_INFINITY;
    arrivalOrder[q] = this.arrivalsScheduled++;
    let next = -1;
    let nextTime = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.Q; i++) {
      const time = arrivalTime[i] as number;
      if (
        time < nextTime ||
        (time === nextTime && next >= 0 && (arrivalOrder[i] as number) < (arrivalOrder[next] as number))
      ) {
        next = i;
        nextTime = time;
      }
    }
    this.nextArrivalQueue = next;
    this.nextArrivalTime = nextTime;
  }

  /** A new cycle opens in queue q at `opened` (negative for the initial backlog). */
  private openCycle(slot: number, q: number, opened: number): void {
    const table = this.table;
    table.queue[slot] = q;
    table.cycleStart[slot] = opened;
    table.due[slot] =
      this.slaAlwaysOpen[q] === 1 ? opened + (this.slaTarget[q] as number) : this.businessDue(q, opened);
    table.firstStart[slot] = Number.NaN;
    table.deadline[slot] = Number.NaN;
    const counted = this.warmup === 0 || opened >= this.warmup;
    table.flags[slot] = counted ? FLAG_COUNTED : 0;
    if (this.recordCases) this.startRecord(slot);
    const queueState = this.queueState;
    const at = q * QS;
    const open = (queueState[at + OPEN] as number) + 1;
    queueState[at + OPEN] = open;
    this.setLevel(this.openIdx(q), open);
    (this.openCycles[q] as OpenCycles).add(slot);
    if (counted) queueState[at + QT_ARRIVALS] = (queueState[at + QT_ARRIVALS] as number) + 1;
  }

  // The methods below named for a rarer path keep it out of the hot methods that call them, which
  // then stay small enough for V8 to inline into the event loop (measured: about 15% of a run).

  private businessDue(q: number, opened: number): number {
    return (this.slaClock[q] as BusinessClock).add(opened, this.slaTarget[q] as number);
  }

  /** The cycle's record starts empty (only when case records are kept). */
  private startRecord(slot: number): void {
    const table = this.table;
    table.flags[slot] = (table.flags[slot] as number) | FLAG_RECORDED;
    table.handled[slot] = 0;
    table.dependencyWait[slot] = 0;
    table.reworks[slot] = 0;
  }

  private countQueue(q: number, field: number): void {
    const i = q * QS + field;
    this.queueState[i] = (this.queueState[i] as number) + 1;
  }

  private addToQueue(q: number, field: number, value: number): void {
    const i = q * QS + field;
    this.queueState[i] = (this.queueState[i] as number) + value;
  }

  private placeInitialBacklog(q: number): void {
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    if (queue.backlog.cases === 0) return;
    const rng = this.backlogRng[q] as Rng;
    const ages: number[] = [];
    for (let i = 0; i < queue.backlog.cases; i++) ages.push(queue.backlog.age.sample(rng));
    ages.sort((a, b) => b - a); // oldest first: open-cycle order and FIFO order are by opening time
    for (const age of ages) {
      const slot = this.table.allocate();
      if (this.recordCases) this.newCase(slot);
      this.openCycle(slot, q, -age);
      this.joinLine(slot, true, -age);
    }
  }

  /**
   * Fields only case records read (the case id, cycle, handling, reworks, dependency wait) are kept only
   * then: callers call this only when case records are kept (the check stays in the caller, so that V8
   * does not inline a call that never runs).
   */
  private newCase(slot: number): void {
    this.table.caseId[slot] = this.nextCaseId++;
    this.table.cycle[slot] = 1;
  }

  private arrive(q: number): void {
    const slot = this.table.allocate();
    if (this.recordCases) this.newCase(slot);
    this.openCycle(slot, q, this.now);
    const i = q * QS + NOW_ARRIVALS;
    this.queueState[i] = (this.queueState[i] as number) + 1;
    this.enterLine(slot, true);
  }

  private reopen(slot: number): void {
    const now = this.now;
    const q = this.table.queue[slot] as number;
    if (this.recordCases) this.table.cycle[slot] = (this.table.cycle[slot] as number) + 1;
    this.openCycle(slot, q, now);
    this.countQueue(q, NOW_ARRIVALS);
    this.countQueue(q, NOW_REOPENED);
    if ((this.table.flags[slot] as number) & FLAG_COUNTED) this.countQueue(q, QT_REOPENED);
    this.enterLine(slot, true);
  }

  /**
   * The case looks for a free agent (best skill priority for its queue first); if none, it joins
   * the line now.
   */
  private enterLine(slot: number, firstEntry: boolean): void {
    const q = this.table.queue[slot] as number;
    const groups = this.servingGroups;
    const end = this.servingFrom[q + 1] as number;
    for (let i = this.servingFrom[q] as number; i < end; i++) {
      const g = groups[i] as number;
      if (this.free(g) > 0 && (this.staff[g * STAFF + PENDING_SWITCH] as number) === 0) {
        this.startService(slot, g);
        return;
      }
    }
    this.joinLine(slot, firstEntry, this.now);
  }

  /**
   * The case waits in its queue's line (and, on its first wait, its patience starts running).
   * `entered` orders the FIFO line: now, or for the initial backlog the time the case opened.
   */
  private joinLine(slot: number, firstEntry: boolean, entered: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    table.state[slot] = STATE_WAITING;
    table.entered[slot] = entered;
    table.lineStamp[slot] = (table.lineStamp[slot] as number) + 1;
    (this.lines[q] as CaseLine).push(slot);
    this.queueState[q * QS + WAITING] = (this.queueState[q * QS + WAITING] as number) + 1;
    if (firstEntry) {
      if ((table.flags[slot] as number) & FLAG_COUNTED) this.countQueue(q, QT_DELAYED);
      if (this.patience[q] !== undefined) this.startPatience(slot, q);
    }
  }

  /** The case's patience starts running: it abandons at the deadline unless an agent takes it first. */
  private startPatience(slot: number, q: number): void {
    const now = this.now;
    const deadline = now + (this.patience[q] as Distribution).sample(this.patienceRng[q] as Rng);
    this.table.deadline[slot] = deadline;
    this.events.push(deadline, PRIORITY_ABANDON, slot * 16 + KIND_ABANDON);
  }

  private startService(slot: number, g: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    table.state[slot] = STATE_IN_SERVICE;
    table.group[slot] = g;
    const staff = this.staff;
    staff[g * STAFF + BUSY] = (staff[g * STAFF + BUSY] as number) + 1;
    this.addLevel(this.busyQueueIdx(g, q), 1);
    this.presentChanged(g);
    if (Number.isNaN(table.firstStart[slot] as number)) this.firstTouch(slot, q);
    const flags = table.flags[slot] as number;
    const duration = ((flags & FLAG_FOLLOWUP ? this.followup[q] : this.handle[q]) as Distribution).sample(
      this.handleRng[q] as Rng,
    );
    if (flags & FLAG_RECORDED) table.handled[slot] = (table.handled[slot] as number) + duration;
    this.events.push(this.now + duration, PRIORITY_DEPARTURE, slot * 16 + KIND_DEPARTURE);
  }

  /** The cycle's first handling starts: its wait ends, and a response SLA is decided. */
  private firstTouch(slot: number, q: number): void {
    const now = this.now;
    const table = this.table;
    table.firstStart[slot] = now;
    // Patience only covers the wait for a first handling (NaN: no deadline, as without patience).
    table.deadline[slot] = Number.NaN;
    if ((table.flags[slot] as number) & FLAG_COUNTED) {
      const queueState = this.queueState;
      const at = q * QS;
      queueState[at + QT_ANSWERED] = (queueState[at + QT_ANSWERED] as number) + 1;
      const wait = now - (table.cycleStart[slot] as number);
      queueState[at + QT_WAIT_ANSWERED] = (queueState[at + QT_WAIT_ANSWERED] as number) + wait;
    }
    if (this.slaOnResponse[q] === 1) this.decide(slot, now <= (table.due[slot] as number));
  }

  /** Counts a cycle's SLA outcome once: in the summary (counted cycles) and in its due interval. */
  private decide(slot: number, met: boolean): void {
    const table = this.table;
    const flags = table.flags[slot] as number;
    if (flags & FLAG_DECIDED) return;
    table.flags[slot] = flags | FLAG_DECIDED;
    const q = table.queue[slot] as number;
    if (flags & FLAG_COUNTED) {
      const i = q * QS + (met ? QT_SLA_MET : QT_SLA_BREACHED);
      this.queueState[i] = (this.queueState[i] as number) + 1;
    }
    const due = table.due[slot] as number;
    if (due < this.horizon && due >= this.warmup) {
      const r = this.row(q, this.intervalOf(due));
      if (r >= 0) {
        const qi = this.qi;
        qi.sla_due[r] = (qi.sla_due[r] as number) + 1;
        if (met) qi.sla_met[r] = (qi.sla_met[r] as number) + 1;
      }
    }
  }

  private depart(slot: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    const g = table.group[slot] as number;
    const queueState = this.queueState;
    const at = q * QS;
    queueState[at + NOW_HANDLED] = (queueState[at + NOW_HANDLED] as number) + 1;
    if ((table.flags[slot] as number) & FLAG_COUNTED) {
      queueState[at + QT_HANDLED] = (queueState[at + QT_HANDLED] as number) + 1;
    }
    // Where the case goes is settled while its agent still counts as busy, so a reworked case
    // queues behind those already waiting instead of being grabbed back by its own agent.
    if (this.mayContinue[q] === 0 || !this.continueElsewhere(slot, q)) this.resolve(slot);
    const staff = this.staff;
    staff[g * STAFF + BUSY] = (staff[g * STAFF + BUSY] as number) - 1;
    this.addLevel(this.busyQueueIdx(g, q), -1);
    this.presentChanged(g);
    this.fillAgents(g);
  }

  /**
   * After a handling, in a queue with rework or a dependency: the case goes back in line for rework,
   * or waits on the other party, or neither (false: it is resolved).
   */
  private continueElsewhere(slot: number, q: number): boolean {
    const now = this.now;
    const table = this.table;
    const flags = table.flags[slot] as number;
    const rework = this.reworkProbability[q] as number;
    const dependency = this.dependency[q];
    if (rework > 0 && (this.reworkRng[q] as Rng).next() < rework) {
      if (this.recordCases) table.reworks[slot] = (table.reworks[slot] as number) + 1;
      this.enterLine(slot, false);
      return true;
    }
    if (
      dependency &&
      !(flags & FLAG_DEPENDENCY_DONE) &&
      (this.dependencyRng[q] as Rng).next() < dependency.probability
    ) {
      table.flags[slot] = flags | FLAG_DEPENDENCY_DONE | FLAG_FOLLOWUP;
      table.state[slot] = STATE_DEPENDENCY;
      table.entered[slot] = now;
      const wait = dependency.wait.sample(this.dependencyRng[q] as Rng);
      this.events.push(now + wait, PRIORITY_DEPENDENCY_RETURN, slot * 16 + KIND_DEPENDENCY_RETURN);
      return true;
    }
    return false;
  }

  private dependencyReturn(slot: number): void {
    const now = this.now;
    const table = this.table;
    const q = table.queue[slot] as number;
    const started = table.entered[slot] as number;
    if (this.recordCases) table.dependencyWait[slot] = (table.dependencyWait[slot] as number) + now - started;
    if (this.dependency[q]?.pauses_sla) {
      // The clock stopped while waiting: the due time moves out by the business time paused.
      const clock = this.slaClock[q] as BusinessClock;
      const paused = clock.between(started, now);
      table.due[slot] = clock.add(table.due[slot] as number, paused);
    }
    this.enterLine(slot, false);
  }

  /** A cycle leaves as resolved or abandoned: totals, the record, then reopen or free the slot. */
  private closeCycle(slot: number, outcome: number): void {
    const now = this.now;
    const table = this.table;
    const q = table.queue[slot] as number;
    const flags = table.flags[slot] as number;
    const queueState = this.queueState;
    const at = q * QS;
    const resolved = outcome === OUTCOME_RESOLVED;
    const open = (queueState[at + OPEN] as number) - 1;
    queueState[at + OPEN] = open;
    this.setLevel(this.openIdx(q), open);
    const inInterval = at + (resolved ? NOW_RESOLVED : NOW_ABANDONED);
    queueState[inInterval] = (queueState[inInterval] as number) + 1;
    if (flags & FLAG_COUNTED) {
      const inSystem = now - (table.cycleStart[slot] as number);
      const total = at + (resolved ? QT_RESOLVED : QT_ABANDONED);
      queueState[total] = (queueState[total] as number) + 1;
      if (!resolved) this.addToQueue(q, QT_WAIT_ABANDONED, inSystem);
      queueState[at + QT_TIME_IN_SYSTEM] = (queueState[at + QT_TIME_IN_SYSTEM] as number) + inSystem;
      if (flags & FLAG_RECORDED) this.record(slot, now, outcome);
    }
    if (resolved && this.mayReopen[q] === 1 && this.scheduleReopen(slot, q)) return;
    table.release(slot);
  }

  /** A resolved cycle in a queue whose cases may reopen: true when this one will (its slot stays). */
  private scheduleReopen(slot: number, q: number): boolean {
    const now = this.now;
    const reopen = this.reopenAfter[q] as NonNullable<QueuePlan["reopen"]>;
    if ((this.reopenRng[q] as Rng).next() >= reopen.probability) return false;
    const table = this.table;
    table.state[slot] = STATE_REOPEN_PENDING;
    table.generation[slot] = (table.generation[slot] as number) + 1; // this cycle is no longer open
    const delay = reopen.delay.sample(this.reopenRng[q] as Rng);
    this.events.push(now + delay, PRIORITY_REOPEN, slot * 16 + KIND_REOPEN);
    return true;
  }

  private resolve(slot: number): void {
    const now = this.now;
    if (this.slaOnResponse[this.table.queue[slot] as number] === 0) {
      this.decide(slot, now <= (this.table.due[slot] as number));
    }
    this.closeCycle(slot, OUTCOME_RESOLVED);
  }

  private abandon(slot: number): void {
    const now = this.now;
    const table = this.table;
    // A timer for a case already handled (or a slot since reused) is stale.
    if (table.state[slot] !== STATE_WAITING || table.deadline[slot] !== now) return;
    const q = table.queue[slot] as number;
    this.queueState[q * QS + WAITING] = (this.queueState[q * QS + WAITING] as number) - 1;
    table.lineStamp[slot] = (table.lineStamp[slot] as number) + 1; // its line entry is now dead
    this.decide(slot, false);
    this.closeCycle(slot, OUTCOME_ABANDONED);
  }

  private capacityChange(g: number): void {
    const schedule = (this.plan.groups[g] as ScenarioPlan["groups"][number]).schedule;
    const i = this.scheduleCursor[g] as number;
    this.productive[g] = schedule.productive[i] as number;
    this.staff[g * STAFF + CAPACITY] = (this.productive[g] as number) + (this.overtime[g] as number);
    this.setLevel(this.rosterIdx(g), schedule.rostered[i] as number);
    this.staffLevelsChanged(g);
    this.scheduleCursor[g] = i + 1;
    if (i + 1 < schedule.times.length) {
      this.events.push(schedule.times[i + 1] as number, PRIORITY_CAPACITY, g * 16 + KIND_CAPACITY);
    }
    this.fillAgents(g);
  }

  /** Free agents of group g take work (or switch, when their group's focus changed) while they can. */
  private fillAgents(g: number): void {
    while (this.free(g) > 0) {
      if ((this.staff[g * STAFF + PENDING_SWITCH] as number) > 0) {
        this.staff[g * STAFF + PENDING_SWITCH] = (this.staff[g * STAFF + PENDING_SWITCH] as number) - 1;
        this.startSwitch(g);
        continue;
      }
      const slot = this.pickWork(g);
      if (slot < 0) return;
      const q = this.table.queue[slot] as number;
      (this.lines[q] as CaseLine).pop();
      this.queueState[q * QS + WAITING] = (this.queueState[q * QS + WAITING] as number) - 1;
      this.startService(slot, g);
    }
  }

  private switchDone(g: number): void {
    this.staff[g * STAFF + SWITCHING] = (this.staff[g * STAFF + SWITCHING] as number) - 1;
    this.setLevel(this.switchIdx(g), this.staff[g * STAFF + SWITCHING] as number);
    this.presentChanged(g);
    this.fillAgents(g);
  }

  private startSwitch(g: number): void {
    const now = this.now;
    this.staff[g * STAFF + SWITCHING] = (this.staff[g * STAFF + SWITCHING] as number) + 1;
    this.setLevel(this.switchIdx(g), this.staff[g * STAFF + SWITCHING] as number);
    this.presentChanged(g);
    this.events.push(now + this.switchCost, PRIORITY_SWITCH_DONE, g * 16 + KIND_SWITCH_DONE);
  }

  /**
   * The routing policy: which waiting case a free agent of group g takes (its slot, or -1).
   * - A group pointed at a queue by rebalancing takes that queue's cases first.
   * - fifo: the agent's best skill-priority tier that has work; within it, the case that entered
   *   its line first.
   * - priority: the queue with the most urgent work type (queue priority); then skill priority; then
   *   the case that entered first.
   * - earliest_due: the case with the earliest SLA due time (lines are ordered by due); then skill
   *   priority; then the case that entered first.
   */
  private pickWork(g: number): number {
    const focus = this.focus[g] as number;
    if (focus >= 0 && (this.queueState[focus * QS + WAITING] as number) > 0)
      return (this.lines[focus] as CaseLine).front();
    const table = this.table;
    const routing = this.routing;
    const queueState = this.queueState;
    const skillQueues = this.skillQueues;
    const skillPriorities = this.skillPriorities;
    let best = -1;
    let bestTier = 0;
    let bestKey = 0;
    let bestEntered = 0;
    const end = this.skillFrom[g + 1] as number;
    for (let i = this.skillFrom[g] as number; i < end; i++) {
      const queue = skillQueues[i] as number;
      if ((queueState[queue * QS + WAITING] as number) === 0) continue;
      const tier = skillPriorities[i] as number;
      if (routing === ROUTING_FIFO && best >= 0 && tier > bestTier) break;
      const slot = (this.lines[queue] as CaseLine).front();
      const entered = table.entered[slot] as number;
      const key =
        routing === ROUTING_PRIORITY
          ? (this.workPriority[queue] as number)
          : routing === ROUTING_EARLIEST_DUE
            ? (table.due[slot] as number)
            : 0;
      // Skills are sorted by skill priority, so a later skill with an equal key only wins on entry time
      // when it shares the tier.
      if (best < 0 || key < bestKey || (key === bestKey && tier === bestTier && entered < bestEntered)) {
        best = slot;
        bestTier = tier;
        bestKey = key;
        bestEntered = entered;
      }
    }
    return best;
  }

  /** Closes interval boundary-1 (the clock is at its end), then opens the next one and decides its overtime and rebalancing. */
  private tick(boundary: number): void {
    const now = this.now;
    const k = boundary - 1;
    const levels = this.levels;
    const area = this.area;
    for (let i = 0; i < area.length; i++) {
      const at = 3 * i;
      area[i] = (levels[at + 1] as number) + (levels[at] as number) * (now - (levels[at + 2] as number));
      levels[at + 1] = 0;
      levels[at + 2] = now;
    }
    if (k >= this.W) {
      // Each group's available time is shared among its queues by the handling it did on each.
      const availableShare = this.availableShare;
      availableShare.fill(0);
      const gi = this.gi;
      const groupTotals = this.groupTotals;
      for (let g = 0; g < this.G; g++) {
        const r = this.row(g, k);
        const from = this.skillFrom[g] as number;
        const end = this.skillFrom[g + 1] as number;
        let handling = 0;
        for (let i = from; i < end; i++) {
          handling += area[this.busyQueueIdx(g, this.skillQueues[i] as number)] as number;
        }
        // An unlimited group has no meaningful availability: its occupancy is undefined (NaN → null).
        const available = this.unlimited[g] === 1 ? Number.NaN : (area[this.presentIdx(g)] as number);
        gi.rostered_agent_s[r] = area[this.rosterIdx(g)] as number;
        gi.productive_agent_s[r] = (area[this.capIdx(g)] as number) - (area[this.overtimeIdx(g)] as number);
        gi.overtime_agent_s[r] = area[this.overtimeIdx(g)] as number;
        gi.available_agent_s[r] = available;
        gi.handling_agent_s[r] = handling;
        gi.switching_agent_s[r] = area[this.switchIdx(g)] as number;
        const t = g * GT;
        groupTotals[t + GT_ROSTERED] =
          (groupTotals[t + GT_ROSTERED] as number) + (area[this.rosterIdx(g)] as number);
        groupTotals[t + GT_PRODUCTIVE] =
          (groupTotals[t + GT_PRODUCTIVE] as number) + (gi.productive_agent_s[r] as number);
        groupTotals[t + GT_OVERTIME] =
          (groupTotals[t + GT_OVERTIME] as number) + (area[this.overtimeIdx(g)] as number);
        groupTotals[t + GT_AVAILABLE] = (groupTotals[t + GT_AVAILABLE] as number) + available;
        groupTotals[t + GT_HANDLING] = (groupTotals[t + GT_HANDLING] as number) + handling;
        groupTotals[t + GT_SWITCHING] =
          (groupTotals[t + GT_SWITCHING] as number) + (area[this.switchIdx(g)] as number);
        for (let i = from; i < end; i++) {
          const queue = this.skillQueues[i] as number;
          const share =
            handling > 0 ? (area[this.busyQueueIdx(g, queue)] as number) / handling : 1 / (end - from);
          availableShare[queue] = (availableShare[queue] as number) + available * share;
        }
      }
      const qi = this.qi;
      const queueState = this.queueState;
      for (let q = 0; q < this.Q; q++) {
        const r = this.row(q, k);
        let handling = 0;
        for (let g = 0; g < this.G; g++) handling += area[this.busyQueueIdx(g, q)] as number;
        const open = this.queueState[q * QS + OPEN] as number;
        const oldestSlot = (this.openCycles[q] as OpenCycles).oldest();
        const oldestAge = oldestSlot < 0 ? 0 : now - (this.table.cycleStart[oldestSlot] as number);
        qi.open_end[r] = open;
        qi.waiting_end[r] = this.queueState[q * QS + WAITING] as number;
        qi.oldest_age_s[r] = oldestAge;
        qi.handling_agent_s[r] = handling;
        qi.available_agent_s[r] = availableShare[q] as number;
        const t = q * QS;
        qi.arrivals[r] = queueState[t + NOW_ARRIVALS] as number;
        qi.reopened[r] = queueState[t + NOW_REOPENED] as number;
        qi.handled[r] = queueState[t + NOW_HANDLED] as number;
        qi.resolved[r] = queueState[t + NOW_RESOLVED] as number;
        qi.abandoned[r] = queueState[t + NOW_ABANDONED] as number;
        queueState[t + QT_HANDLING] = (queueState[t + QT_HANDLING] as number) + handling;
        queueState[t + QT_AVAILABLE] =
          (queueState[t + QT_AVAILABLE] as number) + (availableShare[q] as number);
        queueState[t + QT_OPEN_AREA] =
          (queueState[t + QT_OPEN_AREA] as number) + (area[this.openIdx(q)] as number);
        if (open > (queueState[t + QT_MAX_OPEN] as number)) queueState[t + QT_MAX_OPEN] = open;
        if (oldestAge > (queueState[t + QT_MAX_OLDEST_AGE] as number))
          queueState[t + QT_MAX_OLDEST_AGE] = oldestAge;
        if (boundary < this.K) qi.open_start[r + 1] = open;
      }
    } else if (boundary === this.W) {
      for (let q = 0; q < this.Q; q++)
        this.qi.open_start[this.row(q, boundary)] = this.queueState[q * QS + OPEN] as number;
    }
    for (let q = 0; q < this.Q; q++) this.queueState.fill(0, q * QS + NOW_ARRIVALS, q * QS + QS);
    if (boundary < this.K) {
      this.openIntervalAt(boundary);
      this.startIntervalDecisions(boundary);
    }
  }

  /** Overtime and rebalancing are decided at the start of each interval, from the state then. */
  private startIntervalDecisions(k: number): void {
    const now = this.now;
    const plan = this.plan;
    for (let g = 0; g < this.G; g++) {
      const group = plan.groups[g] as ScenarioPlan["groups"][number];
      if (!group.overtime) continue;
      const day = plan.intervalDay[k] as number;
      if (day !== this.overtimeDay[g]) {
        this.overtimeDay[g] = day;
        this.overtimeUsed[g] = 0;
      }
      let backlog = 0;
      let oldestAge = 0;
      for (const skill of group.skills) {
        backlog += this.queueState[skill.queue * QS + OPEN] as number;
        const slot = (this.openCycles[skill.queue] as OpenCycles).oldest();
        if (slot >= 0) oldestAge = Math.max(oldestAge, now - (this.table.cycleStart[slot] as number));
      }
      const minute = plan.intervalMinute[k] as number;
      const { from_minute: from, to_minute: to } = group.overtime;
      const inWindow = from < to ? minute >= from && minute < to : minute >= from || minute < to;
      const tripped =
        inWindow && (backlog >= group.overtime.backlog_at_least || oldestAge >= group.overtime.oldest_age_s);
      const budgetLeft =
        (this.overtimeUsed[g] as number) + this.interval <= group.overtime.max_s_per_day + 1e-9;
      const extra = tripped && budgetLeft ? group.overtime.agents : 0;
      if (extra > 0) this.overtimeUsed[g] = (this.overtimeUsed[g] as number) + this.interval;
      if (extra !== this.overtime[g]) {
        this.overtime[g] = extra;
        this.staff[g * STAFF + CAPACITY] = (this.productive[g] as number) + extra;
        this.setLevel(this.overtimeIdx(g), extra);
        this.staffLevelsChanged(g);
        this.fillAgents(g);
      }
    }
    const rebalancing = plan.rebalancing;
    if (rebalancing && k % rebalancing.every_intervals === 0) {
      for (let g = 0; g < this.G; g++) {
        const group = plan.groups[g] as ScenarioPlan["groups"][number];
        if (group.skills.length < 2 || group.unlimited) continue;
        let worst = -1;
        let worstRisk = rebalancing.at_risk;
        for (const skill of group.skills) {
          if ((this.queueState[skill.queue * QS + WAITING] as number) === 0) continue;
          const risk = this.slaRisk((this.lines[skill.queue] as CaseLine).front());
          if (risk >= worstRisk && (worst < 0 || risk > worstRisk)) {
            worst = skill.queue;
            worstRisk = risk;
          }
        }
        if (worst !== this.focus[g]) this.changeFocus(g, worst);
      }
    }
  }

  /** Share of its SLA target a waiting case has used (above 1 once past due), in business time. */
  private slaRisk(slot: number): number {
    const now = this.now;
    const q = this.table.queue[slot] as number;
    const clock = this.slaClock[q] as BusinessClock;
    const target_s = this.slaTarget[q] as number;
    const due = this.table.due[slot] as number;
    return now < due ? 1 - clock.between(now, due) / target_s : 1 + clock.between(due, now) / target_s;
  }

  /** Points group g at queue `focus` (-1: back to normal routing); every agent pays the switching cost. */
  private changeFocus(g: number, focus: number): void {
    this.focus[g] = focus;
    const i = g * GT + GT_FOCUS_CHANGES;
    this.groupTotals[i] = (this.groupTotals[i] as number) + 1;
    if (this.switchCost <= 0) {
      this.fillAgents(g);
      return;
    }
    // Busy agents switch when they finish; idle ones switch now.
    this.staff[g * STAFF + PENDING_SWITCH] = this.staff[g * STAFF + BUSY] as number;
    let idle = this.free(g);
    while (idle-- > 0) this.startSwitch(g);
  }

  /** At the horizon: count open cycles, settle SLA outcomes already past due, record what is open. */
  private sweepOpenCycles(): void {
    const table = this.table;
    for (let slot = 0; slot < table.highWater; slot++) {
      const state = table.state[slot] as number;
      if (state !== STATE_WAITING && state !== STATE_IN_SERVICE && state !== STATE_DEPENDENCY) continue;
      const q = table.queue[slot] as number;
      if ((table.due[slot] as number) <= this.horizon) this.decide(slot, false);
      const flags = table.flags[slot] as number;
      if (flags & FLAG_COUNTED) {
        this.countQueue(q, QT_OPEN_AT_END);
        if (flags & FLAG_RECORDED) this.record(slot, Number.NaN, OUTCOME_OPEN);
      }
    }
  }

  private record(slot: number, end: number, outcome: number): void {
    let cases = this.cases as CaseColumns;
    if (cases.count === cases.case_id.length) {
      cases = growCaseColumns(cases);
      this.cases = cases;
    }
    const table = this.table;
    const i = cases.count++;
    const opened = table.cycleStart[slot] as number;
    const firstStart = table.firstStart[slot] as number;
    const due = table.due[slot] as number;
    const q = table.queue[slot] as number;
    cases.case_id[i] = table.caseId[slot] as number;
    cases.cycle[i] = table.cycle[slot] as number;
    cases.queue[i] = q;
    cases.arrival_s[i] = opened;
    cases.first_start_s[i] = firstStart;
    cases.end_s[i] = end;
    cases.wait_s[i] = Number.isNaN(firstStart) ? end - opened : firstStart - opened;
    cases.handle_s[i] = table.handled[slot] as number;
    cases.outcome[i] = outcome;
    cases.due_s[i] = due;
    const decidedAt = this.slaOnResponse[q] === 1 ? firstStart : end;
    cases.met[i] =
      outcome === OUTCOME_ABANDONED
        ? 0
        : !Number.isNaN(decidedAt)
          ? decidedAt <= due
            ? 1
            : 0
          : due <= this.horizon
            ? 0
            : -1;
    cases.reworks[i] = table.reworks[slot] as number;
    cases.dependency_wait_s[i] = table.dependencyWait[slot] as number;
  }
}
