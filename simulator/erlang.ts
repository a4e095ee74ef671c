/**
 * Erlang C (M/M/c) and Erlang A (M/M/c+M) staffing references, the closed-form side of the simulator's
 * validation and the engine of `orderops erlang`.
 *
 * Model: Poisson arrivals (λ = arrivals_per_hour / 3600 per second), exponential handle times
 * (mean aht_s, μ = 1/aht_s), c agents, one FIFO queue. Erlang A adds exponential patience (mean
 * patience_s, θ = 1/patience_s): a case still waiting when its patience runs out abandons.
 * Offered load A = λ·aht_s (erlangs).
 *
 * Definitions (the simulator in mmc.ts measures exactly these):
 * - p_wait: probability an arrival finds every agent busy and so waits at all (by PASTA, the
 *   stationary probability of n ≥ c in system).
 * - service_level: fraction of ALL arrivals that are answered (start service) within threshold_s.
 *   With abandonment, a case that abandons counts as a miss however early it left.
 * - asa_s: average speed of answer = mean wait of the cases that are answered (served).
 * - mean_wait_s: mean time in queue over all arrivals, including the time abandoners waited before
 *   leaving (= E[queue length]/λ by Little's law). Equal to asa_s in Erlang C.
 * - occupancy: mean fraction of agents busy = served throughput × aht_s / c.
 * - p_abandon (Erlang A only): fraction of arrivals that abandon.
 *
 * Unstable Erlang C (A ≥ c: work arrives at least as fast as it can be done) has no steady state; the
 * queue grows without bound, so we report the limits: p_wait 1, service_level 0, asa_s and
 * mean_wait_s Infinity, occupancy 1. Erlang A is always stable because abandonment bounds the queue.
 */

export interface QueueInputs {
  arrivals_per_hour: number;
  aht_s: number;
  agents: number;
  threshold_s: number;
  /** Mean patience; present → Erlang A, absent → Erlang C. */
  patience_s?: number | undefined;
}

export interface QueueMetrics {
  model: "erlang_c" | "erlang_a";
  /** A = λ · aht, in erlangs. */
  offered_load: number;
  p_wait: number;
  service_level: number;
  asa_s: number;
  mean_wait_s: number;
  occupancy: number;
  /** Only for Erlang A. */
  p_abandon?: number;
}

export interface StaffingInputs {
  arrivals_per_hour: number;
  aht_s: number;
  threshold_s: number;
  patience_s?: number | undefined;
  /** Least acceptable service_level, in (0, 1). */
  target_service_level: number;
  /** Highest acceptable occupancy, in (0, 1]; agents are added until occupancy is at most this. */
  max_occupancy?: number | undefined;
  /** Fraction of scheduled time not spent handling work (breaks, training, absence), in [0, 1). */
  shrinkage?: number | undefined;
}

export interface StaffingResult {
  /** Least number of agents handling work that meets every target. */
  agents: number;
  /** Agents to schedule so that `agents` remain after shrinkage: ceil(agents / (1 − shrinkage)). */
  scheduled_agents: number;
  /** The metrics at `agents`. */
  metrics: QueueMetrics;
}

function requireNumber(name: string, value: number, rule: "positive" | "non-negative"): void {
  const ok = Number.isFinite(value) && (rule === "positive" ? value > 0 : value >= 0);
  if (!ok) throw new RangeError(`${name} must be a finite ${rule} number, got ${value}`);
}

function requirePositiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value >= 1)) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
}

function requireFraction(name: string, value: number, lowOpen: boolean, highOpen: boolean): void {
  const ok =
    Number.isFinite(value) && (lowOpen ? value > 0 : value >= 0) && (highOpen ? value < 1 : value <= 1);
  if (!ok) {
    const range = `${lowOpen ? "(" : "["}0, 1${highOpen ? ")" : "]"}`;
    throw new RangeError(`${name} must be in ${range}, got ${value}`);
  }
}

function validate(inputs: QueueInputs): void {
  requireNumber("arrivals_per_hour", inputs.arrivals_per_hour, "non-negative");
  requireNumber("aht_s", inputs.aht_s, "positive");
  requirePositiveInteger("agents", inputs.agents);
  requireNumber("threshold_s", inputs.threshold_s, "non-negative");
  if (inputs.patience_s !== undefined) requireNumber("patience_s", inputs.patience_s, "positive");
}

/** Offered load in erlangs; multiply before dividing so that e.g. 204/h × 300 s is exactly 17. */
function offeredLoad(arrivalsPerHour: number, ahtS: number): number {
  return (arrivalsPerHour * ahtS) / 3600;
}

/**
 * Erlang B blocking probability by the recursion B(0) = 1, B(k) = A·B(k−1) / (k + A·B(k−1)):
 * every step is a ratio of quantities in [0, A], so there is no factorial to overflow at any c.
 */
