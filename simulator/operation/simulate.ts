/**
 * The operation as a discrete-event simulation on the simulator's event heap: orders move through
 * their lifecycle, exceptions open cases, rostered people work the cases in their queues (FIFO, urgent
 * work first), cases wait on dependencies, get misrouted and transferred, escalated and reopened, and
 * an order only moves on when its case is resolved. So queues back up when volume peaks or staff are
 * short, and late shipments and SLA breaches happen for the reasons they happen in a real operation.
 *
 * Every record is emitted in time order through the sink, with timestamps in local offsets.
 */
import type { Faker } from "@faker-js/faker";
import { type Distribution, lognormal } from "../distributions.ts";
import { EventQueue } from "../event-queue.ts";
import type { Rng } from "../rng.ts";
import { addDays, DAY_MS, HOUR_MS, MINUTE_MS, ZoneClock } from "./clock.ts";
import type { OperationConfig } from "./config.ts";
import type { Person, Queue, RosteredShift } from "./roster.ts";

export type Row = Record<string, string | null>;
export type Entity = "orders" | "order_events" | "cases" | "case_events" | "qa_reviews" | "adjustments";

export interface Sink {
  emit(entity: Entity, row: Row): void;
}

export interface SimulationInputs {
  config: OperationConfig;
  scale: number;
  people: readonly Person[];
  shifts: readonly RosteredShift[];
  /** Ages (seconds) at which each queue's escalation level 1 falls due (from the policy). */
  escalateAfterS: Readonly<Record<Queue, number>>;
  rng: Rng;
  faker: Faker;
  sink: Sink;
  /** Called about ten times over the period with a line on how far the simulation has got. */
  onProgress?: (message: string) => void;
}

export interface SimulationSummary {
  asOf: number;
  orders: number;
  cases: number;
  lateShipments: number;
  shipped: number;
  /** Per team: rostered hours on queue work and hours spent working cases (occupancy = worked / rostered). */
  teams: Record<string, { rosteredHours: number; workedHours: number }>;
}

type WorkType = "standard" | "exception" | "high_risk";

const CATEGORIES: Record<Queue, readonly string[]> = {
  new_order_review: ["fraud_flag", "address_mismatch", "policy_exception"],
  payment_hold: ["payment_mismatch", "credit_limit", "fraud_flag"],
  allocation_failure: ["oversell", "backorder_conflict", "substitution_approval", "warehouse_mismatch"],
  fulfillment_release: ["split_shipment", "address_mismatch", "warehouse_mismatch"],
  shipment_exception: ["carrier_delay", "lost_in_transit", "damaged_in_transit", "delivery_failed"],
  return_authorization: ["return_authorization"],
  refund_validation: ["refund_validation"],
};

const ROOT_CAUSE_BY_CATEGORY: Record<string, string> = {
  fraud_flag: "customer",
  address_mismatch: "customer",
  policy_exception: "unclear_policy",
  payment_mismatch: "upstream_data",
  credit_limit: "customer",
  oversell: "upstream_data",
  backorder_conflict: "upstream_data",
  substitution_approval: "none",
  warehouse_mismatch: "upstream_data",
  split_shipment: "none",
  carrier_delay: "carrier",
  lost_in_transit: "carrier",
  damaged_in_transit: "carrier",
  delivery_failed: "carrier",
  return_authorization: "customer",
  refund_validation: "none",
};

const PAYMENT_METHODS = ["card", "card", "card", "paypal", "apple_pay", "gift_card", "invoice"] as const;

const SOURCE_BY_QUEUE: Record<Queue, string> = {
  new_order_review: "fraud",
  payment_hold: "payments",
  allocation_failure: "oms",
  fulfillment_release: "wms",
  shipment_exception: "carrier",
  return_authorization: "returns",
  refund_validation: "returns",
};

interface Order {
  id: string;
  placedAt: number;
  channel: string;
  value: number;
  itemCount: number;
  status: string;
  updatedAt: number;
  customerRef: string;
  shippedAt: number | null;
}

