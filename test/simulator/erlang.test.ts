import { describe, expect, test } from "vitest";
import {
  erlangA,
  erlangB,
  erlangC,
  type QueueInputs,
  queueMetrics,
  requiredAgents,
} from "../../simulator/erlang.ts";

/**
 * Reference values. Every number below was recomputed outside this code base:
 * - Erlang C from the factorial form of the formula in 40-digit arithmetic (Python mpmath);
 * - Erlang A p_wait / p_abandon / mean_wait / occupancy by summing the birth–death chain in 40-digit
 *   arithmetic, p_abandon there by flow balance (θ·E[queue]/λ, not the stage formula used here);
 * - Erlang A service level by a different method from the code's: the matrix exponential of the
 *   tagged case's absorbing Markov chain (scipy.linalg.expm), not the negative-binomial sum.
 */

describe("Erlang C against worked examples", () => {
  // Call Centre Helper's "Erlang C formula made simple" worked example: 100 calls in 30 minutes,
  // AHT 180 s, target 80% answered within 20 s → traffic 10 erlangs; with 11 agents the probability
  // of waiting is 0.6821 and 14 agents are needed; with 30% shrinkage, 20 agents are scheduled.
  const callCentreHelper = { arrivals_per_hour: 200, aht_s: 180, threshold_s: 20 };

  test.for([
    // agents, p_wait, service level within 20 s, ASA seconds
    [11, 0.6821182046893324, 0.3896138117291534, 122.78127684407983],
    [12, 0.44938822429827086, 0.6401580403740066, 40.44494018684438],
    [13, 0.28527045303649295, 0.7955947884177831, 17.116227182189576],
    [14, 0.17413193359504983, 0.8883500191794669, 7.835937011777243],
    [15, 0.10204236700798801, 0.9414528428690223, 3.673525212287568],
  ])("Call Centre Helper example, %i agents", ([agents, pWait, serviceLevel, asa]) => {
    const metrics = erlangC({ ...callCentreHelper, agents: agents as number });
    expect(metrics.offered_load).toBe(10);
    expect(metrics.p_wait).toBeCloseTo(pWait as number, 12);
    expect(metrics.service_level).toBeCloseTo(serviceLevel as number, 12);
    expect(metrics.asa_s).toBeCloseTo(asa as number, 9);
    expect(metrics.occupancy).toBeCloseTo(10 / (agents as number), 15);
  });

  test("Call Centre Helper example: 14 agents needed, 20 scheduled with 30% shrinkage", () => {
    const staffing = requiredAgents({ ...callCentreHelper, target_service_level: 0.8, shrinkage: 0.3 });
    expect(staffing.agents).toBe(14);
    expect(staffing.scheduled_agents).toBe(20);
    expect(staffing.metrics.service_level).toBeCloseTo(0.8883500191794669, 12);
  });

  test("Westbay Engineers' Erlang C walk-through: 360 calls per half hour, 4 min, 55 agents, 15 s", () => {
    // Published there to a few figures: 48 erlangs, 87.3% occupancy, 23.87% wait, ASA 8.2 s, 84.6% in 15 s.
    const metrics = erlangC({ arrivals_per_hour: 720, aht_s: 240, agents: 55, threshold_s: 15 });
    expect(metrics.offered_load).toBe(48);
    expect(metrics.occupancy).toBeCloseTo(0.8727272727272727, 15);
    expect(metrics.p_wait).toBeCloseTo(0.2387009363780092, 13);
    expect(metrics.asa_s).toBeCloseTo(8.184032104388887, 11);
    expect(metrics.service_level).toBeCloseTo(0.8458830921705803, 13);
  });

  test("hand-checkable cases: M/M/1 waits with probability ρ; 2 agents at 1 erlang wait 1/3 of the time", () => {
    const single = erlangC({ arrivals_per_hour: 9.6, aht_s: 300, agents: 1, threshold_s: 60 });
    // ρ = 0.8; ASA = ρ/(μ − λ) = 0.8 / (1/300 − 0.8/300) = 1200 s; P(W > t) = ρ·e^{−(μ−λ)t}.
    expect(single.p_wait).toBeCloseTo(0.8, 14);
    expect(single.asa_s).toBeCloseTo(1200, 9);
    expect(single.service_level).toBeCloseTo(1 - 0.8 * Math.exp(-0.2 * (60 / 300)), 14);
    const two = erlangC({ arrivals_per_hour: 12, aht_s: 300, agents: 2, threshold_s: 0 });
    expect(two.p_wait).toBeCloseTo(1 / 3, 14);
    expect(two.service_level).toBeCloseTo(2 / 3, 14);
  });

  test("Erlang B recursion: B(1, 1) = 1/2, B(2, 2) = 2/5, B(A, 0) = 1", () => {
    expect(erlangB(1, 1)).toBeCloseTo(0.5, 15);
    expect(erlangB(2, 2)).toBeCloseTo(0.4, 15);
    expect(erlangB(3.5, 0)).toBe(1);
  });
});