export function erlangB(offeredLoadErlangs: number, agents: number): number {
  requireNumber("offered load", offeredLoadErlangs, "non-negative");
  if (!(Number.isInteger(agents) && agents >= 0)) {
    throw new RangeError(`agents must be a non-negative integer, got ${agents}`);
  }
  let blocking = 1;
  for (let k = 1; k <= agents; k++) {
    const carried = offeredLoadErlangs * blocking;
    blocking = carried / (k + carried);
  }
  return blocking;
}

/** Erlang C: the closed forms of M/M/c (inputs.patience_s is ignored). */
export function erlangC(inputs: QueueInputs): QueueMetrics {
  validate(inputs);
  const c = inputs.agents;
  const load = offeredLoad(inputs.arrivals_per_hour, inputs.aht_s);
  if (load >= c) {
    return {
      model: "erlang_c",
      offered_load: load,
      p_wait: 1,
      service_level: 0,
      asa_s: Number.POSITIVE_INFINITY,
      mean_wait_s: Number.POSITIVE_INFINITY,
      occupancy: 1,
    };
  }
  const blocking = erlangB(load, c);
  const pWait = blocking / (1 - (load / c) * (1 - blocking));
  // While all agents are busy the queue drains at c·μ − λ; a waiting time is exponential at that rate.
  const drainRate = (c - load) / inputs.aht_s;
  return {
    model: "erlang_c",
    offered_load: load,
    p_wait: pWait,
    service_level: 1 - pWait * Math.exp(-drainRate * inputs.threshold_s),
    asa_s: pWait / drainRate,
    mean_wait_s: pWait / drainRate,
    occupancy: load / c,
  };
}

/** States whose probability is below e^-46 (≈ 1e-20) of the largest are cut from the chain's tail. */
const TAIL_LOG_CUTOFF = 46;
/** Beyond this the chain is too long to sum (huge overload with very long patience). */
const MAX_STATES = 5_000_000;

/**
 * Erlang A by exact solution of the birth–death chain on n = number in system: birth rate λ,
 * death rate min(n, c)·μ + max(n − c, 0)·θ. Weights are accumulated in log space (no overflow at
 * c in the thousands) and the infinite tail is cut once its provable bound is negligible.
 *
 * Waiting-time law of an arrival that finds k = n − c cases ahead of it in queue (all agents busy):
 * while j cases are ahead it moves up at rate c·μ + j·θ (a completion or an abandonment ahead) and
 * leaves at rate θ (its own patience), so each of its k + 1 stages lasts Exp(s_j) with
 * s_j = c·μ + (j + 1)·θ, and it survives stage j with probability (c·μ + j·θ)/s_j, independently of
 * how long the stage took. Writing a = c·μ/θ:
 * - P(answered | k) = Π_j (a + j)/(a + j + 1) = a/(a + k + 1)   (telescoping);
 * - E[wait | answered, k] = Σ_{j=0..k} 1/s_j;
 * - P(wait ≤ t | answered, k) = P(Σ_j Exp(θ(a + j + 1)) ≤ t) = I_x(k + 1, a + 1), x = 1 − e^{−θt}
 *   (Rényi: that sum is the (k+1)-th order statistic of a + k + 1 i.i.d. Exp(θ)), and
 *   1 − I_x(k + 1, b) is the CDF at k of the negative binomial q_m = Γ(m+b)/(m! Γ(b)) x^m (1−x)^b,
 *   which we accumulate term by term in log space alongside the chain.
 */