interface Case {
  id: string;
  order: Order;
  queue: Queue;
  /** Where the case was opened, when that was the wrong queue. */
  wrongQueue: Queue | null;
  workType: WorkType;
  category: string;
  priority: string;
  openedAt: number;
  status: "open" | "pending" | "resolved" | "closed";
  resolvedAt: number | null;
  closedAt: number | null;
  updatedAt: number;
  assignee: string | null;
  escalationLevel: number;
  waited: boolean;
  reopened: boolean;
  rootCause: string;
  sourceSystem: string;
  defectRef: string | null;
  onResolved: (at: number) => void;
}

interface Agent {
  person: Person;
  onShift: boolean;
  busy: boolean;
  /** When the current piece of work started (for occupancy). */
  busySince: number;
}

type Event =
  | { kind: "order_day"; day: number }
  | { kind: "place" }
  | { kind: "order_step"; order: Order; step: (at: number) => void }
  | { kind: "shift_start"; agent: Agent }
  | { kind: "shift_end"; agent: Agent }
  | { kind: "work_done"; agent: Agent; item: Case }
  | { kind: "dependency_returned"; item: Case }
  | { kind: "escalation_due"; item: Case; level: number }
  | { kind: "reopen"; item: Case }
  | { kind: "close"; item: Case };

