/**
 * Calibration round trip: a known scenario runs through the simulator's engine; its per-case records
 * become warehouse rows in the shape calibration reads (cases, case events with the same actor opening
 * and closing each handling, agents and their dated shifts); the staging models and int_case_timeline
 * are built; calibration must give back the scenario's parameters within the tolerances below.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ensureIngestSchema } from "../../ingest/schema.ts";
import { Warehouse } from "../../ingest/warehouse.ts";
import { loadPolicy } from "../../models/policy/load.ts";
import type { Policy } from "../../models/policy/schema.ts";
import { MODELS } from "../../models/registry.ts";
import { buildModels } from "../../models/runner.ts";
import {
  type Calibration,
  CalibrationError,
  calibrate,
  periodOf,
  tierOf,
} from "../../simulator/calibration/calibrate.ts";
import { fitLognormal } from "../../simulator/calibration/fit.ts";
import { PlanFlagError, parseOutage, parsePeak } from "../../simulator/calibration/plan.ts";
import { largestRemainder } from "../../simulator/calibration/roster.ts";
import { scenarioYaml } from "../../simulator/calibration/scenario-yaml.ts";
import { OUTCOMES, runReplication } from "../../simulator/engine.ts";
import { createRng } from "../../simulator/rng.ts";
import { parseScenario, type ScenarioInput, ScenarioSpec } from "../../simulator/scenario.ts";
import { compileScenario } from "../../simulator/scenario-plan.ts";
import { zoneClock } from "../../simulator/time-zone.ts";

const ZONE = "America/New_York";
const DAY_OF_WEEK = [1.2, 1.1, 1, 1, 1, 0.9, 0.8];
const HOUR_OF_DAY = [1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 9, 10, 11, 10, 8, 5, 3];
const FOLLOWUP_S = { payment_hold: 300, shipment_exception: 240 } as const;

/** The scenario whose parameters calibration must recover: four weeks from Monday 2026-03-02. */
const KNOWN: ScenarioInput = {
  name: "round-trip",
  start: "2026-03-02T00:00",
  zone: ZONE,
  horizon: "28d",
  interval: "1h",
  calendars: {},
  queues: [
    {
      name: "payment_hold",
      arrivals: { daily_volume: 120, profile: { day_of_week: DAY_OF_WEEK, hour_of_day: HOUR_OF_DAY } },
      handle_time: { kind: "lognormal", mean: 600, sd: 300 },
      sla: { target: "8h", attainment_target: 0.9 },
      dependency: {
        probability: 0.25,
        party: "customer",
        wait: { kind: "lognormal", mean: 14_400, sd: 7_200 },
        pauses_sla: true,
        followup_handle_time: { kind: "deterministic", value: FOLLOWUP_S.payment_hold },
      },
      reopen: { probability: 0.05, delay: { kind: "lognormal", mean: 86_400, sd: 43_200 } },
    },
    {
      name: "shipment_exception",
      arrivals: { daily_volume: 80 },
      handle_time: { kind: "lognormal", mean: 900, sd: 600 },
      sla: { target: "36h", attainment_target: 0.85 },
      dependency: {
        probability: 0.3,
        party: "carrier",
        wait: { kind: "lognormal", mean: 36_000, sd: 20_000 },
        followup_handle_time: { kind: "deterministic", value: FOLLOWUP_S.shipment_exception },
      },
    },
  ],
  staff: [
    {
      group: "desk",
      skills: ["payment_hold", "shipment_exception"],
      shifts: [
        { name: "early", days: ["mon", "tue", "wed", "thu", "fri"], start: "07:00", end: "15:00", agents: 4 },
        { name: "late", days: ["mon", "tue", "wed", "thu", "fri"], start: "15:00", end: "23:00", agents: 3 },
        { name: "night", start: "23:00", end: "07:00", agents: 1 },
        { name: "weekend", days: ["sat", "sun"], start: "08:00", end: "20:00", agents: 3 },
      ],
    },
  ],
};

type Row = Record<string, string | number | string[] | null>;

/** Bulk insert through one bound JSON parameter (DuckDB types the struct). */
async function insertRows(warehouse: Warehouse, table: string, columns: [string, string][], rows: Row[]) {
  const struct = `STRUCT(${columns.map(([n, t]) => `"${n}" ${t}`).join(", ")})[]`;
  await warehouse.run(
    `INSERT INTO raw.${table} (${columns.map(([n]) => `"${n}"`).join(", ")}, _load_id)
     SELECT ${columns.map(([n]) => `r."${n}"`).join(", ")}, 1 FROM (SELECT unnest(CAST(CAST($1 AS JSON) AS ${struct})) AS r)`,
    [JSON.stringify(rows)],
  );
}

