/**
 * The benchmark's year-long scenario: 7 queues, 200 agents (five groups of 40 on early, late and night
 * shifts in New York, Dublin and Manila), with every feature the engine has switched on somewhere.
 */
import { type ScenarioInput, ScenarioSpec } from "../simulator/scenario.ts";

const QUEUES = [
  // name, work-type priority, cases a day, mean handle s, SLA target, attainment target
  ["payment_hold", 1, 800, 360, "2h", 0.9],
  ["fraud_review", 1, 250, 720, "4h", 0.9],
  ["allocation_failure", 2, 600, 480, "4h", 0.9],
  ["address_verification", 3, 350, 300, "8h", 0.85],
  ["shipment_exception", 3, 600, 600, "8h", 0.85],
  ["carrier_claim", 4, 150, 900, "1d", 0.9],
  ["return_refund", 4, 400, 540, "1d", 0.9],
] as const;

/** One year, 7 queues, 200 agents: five groups of 40 on three shifts each, in three zones. */
export function yearScenario(): ScenarioSpec {
  type Day = "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
  const shiftsIn = (zone: string, split: [number, number, number]) => [
    {
      name: "early",
      zone,
      days: ["mon", "tue", "wed", "thu", "fri"] as Day[],
      start: "06:00",
      end: "14:30",
      agents: split[0],
      breaks: [
        { from: "09:30", to: "11:30", length: "15m" },
        { from: "11:30", to: "13:30", length: "30m" },
      ],
    },
    {
      name: "late",
      zone,
      days: ["mon", "tue", "wed", "thu", "fri", "sat"] as Day[],
      start: "14:00",
      end: "22:30",
      agents: split[1],
      breaks: [{ from: "17:30", to: "20:00", length: "30m" }],
    },
    {
      name: "night",
      zone,
      days: ["sun", "mon", "tue", "wed", "thu"] as Day[],
      start: "22:00",
      end: "06:30",
      agents: split[2],
      breaks: [{ from: "01:00", to: "03:00", length: "30m" }],
    },
  ];
  const input: ScenarioInput = {
    name: "bench-year",
    start: "2026-01-05T00:00",
    zone: "America/New_York",
    horizon: "364d",
    interval: "15m",
    routing: "earliest_due",
    case_records: "none",
    calendars: {
      us: {
        zone: "America/New_York",
        hours: [
          { days: ["mon", "tue", "wed", "thu", "fri"], from: "08:00", to: "20:00" },
          { days: ["sat"], from: "09:00", to: "17:00" },
        ],
        holidays: ["2026-05-25", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"],
      },
    },
    queues: QUEUES.map(([name, priority, volume, aht, target, attainment]) => ({
      name,
      priority,
      arrivals: {
        daily_volume: volume,
        profile: {
          day_of_week: [1.2, 1.1, 1, 1, 1, 0.8, 0.6],
          hour_of_day: [1, 1, 1, 1, 1, 2, 3, 4, 6, 7, 7, 7, 7, 7, 7, 7, 6, 6, 5, 4, 3, 2, 2, 1],
        },
      },
      handle_time: { kind: "lognormal", mean: aht, sd: aht / 2 },
      sla: { target, calendar: priority <= 1 ? "24x7" : "us", attainment_target: attainment },
      ...(name === "payment_hold" ? { patience: { kind: "exponential", mean: 43_200 } } : {}),
      ...(name === "shipment_exception"
        ? { dependency: { probability: 0.25, party: "carrier", wait: { kind: "exponential", mean: 14_400 } } }
        : {}),
      ...(name === "return_refund"
        ? {
            dependency: {
              probability: 0.2,
              party: "customer",
              wait: { kind: "exponential", mean: 86_400 },
              pauses_sla: true,
            },
            reopen: { probability: 0.04, delay: { kind: "exponential", mean: 259_200 } },
          }
        : {}),
      rework_probability: 0.03,
    })),
    events: [
      {
        kind: "peak",
        name: "Prime-day style sale",
        start: "2026-07-14T00:00",
        end: "2026-07-16T00:00",
        multiplier: 2,
      },
      {
        kind: "peak",
        name: "Black Friday",
        start: "2026-11-27T00:00",
        end: "2026-12-01T00:00",
        multiplier: 2.5,
      },
      {
        kind: "peak",
        name: "Christmas",
        start: "2026-12-07T00:00",
        end: "2026-12-22T00:00",
        multiplier: 1.4,
      },
      { kind: "carrier_disruption", start: "2026-02-10T06:00", end: "2026-02-11T18:00", multiplier: 3 },
      { kind: "inventory_sync_failure", start: "2026-09-15T10:00", end: "2026-09-15T16:00", multiplier: 4 },
      { kind: "platform_outage", start: "2026-11-27T09:00", end: "2026-11-27T10:30", release: "2h" },
    ],
    staff: [
      {
        group: "payments_ny",
        skills: ["payment_hold", "fraud_review"],
        shrinkage: 0.3,
        shifts: shiftsIn("America/New_York", [16, 14, 10]),
      },
      {
        group: "fulfilment_ny",
        skills: ["allocation_failure", "address_verification", { queue: "payment_hold", priority: 2 }],
        shrinkage: 0.3,
        shifts: shiftsIn("America/New_York", [16, 14, 10]),
      },
      {
        group: "logistics_dublin",
        skills: ["shipment_exception", "carrier_claim"],
        shrinkage: 0.3,
        shifts: shiftsIn("Europe/Dublin", [16, 14, 10]),
      },
      {
        group: "returns_manila",
        skills: ["return_refund", { queue: "carrier_claim", priority: 2 }],
        shrinkage: 0.3,
        shifts: shiftsIn("Asia/Manila", [16, 14, 10]),
      },
      {
        group: "flex_manila",
        skills: QUEUES.map(([name]) => ({ queue: name, priority: 2 })),
        shrinkage: 0.3,
        shifts: shiftsIn("Asia/Manila", [16, 14, 10]),
        overtime: { backlog_at_least: 400, agents: 8, max_hours_per_day: 3 },
      },
    ],
    rebalancing: { every: "1h", at_risk: 0.75, switch_cost: "10m" },
  };
  return ScenarioSpec.parse(input);
}