describe("Erlang C at scale and past saturation", () => {
  test("c = 1000 at 96% occupancy: no overflow, exact to 1e-12", () => {
    const metrics = erlangC({ arrivals_per_hour: 11_520, aht_s: 300, agents: 1000, threshold_s: 20 });
    expect(metrics.offered_load).toBe(960);
    expect(metrics.p_wait).toBeCloseTo(0.13369178006291227, 12);
    expect(metrics.service_level).toBeCloseTo(0.9907106337211091, 12);
    expect(metrics.asa_s).toBeCloseTo(1.002688350471842, 11);
  });

  test("c = 20 000 stays finite and sensible", () => {
    const metrics = erlangC({ arrivals_per_hour: 19_900 * 12, aht_s: 300, agents: 20_000, threshold_s: 20 });
    expect(metrics.p_wait).toBeGreaterThan(0);
    expect(metrics.p_wait).toBeLessThan(1);
    expect(Number.isFinite(metrics.asa_s)).toBe(true);
  });

  test.for([
    ["load equal to agents", 12],
    ["load above agents", 20],
  ] as const)("unstable (%s): p_wait 1, service level 0, ASA Infinity", ([, arrivalsPerHour]) => {
    const metrics = erlangC({ arrivals_per_hour: arrivalsPerHour, aht_s: 3600, agents: 12, threshold_s: 30 });
    expect(metrics).toMatchObject({
      p_wait: 1,
      service_level: 0,
      asa_s: Number.POSITIVE_INFINITY,
      mean_wait_s: Number.POSITIVE_INFINITY,
      occupancy: 1,
    });
  });

  test("no arrivals: nobody waits", () => {
    expect(erlangC({ arrivals_per_hour: 0, aht_s: 300, agents: 3, threshold_s: 20 })).toMatchObject({
      p_wait: 0,
      service_level: 1,
      asa_s: 0,
      occupancy: 0,
    });
  });
});