/** The engine's case records (one replication) and the roster, as raw warehouse rows. */
async function loadSimulatedOperation(warehouse: Warehouse, spec: ScenarioInput): Promise<void> {
  const plan = compileScenario(ScenarioSpec.parse(spec));
  const output = runReplication(plan, createRng(7).fork("replication-0"), { recordCases: true });
  const cases = output.cases;
  if (!cases) throw new Error("no case records");
  const at = (s: number) => new Date(plan.epochMs + s * 1000).toISOString();
  const byCase = new Map<number, number[]>();
  for (let i = 0; i < cases.count; i++) {
    const id = cases.case_id[i] as number;
    byCase.set(id, [...(byCase.get(id) ?? []), i]);
  }
  const caseRows: Row[] = [];
  const events: Row[] = [];
  let seq = 0;
  const event = (caseId: string, type: string, s: number, fields: Row = {}) =>
    events.push({
      event_id: `E-${String(++seq).padStart(8, "0")}`,
      case_id: caseId,
      occurred_at: at(s),
      event_type: type,
      actor_id: null,
      to_queue: null,
      dependency: null,
      ...fields,
    });
  for (const [id, records] of byCase) {
    records.sort((a, b) => (cases.cycle[a] as number) - (cases.cycle[b] as number));
    const first = records[0] as number;
    const queue = plan.queues[cases.queue[first] as number]?.name as keyof typeof FOLLOWUP_S;
    const caseId = `C-${id}`;
    const party = queue === "payment_hold" ? "customer" : "carrier";
    let resolvedAt: number | null = null;
    for (const i of records) {
      const arrival = cases.arrival_s[i] as number;
      const start = cases.first_start_s[i] as number;
      const end = cases.end_s[i] as number;
      const outcome = OUTCOMES[cases.outcome[i] as number];
      if ((cases.cycle[i] as number) === 1) event(caseId, "created", arrival, { to_queue: queue });
      else event(caseId, "reopened", arrival);
      resolvedAt = null;
      if (Number.isNaN(start)) continue;
      event(caseId, "assigned", start, { actor_id: "A-1", to_queue: queue });
      event(caseId, "worked", start, { actor_id: "A-1" });
      if (outcome !== "resolved") continue;
      const waited = cases.dependency_wait_s[i] as number;
      if (waited > 0) {
        // The follow-up is deterministic, so the first handling is the rest of the handle time.
        const firstEnd = start + (cases.handle_s[i] as number) - FOLLOWUP_S[queue];
        event(caseId, "pending_dependency", firstEnd, { actor_id: "A-1", dependency: party });
        event(caseId, "dependency_returned", firstEnd + waited, { dependency: party });
        event(caseId, "worked", end - FOLLOWUP_S[queue], { actor_id: "A-2" });
        event(caseId, "resolved", end, { actor_id: "A-2" });
      } else {
        event(caseId, "resolved", end, { actor_id: "A-1" });
      }
      resolvedAt = end;
    }
    const last = records[records.length - 1] as number;
    caseRows.push({
      case_id: caseId,
      queue,
      work_type: "exception",
      category: "other",
      opened_at: at(cases.arrival_s[first] as number),
      resolved_at: resolvedAt === null ? null : at(resolvedAt),
      status: resolvedAt === null ? "open" : "resolved",
      updated_at: at(Math.max(cases.arrival_s[last] as number, resolvedAt ?? 0)),
    });
  }
  await insertRows(
    warehouse,
    "cases",
    [
      ["case_id", "VARCHAR"],
      ["queue", "VARCHAR"],
      ["work_type", "VARCHAR"],
      ["category", "VARCHAR"],
      ["opened_at", "TIMESTAMPTZ"],
      ["resolved_at", "TIMESTAMPTZ"],
      ["status", "VARCHAR"],
      ["updated_at", "TIMESTAMPTZ"],
    ],
    caseRows,
  );
  await insertRows(
    warehouse,
    "case_events",
    [
      ["event_id", "VARCHAR"],
      ["case_id", "VARCHAR"],
      ["occurred_at", "TIMESTAMPTZ"],
      ["event_type", "VARCHAR"],
      ["actor_id", "VARCHAR"],
      ["to_queue", "VARCHAR"],
      ["dependency", "VARCHAR"],
    ],
    events,
  );

  // The roster: each shift of the scenario worked by its own people on every date it runs.
  const skills = ["payment_hold", "shipment_exception"];
  const agents: Row[] = [];
  const shifts: Row[] = [];
  const clock = zoneClock(ZONE);
  for (const shift of KNOWN.staff[0]?.shifts ?? []) {
    const people = Array.from({ length: shift.agents }, (_, i) => `AG-${shift.name}-${i + 1}`);
    for (const agent_id of people)
      agents.push({ agent_id, role: "handler", team: "Desk", time_zone: ZONE, skills });
    for (let d = -1; d < 28; d++) {
      const date = new Date(Date.parse("2026-03-02T00:00:00Z") + d * 86_400_000).toISOString().slice(0, 10);
      const weekday = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][
        new Date(`${date}T00:00:00Z`).getUTCDay()
      ];
      if (shift.days && !shift.days.includes(weekday as "mon")) continue;
      const local = Date.parse(`${date}T${shift.start}:00Z`);
      const startsAt = clock.toUtc(local);
      let endLocal = Date.parse(`${date}T${shift.end}:00Z`);
      if (endLocal <= local) endLocal += 86_400_000;
      for (const agent_id of people) {
        shifts.push({
          shift_id: `SH-${shifts.length + 1}`,
          agent_id,
          starts_at: new Date(startsAt).toISOString(),
          ends_at: new Date(clock.toUtc(endLocal)).toISOString(),
          activity: "work",
        });
      }
    }
  }
  await insertRows(
    warehouse,
    "agents",
    [
      ["agent_id", "VARCHAR"],
      ["role", "VARCHAR"],
      ["team", "VARCHAR"],
      ["time_zone", "VARCHAR"],
      ["skills", "VARCHAR[]"],
    ],
    agents,
  );
  await insertRows(
    warehouse,
    "shifts",
    [
      ["shift_id", "VARCHAR"],
      ["agent_id", "VARCHAR"],
      ["starts_at", "TIMESTAMPTZ"],
      ["ends_at", "TIMESTAMPTZ"],
      ["activity", "VARCHAR"],
    ],
    shifts,
  );
  await warehouse.run("INSERT INTO load_log (load_id) VALUES (1)").catch(() => {});
}