export function simulateOperation(inputs: SimulationInputs): SimulationSummary {
  const { config, rng, faker, sink } = inputs;
  const clock = new ZoneClock(config.time_zone);
  const start = clock.at(config.start, 0);
  const asOf = clock.at(addDays(config.start, config.weeks * 7), 0);
  const heap = new EventQueue<Event>();
  const r = {
    orders: rng.fork("orders"),
    lifecycle: rng.fork("lifecycle"),
    cases: rng.fork("cases"),
    work: rng.fork("work"),
  };
  const summary: SimulationSummary = {
    asOf,
    orders: 0,
    cases: 0,
    lateShipments: 0,
    shipped: 0,
    teams: Object.fromEntries(config.teams.map((t) => [t.name, { rosteredHours: 0, workedHours: 0 }])),
  };
  let orderSeq = 0;
  let caseSeq = 0;
  let orderEventSeq = 0;
  let caseEventSeq = 0;

  const handleTime: Record<string, Distribution> = {};
  const dependencyWait: Record<string, Distribution> = {};
  for (const [queue, h] of Object.entries(config.handling)) {
    handleTime[queue] = lognormal(h.minutes[0] * MINUTE_MS, h.minutes[1] * MINUTE_MS);
    dependencyWait[queue] = lognormal(h.dependency[2] * HOUR_MS, h.dependency[2] * 0.8 * HOUR_MS);
  }

  // --- records -------------------------------------------------------------------------------------
  const orderEvent = (
    order: Order,
    type: string,
    at: number,
    source: string,
    detail: string | null = null,
  ) => {
    order.updatedAt = at;
    sink.emit("order_events", {
      event_id: `OE-${String(++orderEventSeq).padStart(9, "0")}`,
      order_id: order.id,
      event_type: type,
      occurred_at: clock.iso(at),
      source_system: source,
      detail,
    });
  };
  const caseEvent = (item: Case, type: string, at: number, fields: Partial<Row> = {}) => {
    item.updatedAt = at;
    sink.emit("case_events", {
      event_id: `CE-${String(++caseEventSeq).padStart(9, "0")}`,
      case_id: item.id,
      occurred_at: clock.iso(at),
      event_type: type,
      actor_id: null,
      from_queue: null,
      to_queue: null,
      dependency: null,
      escalation_level: null,
      evidence_attached: null,
      note: null,
      ...fields,
    });
  };

  // --- people and queues ----------------------------------------------------------------------------
  const agents = inputs.people
    .filter((p) => p.skills.length > 0 && p.role !== "team_lead")
    .map((person): Agent => ({ person, onShift: false, busy: false, busySince: 0 }));
  const agentById = new Map(agents.map((a) => [a.person.agentId, a]));
  const leads = new Map(inputs.people.filter((p) => p.role === "team_lead").map((p) => [p.team, p]));
  for (const shift of inputs.shifts) {
    const agent = agentById.get(shift.agentId);
    if (!agent) continue;
    const team = summary.teams[agent.person.team];
    const hours = shift.startsAt < asOf ? (Math.min(shift.endsAt, asOf) - shift.startsAt) / HOUR_MS : 0;
    if (shift.activity === "work") {
      if (team) team.rosteredHours += hours;
      heap.push(shift.startsAt, 1, { kind: "shift_start", agent });
      heap.push(shift.endsAt, 0, { kind: "shift_end", agent });
    } else {
      // Training (inside a work shift) takes the person off the queues: they finish the case in hand,
      // then take no new work until it ends.
      if (team) team.rosteredHours -= hours;
      heap.push(shift.startsAt, 0, { kind: "shift_end", agent });
      heap.push(shift.endsAt, 1, { kind: "shift_start", agent });
    }
  }
  const urgent = new Map<Queue, Case[]>();
  const normal = new Map<Queue, Case[]>();
  for (const q of Object.keys(CATEGORIES) as Queue[]) {
    urgent.set(q, []);
    normal.set(q, []);
  }

  const nextCase = (agent: Agent): Case | undefined => {
    let best: Case | undefined;
    let bestLane: Case[] | undefined;
    for (const lanes of [urgent, normal]) {
      for (const q of agent.person.skills) {
        const lane = lanes.get(q) as Case[];
        const head = lane[0];
        if (head && (!best || head.openedAt < best.openedAt)) {
          best = head;
          bestLane = lane;
        }
      }
      if (best) break;
    }
    bestLane?.shift();
    return best;
  };

  const startWork = (agent: Agent, item: Case, at: number) => {
    agent.busy = true;
    agent.busySince = at;
    if (item.assignee !== agent.person.agentId) {
      item.assignee = agent.person.agentId;
      caseEvent(item, "assigned", at, {
        actor_id: agent.person.agentId,
        to_queue: item.wrongQueue ?? item.queue,
      });
    }
    caseEvent(item, "worked", at, { actor_id: agent.person.agentId });
    const minutes = handleTime[item.wrongQueue ?? item.queue]?.sample(r.work) ?? 20 * MINUTE_MS;
    heap.push(at + Math.max(MINUTE_MS, Math.round(minutes / 1000) * 1000), 2, {
      kind: "work_done",
      agent,
      item,
    });
  };

  const dispatch = (agent: Agent, at: number) => {
    if (!agent.onShift || agent.busy) return;
    const item = nextCase(agent);
    if (item) startWork(agent, item, at);
  };

  const enqueue = (item: Case, at: number, isUrgent: boolean) => {
    const queue = item.wrongQueue ?? item.queue;
    ((isUrgent ? urgent : normal).get(queue) as Case[]).push(item);
    for (const agent of agents) {
      if (agent.onShift && !agent.busy && agent.person.skills.includes(queue)) {
        dispatch(agent, at);
        return;
      }
    }
  };

  const openCase = (
    order: Order,
    queue: Queue,
    at: number,
    onResolved: (at: number) => void,
    categoryHint?: string,
  ) => {
    const category = categoryHint ?? (CATEGORIES[queue][r.cases.nextInt(CATEGORIES[queue].length)] as string);
    const workType: WorkType =
      category === "fraud_flag"
        ? "high_risk"
        : queue === "return_authorization" || queue === "refund_validation"
          ? "standard"
          : "exception";
    const u = r.cases.next();
    const priority =
      workType === "high_risk"
        ? u < 0.5
          ? "p1"
          : "p2"
        : u < 0.05
          ? "p1"
          : u < 0.2
            ? "p2"
            : u < 0.9
              ? "p3"
              : "p4";
    const misrouted = r.cases.next() < config.misroute_rate;
    const wrongQueues = (Object.keys(CATEGORIES) as Queue[]).filter((q) => q !== queue);
    const item: Case = {
      id: `CS-${String(++caseSeq).padStart(7, "0")}`,
      order,
      queue,
      wrongQueue: misrouted ? (wrongQueues[r.cases.nextInt(wrongQueues.length)] as Queue) : null,
      workType,
      category,
      priority,
      openedAt: at,
      status: "open",
      resolvedAt: null,
      closedAt: null,
      updatedAt: at,
      assignee: null,
      escalationLevel: 0,
      waited: false,
      reopened: false,
      rootCause: ROOT_CAUSE_BY_CATEGORY[category] ?? "none",
      sourceSystem: SOURCE_BY_QUEUE[queue],
      defectRef: null,
      onResolved,
    };
    const defect = activeDefect(queue, at);
    if (defect && r.cases.next() < defect.share) {
      item.rootCause = "system_defect";
      item.sourceSystem = defect.source_system;
      item.defectRef = defect.ref;
    } else if (r.cases.next() < config.agent_error_rate) {
      item.rootCause = "agent_error";
    }
    summary.cases++;
    openCases.add(item);
    caseEvent(item, "created", at, { to_queue: item.wrongQueue ?? queue });
    const threshold = inputs.escalateAfterS[queue];
    if (threshold) heap.push(at + threshold * 1000, 3, { kind: "escalation_due", item, level: 1 });
    enqueue(item, at, priority === "p1" || priority === "p2");
    return item;
  };

  const dateInWindow = (at: number, w: { from: string; to: string }) => {
    const d = clock.localDate(at);
    return d >= w.from && d <= w.to;
  };
  const activeDefect = (queue: Queue, at: number) =>
    config.defects.find(
      (d) => d.queue === queue && (!d.from || !d.to || dateInWindow(at, { from: d.from, to: d.to })),
    );
  const disruption = (kind: "carrier" | "inventory_sync", at: number) =>
    config.disruptions.find((d) => d.kind === kind && dateInWindow(at, d));

  // --- order lifecycle -------------------------------------------------------------------------------
  const after = (order: Order, at: number, step: (t: number) => void) =>
    heap.push(at, 4, { kind: "order_step", order, step });
  const minutes = (lo: number, hi: number) => Math.round((lo + r.lifecycle.next() * (hi - lo)) * 60) * 1000;
  const hours = (lo: number, hi: number) => minutes(lo * 60, hi * 60);
  const cancel = (order: Order, at: number, source: string) => {
    order.status = "cancelled";
    orderEvent(order, "cancelled", at, source);
    emitOrder(order);
  };
  const rates = config.rates;

  const placeOrder = (at: number) => {
    const channels = Object.entries(config.channels);
    let u = r.orders.next() * channels.reduce((s, [, w]) => s + w, 0);
    let channel = channels[0]?.[0] ?? "web";
    for (const [name, w] of channels) {
      u -= w;
      if (u < 0) {
        channel = name;
        break;
      }
    }
    const order: Order = {
      id: `SO-${String(++orderSeq).padStart(8, "0")}`,
      placedAt: at,
      channel,
      value: Math.round(Math.exp(4 + 0.7 * gaussian(r.orders)) * 100) / 100,
      itemCount: 1 + Math.floor(-Math.log(1 - r.orders.next()) * 1.2),
      status: "placed",
      updatedAt: at,
      customerRef: `CUST-${faker.string.alphanumeric({ length: 8, casing: "upper" })}`,
      shippedAt: null,
    };
    summary.orders++;
    inFlight.add(order);
    orderEvent(order, "placed", at, "commerce");
    after(order, at + minutes(1, 5), (t) => validate(order, t));
  };

  const validate = (order: Order, at: number) => {
    orderEvent(order, "validated", at, "commerce");
    if (r.lifecycle.next() < rates.payment_hold) {
      order.status = "held";
      orderEvent(order, "payment_hold", at, "payments");
      openCase(order, "payment_hold", at, (t) => {
        if (r.lifecycle.next() < rates.cancel_after_payment_hold) return cancel(order, t, "payments");
        orderEvent(order, "payment_released", t, "payments");
        fraudCheck(order, t + minutes(1, 10));
      });
    } else {
      fraudCheck(order, at + minutes(1, 10));
    }
  };

  const fraudCheck = (order: Order, at: number) => {
    after(order, at, (t) => {
      if (r.lifecycle.next() < rates.fraud_review) {
        order.status = "held";
        orderEvent(order, "fraud_review", t, "fraud");
        openCase(
          order,
          "new_order_review",
          t,
          (done) => {
            if (r.lifecycle.next() < rates.cancel_after_fraud_review) return cancel(order, done, "fraud");
            allocate(order, done + minutes(5, 30));
          },
          "fraud_flag",
        );
      } else {
        allocate(order, t + minutes(5, 60));
      }
    });
  };

  const allocate = (order: Order, at: number) => {
    after(order, at, (t) => {
      const surge = disruption("inventory_sync", t)?.multiplier ?? 1;
      if (r.lifecycle.next() < rates.allocation_failure * surge) {
        const backordered = r.lifecycle.next() < 0.3;
        orderEvent(order, backordered ? "backordered" : "allocation_failed", t, "oms");
        const item = openCase(order, "allocation_failure", t, (done) => {
          if (r.lifecycle.next() < rates.cancel_after_allocation_failure) return cancel(order, done, "oms");
          if (r.lifecycle.next() < 0.25) orderEvent(order, "substituted", done, "oms");
          order.status = "allocated";
          orderEvent(order, "allocated", done, "oms");
          release(order, done + hours(0.5, 3));
        });
        const sync = disruption("inventory_sync", t);
        if (sync?.defect_ref && surge > 1) {
          item.rootCause = "system_defect";
          item.sourceSystem = "wms";
          item.defectRef = sync.defect_ref;
        }
      } else {
        order.status = "allocated";
        orderEvent(order, "allocated", t, "oms");
        release(order, t + hours(0.5, 3));
      }
    });
  };

  const release = (order: Order, at: number) => {
    after(order, at, (t) => {
      if (r.lifecycle.next() < rates.fulfillment_release) {
        openCase(order, "fulfillment_release", t, (done) => {
          order.status = "released";
          orderEvent(order, "released", done, "wms");
          ship(order, done + hours(2, 12));
        });
      } else {
        order.status = "released";
        orderEvent(order, "released", t, "wms");
        ship(order, t + hours(4, 20));
      }
    });
  };

  const ship = (order: Order, at: number) => {
    after(order, at, (t) => {
      order.status = "shipped";
      order.shippedAt = t;
      summary.shipped++;
      if (t > order.placedAt + 2 * DAY_MS) summary.lateShipments++;
      orderEvent(order, "shipped", t, "wms");
      const surge = disruption("carrier", t + DAY_MS)?.multiplier ?? 1;
      if (r.lifecycle.next() < rates.shipment_exception * surge) {
        const exceptionAt = t + hours(18, 72);
        after(order, exceptionAt, (e) => {
          orderEvent(order, "shipment_exception", e, "carrier");
          openCase(order, "shipment_exception", e, (done) => {
            if (r.lifecycle.next() < config.adjustments.credit_rate_after_shipment_exception) {
              adjustment(order, "credit", Math.round(order.value * 0.15 * 100) / 100, done, null);
            }
            deliver(order, done + hours(12, 60));
          });
        });
      } else {
        deliver(order, t + hours(36, 110));
      }
    });
  };

  const deliver = (order: Order, at: number) => {
    after(order, at, (t) => {
      order.status = "delivered";
      orderEvent(order, "delivered", t, "carrier");
      if (r.lifecycle.next() < rates.return) requestReturn(order, t + hours(48, 400));
      else emitOrder(order);
    });
  };

  const requestReturn = (order: Order, at: number) => {
    after(order, at, (t) => {
      orderEvent(order, "return_requested", t, "returns");
      const authorize = (when: number) => {
        orderEvent(order, "return_authorized", when, "returns");
        after(order, when + hours(48, 200), (received) => {
          order.status = "returned";
          orderEvent(order, "return_received", received, "returns");
          const refund = (issued: number) => {
            orderEvent(order, "refund_issued", issued, "payments");
            adjustment(order, "refund", order.value, received, issued);
            emitOrder(order);
          };
          if (r.lifecycle.next() < rates.refund_needs_validation)
            openCase(order, "refund_validation", received, refund);
          else after(order, received + hours(4, 30), refund);
        });
      };
      if (r.lifecycle.next() < rates.return_needs_authorization)
        openCase(order, "return_authorization", t, authorize);
      else after(order, t + hours(0.5, 6), authorize);
    });
  };

  // --- adjustments (refunds and credits), with the controls' weak spots -----------------------------
  const approvers = inputs.people.filter((p) => p.role === "finance_approver");
  const requesters = inputs.people.filter(
    (p) => p.skills.includes("refund_validation") || p.skills.includes("shipment_exception"),
  );
  let adjustmentSeq = 0;
  const executorFor = (approver: Person): Person => {
    const others = approvers.filter((p) => p.agentId !== approver.agentId);
    return (others[r.lifecycle.nextInt(others.length)] ?? approver) as Person;
  };
  const adjustment = (
    order: Order,
    kind: "refund" | "credit",
    amount: number,
    requestedAt: number,
    executedAt: number | null,
  ) => {
    const requester = requesters[r.lifecycle.nextInt(requesters.length)] as Person;
    const violation = r.lifecycle.next() < config.adjustments.sod_violation_rate;
    const approver = violation ? requester : (approvers[r.lifecycle.nextInt(approvers.length)] as Person);
    const needsApproval = amount > 50 || kind === "refund";
    const approvedAt = needsApproval ? requestedAt + minutes(10, 600) : null;
    const executed = executedAt ?? (approvedAt ?? requestedAt) + minutes(5, 120);
    const missingEvidence = r.lifecycle.next() < config.adjustments.missing_evidence_rate;
    sink.emit("adjustments", {
      adjustment_id: `ADJ-${String(++adjustmentSeq).padStart(7, "0")}`,
      order_id: order.id,
      case_id: null,
      kind,
      amount: amount.toFixed(2),
      currency: "USD",
      requested_by: requester.agentId,
      requested_at: clock.iso(requestedAt),
      approved_by: needsApproval ? approver.agentId : null,
      approved_at: approvedAt === null ? null : clock.iso(Math.min(approvedAt, executed)),
      // Executed by a finance approver other than the one who approved (segregation of duties).
      executed_by: executorFor(needsApproval ? approver : requester).agentId,
      executed_at: clock.iso(executed),
      reason_code: kind === "refund" ? "return_received" : "service_recovery",
      evidence_ref: missingEvidence ? null : `DOC-${order.id}`,
    });
  };

  // --- case handling outcomes ------------------------------------------------------------------------
  const workDone = (agent: Agent, item: Case, at: number) => {
    agent.busy = false;
    const team = summary.teams[agent.person.team];
    if (team) team.workedHours += (at - agent.busySince) / HOUR_MS;
    if (item.wrongQueue) {
      caseEvent(item, "transferred", at, {
        actor_id: agent.person.agentId,
        from_queue: item.wrongQueue,
        to_queue: item.queue,
      });
      item.wrongQueue = null;
      item.assignee = null;
      enqueue(item, at, true);
    } else if (!item.waited && r.work.next() < (config.handling[item.queue]?.dependency[1] ?? 0)) {
      item.waited = true;
      item.status = "pending";
      const dependency = config.handling[item.queue]?.dependency[0] ?? "customer";
      caseEvent(item, "pending_dependency", at, { actor_id: agent.person.agentId, dependency });
      const wait = dependencyWait[item.queue]?.sample(r.work) ?? 4 * HOUR_MS;
      heap.push(at + Math.round(wait / 1000) * 1000, 2, { kind: "dependency_returned", item });
    } else {
      item.status = "resolved";
      item.resolvedAt = at;
      caseEvent(item, "resolved", at, {
        actor_id: agent.person.agentId,
        evidence_attached: r.work.next() < 0.9 ? "true" : "false",
      });
      if (!item.reopened && r.work.next() < config.reopen_rate) {
        heap.push(at + Math.round(((2 + r.work.next() * 40) * HOUR_MS) / 1000) * 1000, 2, {
          kind: "reopen",
          item,
        });
      } else {
        heap.push(at + Math.round(((0.5 + r.work.next() * 12) * HOUR_MS) / 1000) * 1000, 2, {
          kind: "close",
          item,
        });
        item.onResolved(at);
      }
    }
    dispatch(agent, at);
  };

  // --- snapshots and QA -------------------------------------------------------------------------------
  const openCases = new Set<Case>();
  const inFlight = new Set<Order>();
  const emitCase = (item: Case) => {
    const finished = item.status === "resolved" || item.status === "closed";
    sink.emit("cases", {
      case_id: item.id,
      order_id: item.order.id,
      queue: item.wrongQueue ?? item.queue,
      work_type: item.workType,
      category: item.category,
      priority: item.priority,
      opened_at: clock.iso(item.openedAt),
      resolved_at: item.resolvedAt === null ? null : clock.iso(item.resolvedAt),
      closed_at: item.closedAt === null ? null : clock.iso(item.closedAt),
      status: item.status,
      disposition_code: finished ? `${item.category}_resolved` : null,
      root_cause: finished ? item.rootCause : null,
      source_system: item.sourceSystem,
      defect_ref: item.defectRef,
      owner_team: inputs.config.teams.find((t) => t.skills.includes(item.queue))?.name ?? null,
      assignee_id: item.assignee,
      escalation_level: String(item.escalationLevel),
      updated_at: clock.iso(item.updatedAt),
    });
  };

  const emitOrder = (order: Order) => {
    inFlight.delete(order);
    const customer = faker.person.fullName();
    sink.emit("orders", {
      order_id: order.id,
      placed_at: clock.iso(order.placedAt),
      channel: order.channel,
      ship_country: "US",
      ship_region: faker.location.state({ abbreviated: true }),
      order_value: order.value.toFixed(2),
      currency: "USD",
      item_count: String(order.itemCount),
      payment_method: PAYMENT_METHODS[r.orders.nextInt(PAYMENT_METHODS.length)] as string,
      fraud_score: (r.orders.next() ** 3).toFixed(3),
      promised_ship_by: clock.iso(order.placedAt + 2 * DAY_MS),
      status: order.status,
      customer_ref: order.customerRef,
      customer_name: customer,
      customer_email: faker.internet.email({ firstName: customer.split(" ")[0] }).toLowerCase(),
      customer_phone: faker.phone.number({ style: "international" }),
      ship_address: `${faker.location.streetAddress()}, ${faker.location.city()}`,
      updated_at: clock.iso(order.updatedAt),
    });
  };

  const reviewers = inputs.people.filter((p) => p.role === "qa_analyst");
  const quality = new Map(agents.map((a) => [a.person.agentId, 84 + 6 * gaussian(r.work)]));
  let reviewSeq = 0;
  const calibrationPicked = new Map<string, number>();
  const review = (item: Case, reviewer: Person, at: number, session: string | null) => {
    const base = quality.get(item.assignee ?? "") ?? 84;
    const score = (penalty: number) => {
      const value = base - penalty + reviewer.bias + config.qa.reviewers.noise * gaussian(r.work);
      return String(Math.round(Math.min(100, Math.max(0, value))));
    };
    const agentError = item.rootCause === "agent_error";
    sink.emit("qa_reviews", {
      review_id: `QA-${String(++reviewSeq).padStart(7, "0")}`,
      case_id: item.id,
      reviewer_id: reviewer.agentId,
      agent_id: item.assignee ?? "",
      reviewed_at: clock.iso(at),
      calibration_session_id: session,
      order_accuracy: score(agentError ? 25 : 0),
      policy_adherence: score(0),
      documentation: score(3),
      disposition_accuracy: score(agentError ? 15 : 0),
      communication: score(-2),
      data_handling: score(1),
      routing_correct: item.queue === (item.wrongQueue ?? item.queue) && !item.reopened ? "true" : "false",
      escalated_on_time: item.escalationLevel > 0 ? "true" : null,
      error_type: agentError ? "agent_error" : item.rootCause === "system_defect" ? "system_defect" : "none",
      comment: agentError ? "Wrong disposition chosen; see the order's notes." : null,
    });
  };
  const sampleForQa = (item: Case, closedAt: number) => {
    if (!item.assignee || reviewers.length === 0) return;
    const month = clock.localDate(closedAt).slice(0, 7);
    const picked = calibrationPicked.get(month) ?? 0;
    if (picked < config.qa.calibration_cases_per_month && r.work.next() < 0.05) {
      // A calibration session: every reviewer scores the same case.
      calibrationPicked.set(month, picked + 1);
      const at = closedAt + Math.round(((24 + r.work.next() * 96) * HOUR_MS) / 1000) * 1000;
      if (at < asOf) for (const reviewer of reviewers) review(item, reviewer, at, `CAL-${month}`);
      return;
    }
    if (r.work.next() < config.qa.sampling[item.workType]) {
      const at = closedAt + Math.round(((2 + r.work.next() * 70) * HOUR_MS) / 1000) * 1000;
      if (at < asOf) review(item, reviewers[r.work.nextInt(reviewers.length)] as Person, at, null);
    }
  };

  // --- volume ------------------------------------------------------------------------------------------
  const dailyOrders = (date: string) => {
    const weekday = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][
      (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7
    ] as keyof OperationConfig["weekday_factors"];
    const promo = config.promotions
      .filter((p) => date >= p.from && date <= p.to)
      .reduce((m, p) => m * p.multiplier, 1);
    const mean = config.orders_per_day * inputs.scale * config.weekday_factors[weekday] * promo;
    return Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(r.orders)));
  };
  const hourTotal = config.hour_weights.reduce((a, b) => a + b, 0);
  heap.push(start, 5, { kind: "order_day", day: 0 });

  // --- the loop ------------------------------------------------------------------------------------------
  while (heap.size > 0 && heap.peekTime() < asOf) {
    const at = heap.peekTime();
    const event = heap.pop();
    switch (event.kind) {
      case "order_day": {
        const date = addDays(config.start, event.day);
        const reportEvery = 7 * Math.ceil(config.weeks / 10);
        if (event.day > 0 && event.day % reportEvery === 0) {
          inputs.onProgress?.(
            `week ${event.day / 7} of ${config.weeks}: ${summary.orders.toLocaleString("en-US")} orders, ${summary.cases.toLocaleString("en-US")} cases`,
          );
        }
        const times: number[] = [];
        for (let i = dailyOrders(date); i > 0; i--) {
          let u = r.orders.next() * hourTotal;
          let hour = 0;
          while (hour < 23 && u >= (config.hour_weights[hour] ?? 0)) u -= config.hour_weights[hour++] ?? 0;
          times.push(clock.at(date, hour * 60) + Math.floor(r.orders.next() * 3600) * 1000);
        }
        times.sort((a, b) => a - b);
        for (const t of times) heap.push(t, 6, { kind: "place" });
        if (event.day + 1 < config.weeks * 7)
          heap.push(clock.at(addDays(date, 1), 0), 5, { kind: "order_day", day: event.day + 1 });
        break;
      }
      case "order_step":
        event.step(at);
        break;
      case "shift_start":
        event.agent.onShift = true;
        dispatch(event.agent, at);
        break;
      case "shift_end":
        event.agent.onShift = false;
        break;
      case "work_done":
        workDone(event.agent, event.item, at);
        break;
      case "dependency_returned":
        event.item.status = "open";
        caseEvent(event.item, "dependency_returned", at, {
          dependency: config.handling[event.item.queue]?.dependency[0] ?? null,
        });
        enqueue(event.item, at, true);
        break;
      case "escalation_due": {
        const item = event.item;
        if (item.status === "resolved" || item.status === "closed") break;
        if (r.work.next() < config.escalation_compliance) {
          item.escalationLevel = event.level;
          const team = inputs.config.teams.find((t) => t.skills.includes(item.queue))?.name ?? "";
          caseEvent(item, "escalated", at, {
            actor_id: leads.get(team)?.agentId ?? null,
            escalation_level: String(event.level),
          });
        }
        break;
      }
      case "reopen":
        event.item.reopened = true;
        event.item.status = "open";
        event.item.resolvedAt = null;
        caseEvent(event.item, "reopened", at);
        enqueue(event.item, at, true);
        break;
      case "close":
        event.item.status = "closed";
        event.item.closedAt = at;
        caseEvent(event.item, "closed", at);
        openCases.delete(event.item);
        emitCase(event.item);
        sampleForQa(event.item, at);
        break;
      case "place":
        placeOrder(at);
        break;
    }
  }

  // Cases and orders still in flight at the cut are exported as they stand.
  for (const item of openCases) emitCase(item);
  for (const order of inFlight) emitOrder(order);
  return summary;
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}