export function erlangA(inputs: QueueInputs & { patience_s: number }): QueueMetrics {
  validate(inputs);
  const c = inputs.agents;
  const load = offeredLoad(inputs.arrivals_per_hour, inputs.aht_s);
  const lambda = inputs.arrivals_per_hour / 3600;
  const mu = 1 / inputs.aht_s;
  const theta = 1 / inputs.patience_s;
  if (lambda === 0) {
    const idle = { p_wait: 0, service_level: 1, asa_s: 0, mean_wait_s: 0, occupancy: 0, p_abandon: 0 };
    return { model: "erlang_a", offered_load: 0, ...idle };
  }

  // Unnormalised log-probabilities of n = 0, 1, ... until the remaining tail is negligible.
  const logWeights: number[] = [0];
  let maxLog = 0;
  for (let n = 0; ; n++) {
    const deathRate = Math.min(n + 1, c) * mu + Math.max(n + 1 - c, 0) * theta;
    const ratio = lambda / deathRate; // π(n+1)/π(n); decreasing once n ≥ c, so the tail is geometric-bounded
    const logHere = logWeights[n] as number;
    if (n >= c && ratio < 1 && logHere + Math.log(ratio / (1 - ratio)) < maxLog - TAIL_LOG_CUTOFF) break;
    if (n + 1 >= MAX_STATES) {
      throw new RangeError(`patience_s ${inputs.patience_s} is too long for this overload to compute`);
    }
    const logNext = logHere + Math.log(ratio);
    logWeights.push(logNext);
    if (logNext > maxLog) maxLog = logNext;
  }

  const serviceRate = c * mu;
  const a = serviceRate / theta;
  const x = -Math.expm1(-theta * inputs.threshold_s);
  const logX = Math.log(x);
  let logNegBinomial = -(serviceRate + theta) * inputs.threshold_s; // log q_0 = b·ln(1 − x)
  let negBinomialCdf = 0;
  let stageMeanSum = 0; // Σ_{j ≤ k} 1/s_j

  let total = 0;
  let busy = 0;
  let queued = 0;
  let waiting = 0;
  let abandoning = 0;
  let answeredWithin = 0;
  let answeredWaitSum = 0;
  for (let n = 0; n < logWeights.length; n++) {
    const weight = Math.exp((logWeights[n] as number) - maxLog);
    total += weight;
    if (n < c) {
      busy += n * weight;
      answeredWithin += weight;
      continue;
    }
    const k = n - c; // cases ahead of an arrival that finds n in system
    busy += c * weight;
    queued += k * weight;
    waiting += weight;
    negBinomialCdf += Math.exp(logNegBinomial);
    logNegBinomial += Math.log(k + a + 1) - Math.log(k + 1) + logX;
    stageMeanSum += 1 / (serviceRate + (k + 1) * theta);
    const pAnswered = a / (a + k + 1);
    abandoning += (1 - pAnswered) * weight;
    answeredWithin += pAnswered * Math.max(0, 1 - negBinomialCdf) * weight;
    answeredWaitSum += pAnswered * stageMeanSum * weight;
  }

  const pAbandon = abandoning / total;
  return {
    model: "erlang_a",
    offered_load: load,
    p_wait: waiting / total,
    service_level: answeredWithin / total,
    asa_s: answeredWaitSum / total / (1 - pAbandon),
    mean_wait_s: queued / total / lambda,
    occupancy: busy / total / c,
    p_abandon: pAbandon,
  };
}

/** Erlang A when patience_s is given, else Erlang C. */
export function queueMetrics(inputs: QueueInputs): QueueMetrics {
  const { patience_s } = inputs;
  return patience_s === undefined ? erlangC(inputs) : erlangA({ ...inputs, patience_s });
}

/** Rounds away floating-point dust before a comparison or a ceiling: 21 / 0.7 = 30.000000000000004. */
function roundTo9(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

const MAX_AGENTS = 1_000_000;

/**
 * The least number of agents c whose service_level reaches the target (and occupancy is at most
 * max_occupancy, when given), then the schedule that survives shrinkage. Comparisons and the
 * shrinkage ceiling are made on values rounded to 9 decimals, so a target met exactly in real
 * arithmetic is met here too.
 *
 * Search: from a lower bound (Erlang C needs c > A for stability, and a cap needs c ≥ A / cap),
 * doubling the step until the targets are met, then bisecting. Valid because service_level rises
 * and occupancy falls as agents are added, in both models.
 */
export function requiredAgents(inputs: StaffingInputs): StaffingResult {
  requireFraction("target_service_level", inputs.target_service_level, true, true);
  if (inputs.max_occupancy !== undefined) requireFraction("max_occupancy", inputs.max_occupancy, true, false);
  if (inputs.shrinkage !== undefined) requireFraction("shrinkage", inputs.shrinkage, false, true);
  const { target_service_level: target, max_occupancy: cap, shrinkage = 0 } = inputs;
  const evaluate = (agents: number): QueueMetrics => queueMetrics({ ...inputs, agents });
  const meets = (metrics: QueueMetrics): boolean =>
    roundTo9(metrics.service_level) >= target && (cap === undefined || roundTo9(metrics.occupancy) <= cap);

  evaluate(1); // validates the queue inputs before any search
  const load = offeredLoad(inputs.arrivals_per_hour, inputs.aht_s);
  let lowerBound = inputs.patience_s === undefined ? Math.floor(load) + 1 : 1;
  if (cap !== undefined) lowerBound = Math.max(lowerBound, Math.ceil(roundTo9(load / cap)));
  lowerBound = Math.max(1, lowerBound);

  let failing = lowerBound - 1; // largest c known (or assumed, below the bound) to miss the targets
  let step = 1;
  let passing = lowerBound;
  let passingMetrics = evaluate(passing);
  while (!meets(passingMetrics)) {
    failing = passing;
    passing = lowerBound + step;
    step *= 2;
    if (passing > MAX_AGENTS) {
      throw new RangeError(`target_service_level ${target} needs more than ${MAX_AGENTS} agents`);
    }
    passingMetrics = evaluate(passing);
  }
  while (passing - failing > 1) {
    const middle = Math.floor((failing + passing) / 2);
    const metrics = evaluate(middle);
    if (meets(metrics)) {
      passing = middle;
      passingMetrics = metrics;
    } else {
      failing = middle;
    }
  }
  return {
    agents: passing,
    scheduled_agents: Math.ceil(roundTo9(passing / (1 - shrinkage))),
    metrics: passingMetrics,
  };
}
