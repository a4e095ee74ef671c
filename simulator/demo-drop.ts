/**
 * A small simulated operation written as an export drop (orders.csv, cases.csv) in the contract's format.
 *
 * Orders arrive with a weekly and daily rhythm; a share of them raise exception cases in three queues;
 * each queue is worked first-in-first-out by a fixed team during business hours, so backlog builds in
 * busy hours and at weekends and drains afterwards, and some cases are still open when the drop is cut.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Faker } from "@faker-js/faker";
import { CONTRACTS } from "../ingest/contracts/index.ts";
import { type ExportFileFormat, openExportWriter } from "./export-writer.ts";
import { createRng, type Rng } from "./rng.ts";
import { seededFaker } from "./seeded-faker.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface DemoDropOptions {
  outDir: string;
  seed: number;
  /** Multiplies the order volume (1 = about 150 orders a day). */
  scale: number;
  /** First day of the drop, UTC midnight. Fixed by default so the demo never depends on the wall clock. */
  start: Date;
  days: number;
  format: ExportFileFormat;
}

export const DEFAULT_DEMO_DROP: Omit<DemoDropOptions, "outDir"> = {
  seed: 42,
  scale: 1,
  start: new Date("2026-09-07T00:00:00Z"),
  days: 28,
  format: "csv",
};

export interface DemoDropSummary {
  files: { entity: string; path: string; rows: number }[];
  asOf: Date;
}

interface QueueProfile {
  queue: "payment_hold" | "allocation_failure" | "shipment_exception";
  /** Share of orders that raise a case in this queue. */
  caseRate: number;
  /** Delay from order placement to the case opening, hours (uniform range). */
  openDelayHours: [number, number];
  categories: readonly string[];
  agents: number;
  /** Handle time: lognormal with this median and spread (sigma of the log), minutes. */
  handleMedianMin: number;
  handleSigma: number;
}

const QUEUES: readonly QueueProfile[] = [
  {
    queue: "payment_hold",
    caseRate: 0.08,
    openDelayHours: [0, 0.2],
    categories: ["payment_mismatch", "fraud_flag", "credit_limit"],
    agents: 1,
    handleMedianMin: 14,
    handleSigma: 0.6,
  },
  {
    queue: "allocation_failure",
    caseRate: 0.06,
    openDelayHours: [0.5, 6],
    categories: ["oversell", "backorder_conflict", "warehouse_mismatch"],
    agents: 1,
    handleMedianMin: 22,
    handleSigma: 0.7,
  },
  {
    queue: "shipment_exception",
    caseRate: 0.05,
    openDelayHours: [30, 96],
    categories: ["carrier_delay", "lost_in_transit", "damaged_in_transit", "delivery_failed"],
    agents: 1,
    handleMedianMin: 30,
    handleSigma: 0.8,
  },
];

// Relative order volume by hour of day (UTC) and by weekday (Sunday first).
const HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 10, 8, 5, 3];
const WEEKDAY_FACTORS = [0.8, 1.15, 1.05, 1.0, 1.0, 1.1, 0.9];
const BUSINESS_START_HOUR = 8;
const BUSINESS_END_HOUR = 20;
const ORDERS_PER_DAY = 150;

const CHANNELS = ["web", "web", "web", "app", "app", "marketplace", "store", "phone"] as const;
const PAYMENT_METHODS = ["card", "card", "card", "paypal", "apple_pay", "gift_card", "invoice"] as const;

interface GeneratedOrder {
  orderId: string;
  placedAt: number;
}

interface GeneratedCase {
  caseId: string;
  orderId: string;
  queue: QueueProfile;
  category: string;
  openedAt: number;
  handleMs: number;
  resolvedAt: number | null;
  cancelled: boolean;
}

export async function generateDemoDrop(options: DemoDropOptions): Promise<DemoDropSummary> {
  if (!(options.scale > 0)) throw new RangeError(`scale must be positive, got ${options.scale}`);
  if (!(Number.isInteger(options.days) && options.days > 0))
    throw new RangeError(`days must be a positive integer`);
  const rng = createRng(options.seed);
  const faker = seededFaker(rng.fork("faker"));
  const start = options.start.getTime();
  const asOf = start + options.days * DAY_MS;

  const orders = generateOrderArrivals(
    rng.fork("orders"),
    start,
    options.days,
    ORDERS_PER_DAY * options.scale,
  );
  const cases = generateCases(rng.fork("cases"), orders);
  for (const profile of QUEUES) {
    workQueue(
      cases.filter((c) => c.queue === profile),
      profile.agents * Math.max(1, Math.round(options.scale)),
    );
  }
  for (const c of cases) if (c.resolvedAt !== null && c.resolvedAt > asOf) c.resolvedAt = null;

  await mkdir(options.outDir, { recursive: true });
  const ext = options.format === "ndjson" ? "ndjson" : options.format;
  const ordersPath = join(options.outDir, `orders.${ext}`);
  const casesPath = join(options.outDir, `cases.${ext}`);
  const orderRows = await writeOrders(
    ordersPath,
    options.format,
    orders,
    cases,
    asOf,
    rng.fork("order-fields"),
    faker,
  );
  const caseRows = await writeCases(casesPath, options.format, cases, asOf, rng.fork("case-fields"));
  return {
    files: [
      { entity: "orders", path: ordersPath, rows: orderRows },
      { entity: "cases", path: casesPath, rows: caseRows },
    ],
    asOf: new Date(asOf),
  };
}

function pickWeighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] ?? 0;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

function pick<T>(rng: Rng, values: readonly T[]): T {
  return values[rng.nextInt(values.length)] as T;
}

/** Poisson-like daily volume (normal approximation is plenty at these counts) spread over the hourly profile. */
function generateOrderArrivals(rng: Rng, start: number, days: number, perDay: number): GeneratedOrder[] {
  const times: number[] = [];
  for (let d = 0; d < days; d++) {
    const dayStart = start + d * DAY_MS;
    const weekday = new Date(dayStart).getUTCDay();
    const mean = perDay * (WEEKDAY_FACTORS[weekday] ?? 1);
    const volume = Math.max(0, Math.round(mean + Math.sqrt(mean) * gaussian(rng)));
    for (let i = 0; i < volume; i++) {
      const hour = pickWeighted(rng, HOUR_WEIGHTS);
      times.push(dayStart + hour * HOUR_MS + Math.floor((rng.next() * HOUR_MS) / 1000) * 1000);
    }
  }
  times.sort((a, b) => a - b);
  return times.map((placedAt, i) => ({ orderId: `SO-${String(100001 + i)}`, placedAt }));
}

function gaussian(rng: Rng): number {
  // Box–Muller; 1 - next() keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
}

function generateCases(rng: Rng, orders: readonly GeneratedOrder[]): GeneratedCase[] {
  const cases: GeneratedCase[] = [];
  for (const order of orders) {
    for (const profile of QUEUES) {
      if (rng.next() >= profile.caseRate) continue;
      const [lo, hi] = profile.openDelayHours;
      const openedAt = order.placedAt + Math.round(((lo + rng.next() * (hi - lo)) * HOUR_MS) / 1000) * 1000;
      const handleMin = profile.handleMedianMin * Math.exp(profile.handleSigma * gaussian(rng));
      cases.push({
        caseId: "",
        orderId: order.orderId,
        queue: profile,
        category: pick(rng, profile.categories),
        openedAt,
        handleMs: Math.round(handleMin * 60) * 1000,
        resolvedAt: null,
        cancelled: rng.next() < 0.02,
      });
    }
  }
  cases.sort((a, b) => a.openedAt - b.openedAt || a.orderId.localeCompare(b.orderId));
  cases.forEach((c, i) => {
    c.caseId = `CS-${String(500001 + i)}`;
  });
  return cases;
}

/** The next instant at or after t inside business hours (every day, 08:00–20:00 UTC). */
function nextBusinessInstant(t: number): number {
  const dayStart = Math.floor(t / DAY_MS) * DAY_MS;
  const open = dayStart + BUSINESS_START_HOUR * HOUR_MS;
  const close = dayStart + BUSINESS_END_HOUR * HOUR_MS;
  if (t < open) return open;
  if (t >= close) return open + DAY_MS;
  return t;
}

/** Adds handle time counting only business hours. */
function addBusinessTime(start: number, durationMs: number): number {
  let t = nextBusinessInstant(start);
  let remaining = durationMs;
  for (;;) {
    const close = Math.floor(t / DAY_MS) * DAY_MS + BUSINESS_END_HOUR * HOUR_MS;
    if (t + remaining <= close) return t + remaining;
    remaining -= close - t;
    t = nextBusinessInstant(close);
  }
}

/** First-in-first-out service by `agents` people working business hours: sets each case's resolution time. */
function workQueue(cases: GeneratedCase[], agents: number): void {
  const freeAt = new Array<number>(agents).fill(0);
  for (const c of cases) {
    let k = 0;
    for (let i = 1; i < agents; i++) if ((freeAt[i] ?? 0) < (freeAt[k] ?? 0)) k = i;
    const startAt = Math.max(c.openedAt, freeAt[k] ?? 0);
    const workMs = c.cancelled ? Math.min(c.handleMs, 5 * 60_000) : c.handleMs;
    const end = addBusinessTime(startAt, workMs);
    freeAt[k] = end;
    c.resolvedAt = end;
  }
}