describe("Erlang A (M/M/c+M)", () => {
  test.for([
    // inputs, then references: p_wait, service level, p_abandon, mean wait of all arrivals, occupancy
    {
      inputs: { arrivals_per_hour: 720, aht_s: 240, agents: 55, threshold_s: 15, patience_s: 60 },
      p_wait: 0.12652059200906804,
      service_level: 0.9523922834310201,
      p_abandon: 0.021489102424440916,
      mean_wait_s: 1.289346145466455,
      occupancy: 0.8539731469750333,
    },
    {
      inputs: { arrivals_per_hour: 720, aht_s: 240, agents: 40, threshold_s: 15, patience_s: 60 },
      p_wait: 0.6764496747817184,
      service_level: 0.5594785789060268,
      p_abandon: 0.19074714960699657,
      mean_wait_s: 11.444828976419794,
      occupancy: 0.9711034204716041,
    },
    {
      inputs: { arrivals_per_hour: 50, aht_s: 300, agents: 5, threshold_s: 30, patience_s: 200 },
      p_wait: 0.3747507525641605,
      service_level: 0.7004073972957156,
      p_abandon: 0.1292060534073477,
      mean_wait_s: 25.84121068146954,
      occupancy: 0.7256616221605435,
    },
    {
      inputs: { arrivals_per_hour: 11_520, aht_s: 300, agents: 1000, threshold_s: 20, patience_s: 120 },
      p_wait: 0.08410510068358851,
      service_level: 0.9976043453560606,
      p_abandon: 0.0023849613720105306,
      mean_wait_s: 0.28619536464126366,
      occupancy: 0.9577104370828698,
    },
  ])("$inputs.agents agents, patience $inputs.patience_s s: exact references", (reference) => {
    const metrics = erlangA(reference.inputs);
    expect(metrics.model).toBe("erlang_a");
    expect(metrics.p_wait).toBeCloseTo(reference.p_wait, 12);
    expect(metrics.service_level).toBeCloseTo(reference.service_level, 12);
    expect(metrics.p_abandon).toBeCloseTo(reference.p_abandon, 12);
    expect(metrics.mean_wait_s).toBeCloseTo(reference.mean_wait_s, 10);
    expect(metrics.occupancy).toBeCloseTo(reference.occupancy, 12);
  });

  const overloaded: QueueInputs & { patience_s: number } = {
    arrivals_per_hour: 720,
    aht_s: 240,
    agents: 40,
    threshold_s: 15,
    patience_s: 60,
  };

  test("abandonment balances the queue: P(abandon) = mean wait of all arrivals / mean patience", () => {
    const metrics = erlangA(overloaded);
    expect(metrics.p_abandon).toBeCloseTo(metrics.mean_wait_s / overloaded.patience_s, 13);
  });

  test("answered cases wait less on average than all cases (abandoners are the long waits)", () => {
    const metrics = erlangA(overloaded);
    expect(metrics.asa_s).toBeLessThan(metrics.mean_wait_s);
  });

  test("threshold 0 → service level = 1 − p_wait; a very long threshold → 1 − p_abandon", () => {
    const immediate = erlangA({ ...overloaded, threshold_s: 0 });
    expect(immediate.service_level).toBeCloseTo(1 - immediate.p_wait, 14);
    const eventually = erlangA({ ...overloaded, threshold_s: 1e6 });
    expect(eventually.service_level).toBeCloseTo(1 - (eventually.p_abandon as number), 14);
  });

  test("endless patience → Erlang C", () => {
    const inputs = { arrivals_per_hour: 720, aht_s: 240, agents: 55, threshold_s: 15 };
    const c = erlangC(inputs);
    const a = erlangA({ ...inputs, patience_s: 1e9 });
    expect(a.p_wait).toBeCloseTo(c.p_wait, 6);
    expect(a.service_level).toBeCloseTo(c.service_level, 6);
    expect(a.asa_s).toBeCloseTo(c.asa_s, 4);
    expect(a.p_abandon).toBeLessThan(1e-7);
  });

  test("no patience at all → Erlang B: whoever finds every agent busy leaves", () => {
    const a = erlangA({ arrivals_per_hour: 720, aht_s: 240, agents: 55, threshold_s: 15, patience_s: 1e-6 });
    expect(a.p_abandon).toBeCloseTo(erlangB(48, 55), 7);
  });

  test("stable above saturation: 150% load still has a finite answer", () => {
    const metrics = erlangA({ ...overloaded, agents: 32 });
    expect(metrics.occupancy).toBeGreaterThan(0.99);
    expect(metrics.p_abandon).toBeGreaterThan(1 / 3 - 0.01); // at least the excess work must leave
    expect(Number.isFinite(metrics.asa_s)).toBe(true);
  });

  test("queueMetrics picks the model from patience_s", () => {
    const inputs = { arrivals_per_hour: 720, aht_s: 240, agents: 55, threshold_s: 15 };
    expect(queueMetrics(inputs)).toEqual(erlangC(inputs));
    expect(queueMetrics({ ...inputs, patience_s: 60 })).toEqual(erlangA({ ...inputs, patience_s: 60 }));
    expect(queueMetrics(inputs).p_abandon).toBeUndefined();
  });
});

