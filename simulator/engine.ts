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
 * arrivals; then in scheduling order (the heap's sequence). Same seed, same run.
 */
import { ArrivalClock } from "./arrival-rates.ts";
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
import { EventQueue } from "./event-queue.ts";
import type { Rng } from "./rng.ts";
import type { ScenarioPlan } from "./scenario-plan.ts";

const KIND_TICK = 0;
const KIND_DEPARTURE = 1;
const KIND_CAPACITY = 2;
const KIND_SWITCH_DONE = 3;
const KIND_ABANDON = 4;
const KIND_DEPENDENCY_RETURN = 5;
const KIND_REOPEN = 6;
const KIND_ARRIVAL = 7;
/** Heap priority of each kind (lower first at the same instant). */
const PRIORITY = [0, 1, 2, 2, 3, 4, 4, 5];

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

interface QueueStreams {
  arrivals: Rng;
  handle: Rng;
  patience: Rng;
  rework: Rng;
  dependency: Rng;
  reopen: Rng;
  backlog: Rng;
}

export interface ReplicationOptions {
  /** Keep one record per counted cycle. */
  recordCases: boolean;
}

/** Runs one replication; `rng` is this replication's own stream. */
export function runReplication(plan: ScenarioPlan, rng: Rng, options: ReplicationOptions): ReplicationOutput {
  return new Replication(plan, rng, options).run();
}

class Replication {
  private readonly events = new EventQueue<number>(4096);
  private readonly table = new CaseTable();
  private readonly lines: CaseLine[];
  private readonly openCycles: OpenCycles[];
  private readonly streams: QueueStreams[];
  private readonly arrivalClocks: ArrivalClock[];
  private readonly Q: number;
  private readonly G: number;
  private readonly K: number;
  private readonly W: number;
  private readonly n: number; // output intervals
  private readonly interval: number;
  private readonly horizon: number;
  private readonly warmup: number;
  private nextCaseId = 0;
  private eventCount = 0;

  // Staff state.
  private readonly capacity: Float64Array; // productive + overtime
  private readonly productive: Float64Array;
  private readonly overtime: Float64Array;
  private readonly busy: Float64Array;
  private readonly switching: Float64Array;
  private readonly pendingSwitch: Float64Array;
  private readonly focus: Int32Array;
  private readonly unlimited: Uint8Array;
  private readonly scheduleCursor: Int32Array;
  private readonly overtimeUsed: Float64Array;
  private readonly overtimeDay: Int32Array;

  // Queue state.
  private readonly waiting: Float64Array;
  private readonly open: Float64Array;

  // Time integrals of levels (see the index helpers below), flushed at every interval tick.
  private readonly level: Float64Array;
  private readonly area: Float64Array;
  private readonly since: Float64Array;

  private readonly qi: QueueIntervalColumns;
  private readonly gi: GroupIntervalColumns;
  private cases: CaseColumns | undefined;
  private readonly queueTotals: QueueTotals[];
  private readonly groupTotals: GroupTotals[];

  constructor(
    private readonly plan: ScenarioPlan,
    rng: Rng,
    private readonly options: ReplicationOptions,
  ) {
    this.Q = plan.queues.length;
    this.G = plan.groups.length;
    this.K = plan.intervals;
    this.W = plan.warmupIntervals;
    this.n = this.K - this.W;
    this.interval = plan.interval_s;
    this.horizon = plan.horizon_s;
    this.warmup = plan.warmup_s;
    this.lines = plan.queues.map(() =>
      plan.routing === "earliest_due" ? new DueLine(this.table) : new FifoLine(this.table),
    );
    this.openCycles = plan.queues.map(() => new OpenCycles(this.table));
    this.streams = plan.queues.map((queue) => ({
      arrivals: rng.fork(`arrivals:${queue.name}`),
      handle: rng.fork(`handle:${queue.name}`),
      patience: rng.fork(`patience:${queue.name}`),
      rework: rng.fork(`rework:${queue.name}`),
      dependency: rng.fork(`dependency:${queue.name}`),
      reopen: rng.fork(`reopen:${queue.name}`),
      backlog: rng.fork(`backlog:${queue.name}`),
    }));
    this.arrivalClocks = plan.queues.map((queue) => new ArrivalClock(queue.rates));
    const G = this.G;
    this.capacity = new Float64Array(G);
    this.productive = new Float64Array(G);
    this.overtime = new Float64Array(G);
    this.busy = new Float64Array(G);
    this.switching = new Float64Array(G);
    this.pendingSwitch = new Float64Array(G);
    this.focus = new Int32Array(G).fill(-1);
    this.scheduleCursor = new Int32Array(G);
    this.overtimeUsed = new Float64Array(G);
    this.overtimeDay = new Int32Array(G).fill(-1);
    this.waiting = new Float64Array(this.Q);
    this.open = new Float64Array(this.Q);
    this.unlimited = Uint8Array.from(plan.groups, (group) => (group.unlimited ? 1 : 0));
    // Per group: capacity, rostered, overtime, (spare), switching, present; then handling per group ×
    // queue; then open cycles per queue.
    const counters = 6 * G + G * this.Q + this.Q;
    this.level = new Float64Array(counters);
    this.area = new Float64Array(counters);
    this.since = new Float64Array(counters);
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
    this.queueTotals = plan.queues.map(() => ({
      arrivals: 0,
      reopened: 0,
      resolved: 0,
      abandoned: 0,
      open_at_end: 0,
      answered: 0,
      delayed: 0,
      sla_met: 0,
      sla_breached: 0,
      wait_answered_s: 0,
      wait_abandoned_s: 0,
      time_in_system_s: 0,
      exits: 0,
      handled: 0,
      handling_agent_s: 0,
      available_agent_s: 0,
      open_area: 0,
      max_open: 0,
      max_oldest_age_s: 0,
    }));
    this.groupTotals = plan.groups.map(() => ({
      rostered_agent_s: 0,
      productive_agent_s: 0,
      overtime_agent_s: 0,
      available_agent_s: 0,
      handling_agent_s: 0,
      switching_agent_s: 0,
      focus_changes: 0,
    }));
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

  private setLevel(i: number, value: number, now: number): void {
    const area = this.area;
    area[i] = (area[i] as number) + (this.level[i] as number) * (now - (this.since[i] as number));
    this.since[i] = now;
    this.level[i] = value;
  }

  private addLevel(i: number, delta: number, now: number): void {
    this.setLevel(i, (this.level[i] as number) + delta, now);
  }

  /** Output row of (queue or group) index and absolute interval k, or -1 inside the warm-up. */
  private row(index: number, k: number): number {
    return k < this.W ? -1 : index * this.n + (k - this.W);
  }

  private intervalOf(t: number): number {
    const k = Math.floor(t / this.interval);
    return k < 0 ? 0 : k >= this.K ? this.K - 1 : k;
  }

  private free(g: number): number {
    return (this.capacity[g] as number) - (this.busy[g] as number) - (this.switching[g] as number);
  }

  /**
   * Re-derives the integrated staff levels after capacity, busy or switching changed; a level is only
   * touched when it moved (most handlings change neither capacity nor the agents present).
   */
  private staffLevelsChanged(g: number, now: number): void {
    if (this.unlimited[g] === 1) return; // capacity is infinite: only handling time is integrated
    const level = this.level;
    const cap = this.capacity[g] as number;
    if (level[g] !== cap) this.setLevel(this.capIdx(g), cap, now);
    const engaged = (this.busy[g] as number) + (this.switching[g] as number);
    const present = Math.max(cap, engaged);
    const presentIdx = this.presentIdx(g);
    if (level[presentIdx] !== present) this.setLevel(presentIdx, present, now);
  }

  run(): ReplicationOutput {
    const plan = this.plan;
    const events = this.events;
    // Staff on duty at time 0, and their later changes.
    for (let g = 0; g < this.G; g++) {
      const schedule = (plan.groups[g] as ScenarioPlan["groups"][number]).schedule;
      this.productive[g] = schedule.productive[0] as number;
      this.capacity[g] = this.productive[g] as number;
      if (this.unlimited[g] === 0) this.setLevel(this.rosterIdx(g), schedule.rostered[0] as number, 0);
      this.staffLevelsChanged(g, 0);
      this.scheduleCursor[g] = 1;
      if (schedule.times.length > 1)
        events.push(schedule.times[1] as number, PRIORITY[KIND_CAPACITY] as number, g * 16 + KIND_CAPACITY);
    }
    this.startIntervalDecisions(0, 0);
    // The whole initial backlog queues up first, then agents on duty take from it by the routing
    // policy (placing it queue by queue would let the first queue's cases jump the line).
    for (let q = 0; q < this.Q; q++) this.placeInitialBacklog(q);
    for (let g = 0; g < this.G; g++) this.fillAgents(g, 0);
    for (let q = 0; q < this.Q; q++) this.scheduleNextArrival(q);
    // Only the next tick is ever in the heap (each schedules the one after): a year of 15-minute ticks
    // pushed up front would make every heap operation several levels deeper.
    events.push(this.interval, PRIORITY[KIND_TICK] as number, 16 + KIND_TICK);
    for (let q = 0; q < this.Q; q++) {
      const r = this.row(q, 0);
      if (r >= 0) this.qi.open_start[r] = this.open[q] as number;
    }

    for (;;) {
      const now = events.peekTime();
      const payload = events.pop();
      this.eventCount++;
      const kind = payload & 15;
      const index = payload >>> 4;
      switch (kind) {
        case KIND_ARRIVAL:
          this.arrive(index, now);
          this.scheduleNextArrival(index);
          break;
        case KIND_DEPARTURE:
          this.depart(index, now);
          break;
        case KIND_ABANDON:
          this.abandon(index, now);
          break;
        case KIND_TICK:
          this.tick(index, now);
          break;
        case KIND_CAPACITY:
          this.capacityChange(index, now);
          break;
        case KIND_SWITCH_DONE:
          this.switching[index] = (this.switching[index] as number) - 1;
          this.setLevel(this.switchIdx(index), this.switching[index] as number, now);
          this.staffLevelsChanged(index, now);
          this.fillAgents(index, now);
          break;
        case KIND_DEPENDENCY_RETURN:
          this.dependencyReturn(index, now);
          break;
        case KIND_REOPEN:
          this.reopen(index, now);
          break;
      }
      if (kind === KIND_TICK && index === this.K) break;
    }
    this.sweepOpenCycles();
    return {
      queueIntervals: this.qi,
      groupIntervals: this.gi,
      cases: this.cases,
      queues: this.queueTotals,
      groups: this.groupTotals,
      events: this.eventCount,
    };
  }

  private scheduleNextArrival(q: number): void {
    const rng = (this.streams[q] as QueueStreams).arrivals;
    const t = (this.arrivalClocks[q] as ArrivalClock).next(-Math.log(1 - rng.next()));
    if (t < this.horizon) this.events.push(t, PRIORITY[KIND_ARRIVAL] as number, q * 16 + KIND_ARRIVAL);
  }

  /** A new cycle opens in queue q at `opened` (negative for the initial backlog). */
  private openCycle(slot: number, q: number, opened: number, now: number): void {
    const table = this.table;
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    table.queue[slot] = q;
    table.cycleStart[slot] = opened;
    table.due[slot] = queue.sla.clock.add(opened, queue.sla.target_s);
    table.firstStart[slot] = Number.NaN;
    table.handled[slot] = 0;
    table.dependencyWait[slot] = 0;
    table.reworks[slot] = 0;
    table.deadline[slot] = Number.NaN;
    let flags = this.warmup === 0 || opened >= this.warmup ? FLAG_COUNTED : 0;
    if (this.options.recordCases) flags |= FLAG_RECORDED;
    table.flags[slot] = flags;
    this.open[q] = (this.open[q] as number) + 1;
    this.setLevel(this.openIdx(q), this.open[q] as number, now);
    (this.openCycles[q] as OpenCycles).add(slot);
    if (flags & FLAG_COUNTED) (this.queueTotals[q] as QueueTotals).arrivals++;
  }

  private placeInitialBacklog(q: number): void {
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    if (queue.backlog.cases === 0) return;
    const rng = (this.streams[q] as QueueStreams).backlog;
    const ages: number[] = [];
    for (let i = 0; i < queue.backlog.cases; i++) ages.push(queue.backlog.age.sample(rng));
    ages.sort((a, b) => b - a); // oldest first: open-cycle order and FIFO order are by opening time
    for (const age of ages) {
      const slot = this.table.allocate();
      this.table.caseId[slot] = this.nextCaseId++;
      this.table.cycle[slot] = 1;
      this.openCycle(slot, q, -age, 0);
      this.joinLine(slot, 0, true, -age);
    }
  }

  private arrive(q: number, now: number): void {
    const slot = this.table.allocate();
    this.table.caseId[slot] = this.nextCaseId++;
    this.table.cycle[slot] = 1;
    this.openCycle(slot, q, now, now);
    const r = this.row(q, this.intervalOf(now));
    if (r >= 0) this.qi.arrivals[r] = (this.qi.arrivals[r] as number) + 1;
    this.enterLine(slot, now, true, now);
  }

  private reopen(slot: number, now: number): void {
    const q = this.table.queue[slot] as number;
    this.table.cycle[slot] = (this.table.cycle[slot] as number) + 1;
    this.openCycle(slot, q, now, now);
    const r = this.row(q, this.intervalOf(now));
    if (r >= 0) {
      this.qi.arrivals[r] = (this.qi.arrivals[r] as number) + 1;
      this.qi.reopened[r] = (this.qi.reopened[r] as number) + 1;
    }
    if ((this.table.flags[slot] as number) & FLAG_COUNTED) (this.queueTotals[q] as QueueTotals).reopened++;
    this.enterLine(slot, now, true, now);
  }

  /**
   * The case looks for a free agent (best skill priority for its queue first); if none, it joins
   * the line. `entered` orders the FIFO line (a backlog case entered when it opened).
   */
  private enterLine(slot: number, now: number, firstEntry: boolean, entered: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    const groups = this.plan.groupsForQueue[q] as number[];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as number;
      if (this.free(g) > 0 && (this.pendingSwitch[g] as number) === 0) {
        this.startService(slot, g, now);
        return;
      }
    }
    this.joinLine(slot, now, firstEntry, entered);
  }

  /** The case waits in its queue's line (and, on its first wait, its patience starts running). */
  private joinLine(slot: number, now: number, firstEntry: boolean, entered: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    table.state[slot] = STATE_WAITING;
    table.entered[slot] = entered;
    table.lineStamp[slot] = (table.lineStamp[slot] as number) + 1;
    (this.lines[q] as CaseLine).push(slot);
    this.waiting[q] = (this.waiting[q] as number) + 1;
    if (firstEntry) {
      if ((table.flags[slot] as number) & FLAG_COUNTED) (this.queueTotals[q] as QueueTotals).delayed++;
      const patience = (this.plan.queues[q] as ScenarioPlan["queues"][number]).patience;
      if (patience) {
        const deadline = now + patience.sample((this.streams[q] as QueueStreams).patience);
        table.deadline[slot] = deadline;
        this.events.push(deadline, PRIORITY[KIND_ABANDON] as number, slot * 16 + KIND_ABANDON);
      }
    }
  }

  private startService(slot: number, g: number, now: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    table.state[slot] = STATE_IN_SERVICE;
    table.group[slot] = g;
    table.deadline[slot] = Number.NaN; // patience only covers the wait for a first handling
    this.busy[g] = (this.busy[g] as number) + 1;
    this.addLevel(this.busyQueueIdx(g, q), 1, now);
    this.staffLevelsChanged(g, now);
    const flags = table.flags[slot] as number;
    if (Number.isNaN(table.firstStart[slot] as number)) {
      table.firstStart[slot] = now;
      if (flags & FLAG_COUNTED) {
        const totals = this.queueTotals[q] as QueueTotals;
        totals.answered++;
        totals.wait_answered_s += now - (table.cycleStart[slot] as number);
      }
      if (queue.sla.measure === "response") this.decide(slot, now <= (table.due[slot] as number));
    }
    const streams = this.streams[q] as QueueStreams;
    const duration = (flags & FLAG_FOLLOWUP ? queue.followup : queue.handle).sample(streams.handle);
    table.handled[slot] = (table.handled[slot] as number) + duration;
    this.events.push(now + duration, PRIORITY[KIND_DEPARTURE] as number, slot * 16 + KIND_DEPARTURE);
  }

  /** Counts a cycle's SLA outcome once: in the summary (counted cycles) and in its due interval. */
  private decide(slot: number, met: boolean): void {
    const table = this.table;
    const flags = table.flags[slot] as number;
    if (flags & FLAG_DECIDED) return;
    table.flags[slot] = flags | FLAG_DECIDED;
    const q = table.queue[slot] as number;
    if (flags & FLAG_COUNTED) {
      const totals = this.queueTotals[q] as QueueTotals;
      if (met) totals.sla_met++;
      else totals.sla_breached++;
    }
    const due = table.due[slot] as number;
    if (due < this.horizon && due >= this.warmup) {
      const r = this.row(q, this.intervalOf(due));
      if (r >= 0) {
        this.qi.sla_due[r] = (this.qi.sla_due[r] as number) + 1;
        if (met) this.qi.sla_met[r] = (this.qi.sla_met[r] as number) + 1;
      }
    }
  }

  private depart(slot: number, now: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    const g = table.group[slot] as number;
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    const streams = this.streams[q] as QueueStreams;
    const r = this.row(q, this.intervalOf(now));
    if (r >= 0) this.qi.handled[r] = (this.qi.handled[r] as number) + 1;
    if ((table.flags[slot] as number) & FLAG_COUNTED) (this.queueTotals[q] as QueueTotals).handled++;
    // Where the case goes is settled while its agent still counts as busy, so a reworked case
    // queues behind those already waiting instead of being grabbed back by its own agent.
    const flags = table.flags[slot] as number;
    if (queue.rework_probability > 0 && streams.rework.next() < queue.rework_probability) {
      table.reworks[slot] = (table.reworks[slot] as number) + 1;
      this.enterLine(slot, now, false, now);
    } else if (
      queue.dependency &&
      !(flags & FLAG_DEPENDENCY_DONE) &&
      streams.dependency.next() < queue.dependency.probability
    ) {
      table.flags[slot] = flags | FLAG_DEPENDENCY_DONE | FLAG_FOLLOWUP;
      table.state[slot] = STATE_DEPENDENCY;
      table.entered[slot] = now;
      const wait = queue.dependency.wait.sample(streams.dependency);
      this.events.push(
        now + wait,
        PRIORITY[KIND_DEPENDENCY_RETURN] as number,
        slot * 16 + KIND_DEPENDENCY_RETURN,
      );
    } else {
      this.resolve(slot, now);
    }
    this.busy[g] = (this.busy[g] as number) - 1;
    this.addLevel(this.busyQueueIdx(g, q), -1, now);
    this.staffLevelsChanged(g, now);
    this.fillAgents(g, now);
  }

  private dependencyReturn(slot: number, now: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    const started = table.entered[slot] as number;
    table.dependencyWait[slot] = (table.dependencyWait[slot] as number) + now - started;
    if (queue.dependency?.pauses_sla) {
      // The clock stopped while waiting: the due time moves out by the business time paused.
      const paused = queue.sla.clock.between(started, now);
      table.due[slot] = queue.sla.clock.add(table.due[slot] as number, paused);
    }
    this.enterLine(slot, now, false, now);
  }

  /** A cycle leaves as resolved or abandoned: totals, the record, then reopen or free the slot. */
  private closeCycle(slot: number, now: number, outcome: number): void {
    const table = this.table;
    const q = table.queue[slot] as number;
    const flags = table.flags[slot] as number;
    const opened = table.cycleStart[slot] as number;
    this.open[q] = (this.open[q] as number) - 1;
    this.setLevel(this.openIdx(q), this.open[q] as number, now);
    const r = this.row(q, this.intervalOf(now));
    if (outcome === OUTCOME_RESOLVED) {
      if (r >= 0) this.qi.resolved[r] = (this.qi.resolved[r] as number) + 1;
    } else if (r >= 0) {
      this.qi.abandoned[r] = (this.qi.abandoned[r] as number) + 1;
    }
    if (flags & FLAG_COUNTED) {
      const totals = this.queueTotals[q] as QueueTotals;
      if (outcome === OUTCOME_RESOLVED) totals.resolved++;
      else {
        totals.abandoned++;
        totals.wait_abandoned_s += now - opened;
      }
      totals.time_in_system_s += now - opened;
      totals.exits++;
      if (flags & FLAG_RECORDED) this.record(slot, now, outcome);
    }
    const queue = this.plan.queues[q] as ScenarioPlan["queues"][number];
    const streams = this.streams[q] as QueueStreams;
    if (outcome === OUTCOME_RESOLVED && queue.reopen && streams.reopen.next() < queue.reopen.probability) {
      table.state[slot] = STATE_REOPEN_PENDING;
      table.generation[slot] = (table.generation[slot] as number) + 1; // this cycle is no longer open
      const delay = queue.reopen.delay.sample(streams.reopen);
      this.events.push(now + delay, PRIORITY[KIND_REOPEN] as number, slot * 16 + KIND_REOPEN);
    } else {
      table.release(slot);
    }
  }

  private resolve(slot: number, now: number): void {
    const queue = this.plan.queues[this.table.queue[slot] as number] as ScenarioPlan["queues"][number];
    if (queue.sla.measure === "resolution") this.decide(slot, now <= (this.table.due[slot] as number));
    this.closeCycle(slot, now, OUTCOME_RESOLVED);
  }

  private abandon(slot: number, now: number): void {
    const table = this.table;
    // A timer for a case already handled (or a slot since reused) is stale.
    if (table.state[slot] !== STATE_WAITING || table.deadline[slot] !== now) return;
    const q = table.queue[slot] as number;
    this.waiting[q] = (this.waiting[q] as number) - 1;
    table.lineStamp[slot] = (table.lineStamp[slot] as number) + 1; // its line entry is now dead
    this.decide(slot, false);
    this.closeCycle(slot, now, OUTCOME_ABANDONED);
  }

  private capacityChange(g: number, now: number): void {
    const schedule = (this.plan.groups[g] as ScenarioPlan["groups"][number]).schedule;
    const i = this.scheduleCursor[g] as number;
    this.productive[g] = schedule.productive[i] as number;
    this.capacity[g] = (this.productive[g] as number) + (this.overtime[g] as number);
    this.setLevel(this.rosterIdx(g), schedule.rostered[i] as number, now);
    this.staffLevelsChanged(g, now);
    this.scheduleCursor[g] = i + 1;
    if (i + 1 < schedule.times.length) {
      this.events.push(
        schedule.times[i + 1] as number,
        PRIORITY[KIND_CAPACITY] as number,
        g * 16 + KIND_CAPACITY,
      );
    }
    this.fillAgents(g, now);
  }

  /** Free agents of group g take work (or switch, when their group's focus changed) while they can. */
  private fillAgents(g: number, now: number): void {
    while (this.free(g) > 0) {
      if ((this.pendingSwitch[g] as number) > 0) {
        this.pendingSwitch[g] = (this.pendingSwitch[g] as number) - 1;
        this.startSwitch(g, now);
        continue;
      }
      const slot = this.pickWork(g);
      if (slot < 0) return;
      const q = this.table.queue[slot] as number;
      (this.lines[q] as CaseLine).pop();
      this.waiting[q] = (this.waiting[q] as number) - 1;
      this.startService(slot, g, now);
    }
  }

  private startSwitch(g: number, now: number): void {
    const cost = this.plan.rebalancing?.switch_cost_s ?? 0;
    this.switching[g] = (this.switching[g] as number) + 1;
    this.setLevel(this.switchIdx(g), this.switching[g] as number, now);
    this.staffLevelsChanged(g, now);
    this.events.push(now + cost, PRIORITY[KIND_SWITCH_DONE] as number, g * 16 + KIND_SWITCH_DONE);
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
    if (focus >= 0 && (this.waiting[focus] as number) > 0) return (this.lines[focus] as CaseLine).front();
    const skills = (this.plan.groups[g] as ScenarioPlan["groups"][number]).skills;
    const table = this.table;
    const routing = this.plan.routing;
    let best = -1;
    let bestTier = 0;
    let bestKey = 0;
    let bestEntered = 0;
    for (let i = 0; i < skills.length; i++) {
      const skill = skills[i] as { queue: number; priority: number };
      if ((this.waiting[skill.queue] as number) === 0) continue;
      if (routing === "fifo" && best >= 0 && skill.priority > bestTier) break;
      const slot = (this.lines[skill.queue] as CaseLine).front();
      const entered = table.entered[slot] as number;
      const key =
        routing === "priority"
          ? (this.plan.queues[skill.queue] as ScenarioPlan["queues"][number]).priority
          : routing === "earliest_due"
            ? (table.due[slot] as number)
            : 0;
      // Skills are sorted by skill priority, so a later skill with an equal key only wins on entry time
      // when it shares the tier.
      if (
        best < 0 ||
        key < bestKey ||
        (key === bestKey && skill.priority === bestTier && entered < bestEntered)
      ) {
        best = slot;
        bestTier = skill.priority;
        bestKey = key;
        bestEntered = entered;
      }
    }
    return best;
  }

  /** Closes interval index-1 at `now`, then decides overtime and rebalancing for the next one. */
  private tick(boundary: number, now: number): void {
    const k = boundary - 1;
    const counters = this.level.length;
    for (let i = 0; i < counters; i++) this.setLevel(i, this.level[i] as number, now);
    const area = this.area;
    if (k >= this.W) {
      // Each group's available time is shared among its queues by the handling it did on each.
      const availableShare = new Float64Array(this.Q);
      for (let g = 0; g < this.G; g++) {
        const group = this.plan.groups[g] as ScenarioPlan["groups"][number];
        const r = this.row(g, k);
        let handling = 0;
        for (const skill of group.skills) handling += area[this.busyQueueIdx(g, skill.queue)] as number;
        // An unlimited group has no meaningful availability: its occupancy is undefined (NaN → null).
        const available = group.unlimited ? Number.NaN : (area[this.presentIdx(g)] as number);
        this.gi.rostered_agent_s[r] = area[this.rosterIdx(g)] as number;
        this.gi.productive_agent_s[r] =
          (area[this.capIdx(g)] as number) - (area[this.overtimeIdx(g)] as number);
        this.gi.overtime_agent_s[r] = area[this.overtimeIdx(g)] as number;
        this.gi.available_agent_s[r] = available;
        this.gi.handling_agent_s[r] = handling;
        this.gi.switching_agent_s[r] = area[this.switchIdx(g)] as number;
        const totals = this.groupTotals[g] as GroupTotals;
        totals.rostered_agent_s += area[this.rosterIdx(g)] as number;
        totals.productive_agent_s += this.gi.productive_agent_s[r] as number;
        totals.overtime_agent_s += area[this.overtimeIdx(g)] as number;
        totals.available_agent_s += available;
        totals.handling_agent_s += handling;
        totals.switching_agent_s += area[this.switchIdx(g)] as number;
        for (const skill of group.skills) {
          const share =
            handling > 0
              ? (area[this.busyQueueIdx(g, skill.queue)] as number) / handling
              : 1 / group.skills.length;
          availableShare[skill.queue] = (availableShare[skill.queue] as number) + available * share;
        }
      }
      for (let q = 0; q < this.Q; q++) {
        const r = this.row(q, k);
        let handling = 0;
        for (let g = 0; g < this.G; g++) handling += area[this.busyQueueIdx(g, q)] as number;
        const open = this.open[q] as number;
        const oldestSlot = (this.openCycles[q] as OpenCycles).oldest();
        const oldestAge = oldestSlot < 0 ? 0 : now - (this.table.cycleStart[oldestSlot] as number);
        this.qi.open_end[r] = open;
        this.qi.waiting_end[r] = this.waiting[q] as number;
        this.qi.oldest_age_s[r] = oldestAge;
        this.qi.handling_agent_s[r] = handling;
        this.qi.available_agent_s[r] = availableShare[q] as number;
        const totals = this.queueTotals[q] as QueueTotals;
        totals.handling_agent_s += handling;
        totals.available_agent_s += availableShare[q] as number;
        totals.open_area += area[this.openIdx(q)] as number;
        if (open > totals.max_open) totals.max_open = open;
        if (oldestAge > totals.max_oldest_age_s) totals.max_oldest_age_s = oldestAge;
        if (boundary < this.K) this.qi.open_start[r + 1] = open;
      }
    } else if (boundary === this.W) {
      for (let q = 0; q < this.Q; q++) this.qi.open_start[this.row(q, boundary)] = this.open[q] as number;
    }
    area.fill(0);
    if (boundary < this.K) {
      this.events.push(
        (boundary + 1) * this.interval,
        PRIORITY[KIND_TICK] as number,
        (boundary + 1) * 16 + KIND_TICK,
      );
      this.startIntervalDecisions(boundary, now);
    }
  }

  /** Overtime and rebalancing are decided at the start of each interval, from the state then. */
  private startIntervalDecisions(k: number, now: number): void {
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
        backlog += this.open[skill.queue] as number;
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
        this.capacity[g] = (this.productive[g] as number) + extra;
        this.setLevel(this.overtimeIdx(g), extra, now);
        this.staffLevelsChanged(g, now);
        this.fillAgents(g, now);
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
          if ((this.waiting[skill.queue] as number) === 0) continue;
          const risk = this.slaRisk((this.lines[skill.queue] as CaseLine).front(), now);
          if (risk >= worstRisk && (worst < 0 || risk > worstRisk)) {
            worst = skill.queue;
            worstRisk = risk;
          }
        }
        if (worst !== this.focus[g]) this.changeFocus(g, worst, now);
      }
    }
  }

  /** Share of its SLA target a waiting case has used (above 1 once past due), in business time. */
  private slaRisk(slot: number, now: number): number {
    const queue = this.plan.queues[this.table.queue[slot] as number] as ScenarioPlan["queues"][number];
    const { clock, target_s } = queue.sla;
    const due = this.table.due[slot] as number;
    return now < due ? 1 - clock.between(now, due) / target_s : 1 + clock.between(due, now) / target_s;
  }

  /** Points group g at queue `focus` (-1: back to normal routing); every agent pays the switching cost. */
  private changeFocus(g: number, focus: number, now: number): void {
    this.focus[g] = focus;
    (this.groupTotals[g] as GroupTotals).focus_changes++;
    const cost = this.plan.rebalancing?.switch_cost_s ?? 0;
    if (cost <= 0) {
      this.fillAgents(g, now);
      return;
    }
    // Busy agents switch when they finish; idle ones switch now.
    this.pendingSwitch[g] = this.busy[g] as number;
    let idle = this.free(g);
    while (idle-- > 0) this.startSwitch(g, now);
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
        (this.queueTotals[q] as QueueTotals).open_at_end++;
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
    cases.case_id[i] = table.caseId[slot] as number;
    cases.cycle[i] = table.cycle[slot] as number;
    cases.queue[i] = table.queue[slot] as number;
    cases.arrival_s[i] = opened;
    cases.first_start_s[i] = firstStart;
    cases.end_s[i] = end;
    cases.wait_s[i] = Number.isNaN(firstStart) ? end - opened : firstStart - opened;
    cases.handle_s[i] = table.handled[slot] as number;
    cases.outcome[i] = outcome;
    cases.due_s[i] = due;
    const queue = this.plan.queues[table.queue[slot] as number] as ScenarioPlan["queues"][number];
    const decidedAt = queue.sla.measure === "response" ? firstStart : end;
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