function iso(ms: number): string {
  return new Date(Math.round(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

async function writeOrders(
  path: string,
  format: ExportFileFormat,
  orders: readonly GeneratedOrder[],
  cases: readonly GeneratedCase[],
  asOf: number,
  rng: Rng,
  faker: Faker,
): Promise<number> {
  const columns = CONTRACTS.orders.columns.map((c) => c.name);
  const writer = await openExportWriter(path, columns, format);
  const openHold = new Set(
    cases.filter((c) => c.queue.queue === "payment_hold" && c.resolvedAt === null).map((c) => c.orderId),
  );
  for (const order of orders) {
    const ageDays = (asOf - order.placedAt) / DAY_MS;
    const cancelled = rng.next() < 0.015;
    const status = cancelled
      ? "cancelled"
      : openHold.has(order.orderId)
        ? "held"
        : ageDays < 0.5
          ? "allocated"
          : ageDays < 1
            ? "released"
            : ageDays < 4
              ? "shipped"
              : rng.next() < 0.04
                ? "returned"
                : "delivered";
    const firstName = faker.person.firstName();
    const lastName = faker.person.lastName();
    const row: Record<string, string | null> = {
      order_id: order.orderId,
      placed_at: iso(order.placedAt),
      channel: pick(rng, CHANNELS),
      ship_country: "US",
      ship_region: faker.location.state({ abbreviated: true }),
      order_value: (Math.round(Math.exp(4 + 0.8 * gaussian(rng)) * 100) / 100).toFixed(2),
      currency: "USD",
      item_count: String(1 + Math.floor(-Math.log(1 - rng.next()) * 1.5)),
      payment_method: pick(rng, PAYMENT_METHODS),
      fraud_score: (rng.next() ** 3).toFixed(3),
      promised_ship_by: iso(order.placedAt + 2 * DAY_MS),
      status,
      customer_ref: `CUST-${faker.string.alphanumeric({ length: 8, casing: "upper" })}`,
      customer_name: `${firstName} ${lastName}`,
      customer_email: faker.internet.email({ firstName, lastName }).toLowerCase(),
      customer_phone: faker.phone.number({ style: "international" }),
      ship_address: `${faker.location.streetAddress()}, ${faker.location.city()}`,
      updated_at: iso(Math.min(asOf, order.placedAt + Math.min(ageDays, 5) * DAY_MS)),
    };
    writer.append(columns.map((c) => row[c] ?? null));
  }
  return writer.finish();
}

async function writeCases(
  path: string,
  format: ExportFileFormat,
  cases: readonly GeneratedCase[],
  asOf: number,
  rng: Rng,
): Promise<number> {
  const columns = CONTRACTS.cases.columns.map((c) => c.name);
  const writer = await openExportWriter(path, columns, format);
  const agentIds = Array.from({ length: 12 }, (_, i) => `AG-${String(101 + i)}`);
  for (const c of cases) {
    const resolved = c.resolvedAt !== null;
    const status = !resolved
      ? rng.next() < 0.15
        ? "pending"
        : "open"
      : c.cancelled
        ? "cancelled"
        : "closed";
    const row: Record<string, string | null> = {
      case_id: c.caseId,
      order_id: c.orderId,
      queue: c.queue.queue,
      work_type: c.category === "fraud_flag" ? "high_risk" : "exception",
      category: c.category,
      priority: pick(rng, ["p2", "p3", "p3", "p3", "p4"]),
      opened_at: iso(c.openedAt),
      resolved_at: resolved && !c.cancelled ? iso(c.resolvedAt as number) : null,
      closed_at: resolved ? iso(c.resolvedAt as number) : null,
      status,
      disposition_code: resolved ? (c.cancelled ? "duplicate" : "resolved_standard") : null,
      root_cause: resolved
        ? pick(rng, ["customer", "carrier", "upstream_data", "system_defect", "agent_error", "none"])
        : null,
      source_system:
        c.queue.queue === "payment_hold"
          ? "payments"
          : c.queue.queue === "allocation_failure"
            ? "oms"
            : "carrier",
      defect_ref: null,
      owner_team: `${c.queue.queue.replace("_", "-")}-team`,
      assignee_id: pick(rng, agentIds),
      escalation_level: "0",
      updated_at: iso(resolved ? (c.resolvedAt as number) : Math.min(asOf, c.openedAt + HOUR_MS)),
    };
    writer.append(columns.map((col) => row[col] ?? null));
  }
  return writer.finish();
}