let warehouse: Warehouse;
let policy: Policy;
let calibration: Calibration;

beforeAll(async () => {
  policy = (await loadPolicy()).policy;
  warehouse = await Warehouse.open(":memory:");
  await ensureIngestSchema(warehouse);
  await loadSimulatedOperation(warehouse, KNOWN);
  const models = MODELS.filter((m) => m.layer === "staging" || m.name === "int_case_timeline");
  const build = await buildModels(warehouse, { policy: { ...(await loadPolicy()), policy }, models });
  expect(build.failedTests).toEqual([]);
  // Three weeks of the four: what happens after the period (returns, reopens) is still in the data.
  calibration = await calibrate(warehouse, {
    from: "2026-03-02",
    to: "2026-03-22",
    policy,
    split: "queue",
    roster: "pattern",
    backlog: "none",
  });
}, 60_000);

afterAll(() => warehouse?.close());

const queueOf = (name: string) =>
  calibration.spec.queues.find((q) => q.name === name) as ScenarioInput["queues"][number];
const relative = (value: number, expected: number) => Math.abs(value - expected) / expected;

describe("calibration recovers a simulated scenario", () => {
  test("the calibrated scenario is valid YAML that the scenario schema accepts", () => {
    const text = scenarioYaml(calibration.spec, ["round trip"]);
    const parsed = parseScenario(text, "calibrated.yaml");
    expect(parsed.queues.map((q) => q.name)).toEqual(["payment_hold", "shipment_exception"]);
    expect(parsed.start).toBe("2026-03-02T00:00");
    // Three weeks less the hour lost to daylight saving time on 2026-03-08.
    expect(parsed.horizon).toBe(21 * 86_400 - 3600);
  });

  // Tolerances: ±5% on daily volume (≈2,500 and 1,700 arrivals), ±6% on handle-time mean and ±12% on
  // its sd (MLE on ≈2,000 handlings), ±0.03 on probabilities, ±12% on mean waits (≈400–500 waits),
  // ±25% on the reopen delay (≈100 reopens), exact follow-ups and roster.
  test.for([
    ["payment_hold", 120, 600, 300, 0.25, 14_400, 300],
    ["shipment_exception", 80, 900, 600, 0.3, 36_000, 240],
  ] as const)(
    "%s: volume, handle time, dependency",
    ([name, volume, handleMean, handleSd, pDep, waitMean, followup]) => {
      const queue = queueOf(name);
      expect(relative(queue.arrivals.daily_volume, volume)).toBeLessThan(0.05);
      const handle = queue.handle_time as { mean: number; sd: number };
      expect(relative(handle.mean, handleMean)).toBeLessThan(0.06);
      expect(relative(handle.sd, handleSd)).toBeLessThan(0.12);
      expect(queue.rework_probability).toBe(0);
      const dependency = queue.dependency as NonNullable<typeof queue.dependency>;
      expect(Math.abs(dependency.probability - pDep)).toBeLessThan(0.03);
      expect(dependency.party).toBe(name === "payment_hold" ? "customer" : "carrier");
      expect(dependency.pauses_sla).toBe(name === "payment_hold");
      expect(relative((dependency.wait as { mean: number }).mean, waitMean)).toBeLessThan(0.12);
      expect((dependency.followup_handle_time as { mean: number }).mean).toBe(followup);
    },
  );

  test("reopen probability and delay", () => {
    const reopen = queueOf("payment_hold").reopen as NonNullable<ScenarioInput["queues"][number]["reopen"]>;
    expect(Math.abs(reopen.probability - 0.05)).toBeLessThan(0.015);
    expect(relative((reopen.delay as { mean: number }).mean, 86_400)).toBeLessThan(0.25);
    expect(queueOf("shipment_exception").reopen).toBeUndefined();
  });

  test("arrival profile: weekday and hour-of-day shares within 15% of the scenario's", () => {
    const profile = queueOf("payment_hold").arrivals.profile as { hour_of_week?: number[] };
    const week = profile.hour_of_week as number[];
    expect(week).toHaveLength(168);
    const total = week.reduce((a, b) => a + b, 0);
    const dayShares = DAY_OF_WEEK.map(
      (_, d) => week.slice(d * 24, d * 24 + 24).reduce((a, b) => a + b, 0) / total,
    );
    const dowTotal = DAY_OF_WEEK.reduce((a, b) => a + b, 0);
    DAY_OF_WEEK.forEach((w, d) => {
      expect(relative(dayShares[d] as number, w / dowTotal)).toBeLessThan(0.15);
    });
    // Hours in 4-hour blocks (a single hour holds too few arrivals to pin down).
    const hodTotal = HOUR_OF_DAY.reduce((a, b) => a + b, 0);
    for (let block = 0; block < 6; block++) {
      const expected = HOUR_OF_DAY.slice(block * 4, block * 4 + 4).reduce((a, b) => a + b, 0) / hodTotal;
      let observed = 0;
      for (let d = 0; d < 7; d++)
        observed += week.slice(d * 24 + block * 4, d * 24 + block * 4 + 4).reduce((a, b) => a + b, 0);
      expect(relative(observed / total, expected)).toBeLessThan(0.15);
    }
  });

  test("the SLA comes from the policy, and the roster is the scenario's, shift by shift", () => {
    expect(queueOf("payment_hold").sla).toMatchObject({
      target: 8 * 3600,
      calendar: "always_on",
      measure: "resolution",
    });
    const staff = calibration.spec.staff;
    expect(staff).toHaveLength(1);
    const group = staff[0] as ScenarioInput["staff"][number];
    expect(group.group).toBe("desk");
    expect(group.skills).toEqual(["payment_hold", "shipment_exception"]);
    const shifts = (group.shifts ?? []).map((s) => [
      s.start,
      s.end,
      [...(s.days ?? [])].sort().join(","),
      s.agents,
    ]);
    const expected = (KNOWN.staff[0]?.shifts ?? []).map((s) => [
      s.start,
      s.end === "07:00" ? "07:00" : s.end,
      [...(s.days ?? ["mon", "tue", "wed", "thu", "fri", "sat", "sun"])].sort().join(","),
      s.agents,
    ]);
    expect(shifts.sort()).toEqual(expected.sort());
    expect(calibration.report.groups[0]?.agents).toBe(11);
  });

  test("handle times of other actors' outcomes and reworks are not taken as handle times", () => {
    const report = calibration.report.work.find((w) => w.queue === "payment_hold");
    expect(report?.handle_time.level).toBe("queue_work_type");
    expect(report?.followup_handle_time.n).toBeGreaterThan(300);
    expect(report?.unobserved_handlings).toBeLessThan(50);
  });
});