describe("requiredAgents", () => {
  test("21 agents with 30% shrinkage schedule 30, not 31 (21 / 0.7 = 30.000000000000004)", () => {
    expect(21 / 0.7).toBe(30.000000000000004); // the trap, in this very runtime
    expect(Math.ceil(21 / (1 - 0.3))).toBe(31);
    const staffing = requiredAgents({
      arrivals_per_hour: 340, // 17 erlangs at AHT 180 s
      aht_s: 180,
      threshold_s: 20,
      target_service_level: 0.8,
      shrinkage: 0.3,
    });
    expect(staffing.agents).toBe(21);
    expect(staffing.scheduled_agents).toBe(30);
  });

  test("no shrinkage schedules exactly the agents needed", () => {
    const staffing = requiredAgents({
      arrivals_per_hour: 340,
      aht_s: 180,
      threshold_s: 20,
      target_service_level: 0.8,
    });
    expect(staffing.scheduled_agents).toBe(staffing.agents);
  });

  test("an occupancy cap met exactly is met: 17 erlangs at most 85% busy → 20 agents", () => {
    const staffing = requiredAgents({
      arrivals_per_hour: 204, // 204 × 300 / 3600 = 17 erlangs
      aht_s: 300,
      threshold_s: 20,
      target_service_level: 0.05,
      max_occupancy: 0.85,
    });
    expect(staffing.agents).toBe(20);
    expect(staffing.metrics.occupancy).toBeCloseTo(0.85, 15);
  });

  test.for([
    { arrivals_per_hour: 340, aht_s: 180, threshold_s: 20, target_service_level: 0.8 },
    { arrivals_per_hour: 11_520, aht_s: 300, threshold_s: 20, target_service_level: 0.9 },
    { arrivals_per_hour: 720, aht_s: 240, threshold_s: 15, target_service_level: 0.9, patience_s: 60 },
    { arrivals_per_hour: 11_520, aht_s: 300, threshold_s: 20, target_service_level: 0.95, patience_s: 120 },
    {
      arrivals_per_hour: 50,
      aht_s: 300,
      threshold_s: 30,
      target_service_level: 0.8,
      patience_s: 200,
      max_occupancy: 0.6,
    },
  ])("is the least c a linear scan finds: %o", (inputs) => {
    const staffing = requiredAgents(inputs);
    const meets = (agents: number) => {
      const metrics = queueMetrics({ ...inputs, agents });
      return (
        metrics.service_level >= inputs.target_service_level &&
        (inputs.max_occupancy === undefined || metrics.occupancy <= inputs.max_occupancy)
      );
    };
    expect(meets(staffing.agents)).toBe(true);
    expect(meets(staffing.agents - 1)).toBe(false);
  });

  test("Erlang A needs fewer agents than Erlang C for the same target (abandoners free capacity)", () => {
    const inputs = { arrivals_per_hour: 720, aht_s: 240, threshold_s: 15, target_service_level: 0.8 };
    expect(requiredAgents({ ...inputs, patience_s: 60 }).agents).toBeLessThan(requiredAgents(inputs).agents);
  });
});

describe("bad inputs are rejected with a RangeError naming the parameter", () => {
  const good = { arrivals_per_hour: 100, aht_s: 300, agents: 10, threshold_s: 20 };
  test.for<[string, Partial<QueueInputs>]>([
    ["arrivals_per_hour", { arrivals_per_hour: -1 }],
    ["arrivals_per_hour", { arrivals_per_hour: Number.NaN }],
    ["aht_s", { aht_s: 0 }],
    ["aht_s", { aht_s: Number.POSITIVE_INFINITY }],
    ["agents", { agents: 0 }],
    ["agents", { agents: 2.5 }],
    ["threshold_s", { threshold_s: -5 }],
    ["patience_s", { patience_s: 0 }],
    ["patience_s", { patience_s: -60 }],
  ])("%s in %o", ([parameter, override]) => {
    expect(() => queueMetrics({ ...good, ...override })).toThrow(RangeError);
    expect(() => queueMetrics({ ...good, ...override })).toThrow(new RegExp(`^${parameter} `));
  });

  const staffing = { arrivals_per_hour: 100, aht_s: 300, threshold_s: 20, target_service_level: 0.8 };
  test.for<[string, Record<string, number>]>([
    ["target_service_level", { target_service_level: 0 }],
    ["target_service_level", { target_service_level: 1 }],
    ["max_occupancy", { max_occupancy: 0 }],
    ["max_occupancy", { max_occupancy: 1.2 }],
    ["shrinkage", { shrinkage: 1 }],
    ["shrinkage", { shrinkage: -0.1 }],
    ["aht_s", { aht_s: -1 }],
  ])("requiredAgents: %s in %o", ([parameter, override]) => {
    expect(() => requiredAgents({ ...staffing, ...override })).toThrow(new RegExp(`^${parameter} `));
  });
});