describe("fits and helpers", () => {
  test("the lognormal MLE recovers mean and sd from a large sample", () => {
    const rng = createRng(3);
    const mu = Math.log(600) - 0.5 * Math.log(1.25);
    const sigma = Math.sqrt(Math.log(1.25));
    const values = Array.from({ length: 20_000 }, () => {
      const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
      return Math.exp(mu + sigma * z);
    });
    const fit = fitLognormal(values);
    expect(fit?.mean).toBeCloseTo(600, -1);
    expect(fit?.sd).toBeCloseTo(300, -1);
    expect(fit?.ks).toBeLessThan(0.02);
    expect(fitLognormal([5])).toBeUndefined();
  });

  test.for([
    [
      [2.5, 2.5, 2.5, 2.5, 2.5, 3, 0],
      [3, 3, 3, 2, 2, 3, 0],
    ],
    [
      [0.95, 0.95, 0.95, 0.95, 0.95, 0.3, 0.95],
      [1, 1, 1, 1, 1, 0, 1],
    ],
  ] as const)("largest remainder keeps the week's agent-days: %j", ([values, expected]) => {
    expect(largestRemainder(values)).toEqual(expected);
  });

  test("SLA tiers: urgent priorities stand alone, others only when the policy sets them apart", () => {
    expect(tierOf(policy, "payment_hold", "exception", "p1")).toBe("p1");
    expect(tierOf(policy, "payment_hold", "exception", "p2")).toBe("p2");
    expect(tierOf(policy, "payment_hold", "exception", "p3")).toBe("default");
    expect(tierOf(policy, "payment_hold", "exception", null)).toBe("default");
  });

  test("periods are local days of the reporting zone, --to inclusive", () => {
    expect(periodOf("2026-03-02", "2026-03-08", ZONE)).toEqual({
      fromMs: Date.parse("2026-03-02T05:00:00Z"),
      toMs: Date.parse("2026-03-09T04:00:00Z"),
    });
    expect(() => periodOf("2026-13-01", "2026-03-08", ZONE)).toThrow(/--from must be a date/);
    expect(() => periodOf("2026-03-08", "2026-03-02", ZONE)).toThrow(CalibrationError);
  });

  test.for([
    ["orders+60%:5d", { scope: "orders", multiplier: 1.6, length_s: 5 * 86_400, when: 1 }],
    [
      "shipment_exception+100%:2d:day3",
      { scope: "shipment_exception", multiplier: 2, length_s: 2 * 86_400, when: 3 },
    ],
    ["orders-25%:day2:12h", { scope: "orders", multiplier: 0.75, length_s: 12 * 3600, when: 2 }],
    ["orders x1.5:2026-11-27", { scope: "orders", multiplier: 1.5, length_s: undefined, when: "2026-11-27" }],
  ] as const)("--peak %s", ([text, expected]) => {
    expect(parsePeak(text, ["shipment_exception"])).toMatchObject(expected);
  });

  test.for([
    ["carrier:day3", { kind: "carrier", multiplier: 4, length_s: 86_400, when: 3 }],
    ["carrier:day3:2d:x3", { kind: "carrier", multiplier: 3, length_s: 2 * 86_400, when: 3 }],
    [
      "inventory:2026-05-11:12h",
      { kind: "inventory", multiplier: 5, length_s: 12 * 3600, when: "2026-05-11" },
    ],
    ["platform:day2:6h", { kind: "platform", length_s: 6 * 3600, when: 2 }],
  ] as const)("--outage %s", ([text, expected]) => {
    expect(parseOutage(text)).toMatchObject(expected);
  });

  test.for(["orders+lots", "fleet+10%", "orders+10%:soon", "orders+10%:day0"])(
    "--peak %s is refused",
    (text) => {
      expect(() => parsePeak(text, ["shipment_exception"])).toThrow(PlanFlagError);
    },
  );

  test.for(["meteor:day2", "carrier", "carrier:day2:x", "platform:day1:x3"])(
    "--outage %s is refused",
    (text) => {
      expect(() => parseOutage(text)).toThrow(PlanFlagError);
    },
  );
});
