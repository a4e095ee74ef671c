/**
 * A minimal discrete-event simulation of one FIFO queue, M/M/c or M/M/c+M (exponential patience):
 * the harness that validates the engine against erlang.ts, and the kernel the benchmark times.
 *
 * Metric definitions match erlang.ts. Statistics cover "counted" cases, those arriving in
 * [warmup_s, horizon_s]; the system starts empty and runs from 0, so the warm-up lets it reach steady
 * state first. Time averages (occupancy, mean_in_system) cover [warmup_s, horizon_s]. The run stops
 * at the horizon, so a counted case may still be waiting or in service then: it is reported in
 * in_system_at_end, and cases still waiting are left out of the wait-based metrics (their wait is
 * not known yet; over a long horizon they are a negligible few).
 *
 * Events at the same instant: departures first (a freed agent is free for the arrival at that
 * instant), then abandonments, then arrivals; ties beyond that keep scheduling order (the heap's
 * sequence number).
 */
import { type Distribution, exponential } from "./distributions.ts";
import { EventQueue } from "./event-queue.ts";
import type { Rng } from "./rng.ts";

export interface MmcConfig {
  arrivals_per_hour: number;
  aht_s: number;
  /** A positive integer, or Infinity for unlimited agents (no case ever waits). */
  agents: number;
  threshold_s: number;
  /** Mean patience; absent → no abandonment (Erlang C). */
  patience_s?: number | undefined;
  /** Length of the run, seconds of simulated time from 0. */
  horizon_s: number;
  /** Initial stretch excluded from statistics; default 0. */
  warmup_s?: number | undefined;
}

/** One replication's results; rates are fractions of counted arrivals (see each field). */
export interface MmcStats {
  /** Counted arrivals: cases arriving in [warmup_s, horizon_s]. */
  arrivals: number;
  /** Counted cases whose service completed by the horizon. */
  served: number;
  /** Counted cases that abandoned by the horizon. */
  abandoned: number;
  /** Counted cases still waiting or in service at the horizon (arrivals = served + abandoned + this). */
  in_system_at_end: number;
  /** Counted arrivals that found every agent busy / counted arrivals. */
  p_wait: number;
  /** Counted cases answered within threshold_s / counted cases that left the queue (answered or abandoned). */
  service_level: number;
  /** Mean wait of counted cases that were answered. */
  asa_s: number;
  /** Mean time in queue of counted cases that left the queue, abandoners included. */
  mean_wait_s: number;
  /** Abandoned / counted cases that left the queue. */
  p_abandon: number;
  /** Time-average busy agents / agents over [warmup_s, horizon_s] (0 with unlimited agents). */
  occupancy: number;
  /** Time-average number of cases in system (waiting + in service) over [warmup_s, horizon_s]. */
  mean_in_system: number;
  /** Counted arrivals per second over [warmup_s, horizon_s]: λ in Little's law L = λW. */
  arrival_rate_per_s: number;
  /** Mean time in system of counted cases that left (served or abandoned): W in Little's law. */
  mean_sojourn_s: number;
  /** Events popped from the heap, warm-up and stale abandonment timers included. */
  events: number;
}

export type MmcMetric = keyof MmcStats;

function validate(config: MmcConfig): void {
  const positive = (name: string, value: number | undefined) => {
    if (!(Number.isFinite(value) && (value as number) > 0)) {
      throw new RangeError(`${name} must be a finite positive number, got ${value}`);
    }
  };
  positive("arrivals_per_hour", config.arrivals_per_hour);
  positive("aht_s", config.aht_s);
  positive("horizon_s", config.horizon_s);
  if (config.patience_s !== undefined) positive("patience_s", config.patience_s);
  const { agents, threshold_s, warmup_s = 0, horizon_s } = config;
  if (!((Number.isInteger(agents) && agents >= 1) || agents === Number.POSITIVE_INFINITY)) {
    throw new RangeError(`agents must be a positive integer or Infinity, got ${agents}`);
  }
  if (!(Number.isFinite(threshold_s) && threshold_s >= 0)) {
    throw new RangeError(`threshold_s must be a finite non-negative number, got ${threshold_s}`);
  }
  if (!(Number.isFinite(warmup_s) && warmup_s >= 0 && warmup_s < horizon_s)) {
    throw new RangeError(`warmup_s must be in [0, horizon_s), got ${warmup_s}`);
  }
}

// Event payloads are plain numbers so the heap never holds an object: a non-negative payload is the
// queue ticket of a waiting case whose patience ran out.
const ARRIVAL = -1;
const DEPARTURE = -2;
const DEPARTURE_COUNTED = -3;
const PRIORITY_DEPARTURE = 0;
const PRIORITY_ABANDON = 1;
const PRIORITY_ARRIVAL = 2;

/**
 * Waiting cases in FIFO order, in a growable ring buffer indexed by ticket (a per-run counter).
 * An abandonment only marks its ticket dead; dead tickets are skipped when they reach the head, so
 * removal is O(1) and nothing is allocated per case.
 */
class WaitingLine {
  head = 0;
  tail = 0;
  alive = 0;
  private mask = 1023;
  private arrivalTimes = new Float64Array(1024);
  private flags = new Uint8Array(1024); // bit 0: still waiting, bit 1: counted

  join(arrivalTime: number, counted: boolean): number {
    if (this.tail - this.head > this.mask) this.grow();
    const ticket = this.tail++;
    this.arrivalTimes[ticket & this.mask] = arrivalTime;
    this.flags[ticket & this.mask] = counted ? 3 : 1;
    this.alive++;
    return ticket;
  }

  isWaiting(ticket: number): boolean {
    return ticket >= this.head && ((this.flags[ticket & this.mask] as number) & 1) === 1;
  }

  /** The case stops waiting (answered or abandoned); read its arrivalTime/isCounted before this. */
  leave(ticket: number): void {
    this.flags[ticket & this.mask] = 0;
    this.alive--;
  }

  /** Ticket of the longest-waiting live case; only call when alive > 0. */
  front(): number {
    while (((this.flags[this.head & this.mask] as number) & 1) === 0) this.head++;
    return this.head;
  }

  arrivalTime(ticket: number): number {
    return this.arrivalTimes[ticket & this.mask] as number;
  }

  isCounted(ticket: number): boolean {
    return ((this.flags[ticket & this.mask] as number) & 2) === 2;
  }

  private grow(): void {
    const capacity = (this.mask + 1) * 2;
    const times = new Float64Array(capacity);
    const flags = new Uint8Array(capacity);
    for (let ticket = this.head; ticket < this.tail; ticket++) {
      times[ticket & (capacity - 1)] = this.arrivalTimes[ticket & this.mask] as number;
      flags[ticket & (capacity - 1)] = this.flags[ticket & this.mask] as number;
    }
    this.arrivalTimes = times;
    this.flags = flags;
    this.mask = capacity - 1;
  }
}

/** One replication. Arrivals, handle times and patience draw from separate forks of `rng`. */
export function simulateMmc(config: MmcConfig, rng: Rng): MmcStats {
  validate(config);
  const { agents, threshold_s: threshold, horizon_s: horizon, warmup_s: warmup = 0 } = config;
  const interarrival: Distribution = exponential(3600 / config.arrivals_per_hour);
  const handleTime: Distribution = exponential(config.aht_s);
  const patience: Distribution | undefined =
    config.patience_s === undefined ? undefined : exponential(config.patience_s);
  const arrivalRng = rng.fork("arrivals");
  const serviceRng = rng.fork("service");
  const patienceRng = rng.fork("patience");

  const events = new EventQueue<number>();
  const line = new WaitingLine();
  let busy = 0;
  let inSystem = 0;
  let countedInService = 0;
  let lastTime = 0;
  let busyArea = 0;
  let inSystemArea = 0;
  let eventCount = 0;
  let arrivals = 0;
  let delayed = 0;
  let served = 0;
  let abandoned = 0;
  let answered = 0;
  let answeredWithin = 0;
  let answeredWaitSum = 0;
  let queueWaitSum = 0; // answered and abandoned
  let sojournSum = 0;
  let departedCounted = 0; // served or abandoned, for the sojourn mean

  events.push(interarrival.sample(arrivalRng), PRIORITY_ARRIVAL, ARRIVAL);
  while (events.peekTime() <= horizon) {
    const now = events.peekTime();
    const event = events.pop();
    eventCount++;
    const from = Math.max(lastTime, warmup);
    if (now > from) {
      busyArea += busy * (now - from);
      inSystemArea += inSystem * (now - from);
    }
    lastTime = now;

    // Which case (if any) an agent starts on after this event; set below, handled in one place.
    let startsService = false;
    let startArrivalTime = now;
    let startCounted = false;
    if (event === ARRIVAL) {
      events.push(now + interarrival.sample(arrivalRng), PRIORITY_ARRIVAL, ARRIVAL);
      const counted = now >= warmup;
      inSystem++;
      if (counted) arrivals++;
      if (busy < agents) {
        startsService = true;
        startCounted = counted;
      } else {
        if (counted) delayed++;
        const ticket = line.join(now, counted);
        if (patience !== undefined) {
          events.push(now + patience.sample(patienceRng), PRIORITY_ABANDON, ticket);
        }
      }
    } else if (event === DEPARTURE || event === DEPARTURE_COUNTED) {
      busy--;
      inSystem--;
      if (event === DEPARTURE_COUNTED) {
        countedInService--;
        served++;
        departedCounted++;
      }
      if (line.alive > 0) {
        const ticket = line.front();
        startsService = true;
        startArrivalTime = line.arrivalTime(ticket);
        startCounted = line.isCounted(ticket);
        line.leave(ticket);
      }
    } else if (line.isWaiting(event)) {
      // Patience ran out while still waiting (a timer for a case already answered is stale: ignored).
      inSystem--;
      if (line.isCounted(event)) {
        const wait = now - line.arrivalTime(event);
        abandoned++;
        queueWaitSum += wait;
        sojournSum += wait;
        departedCounted++;
      }
      line.leave(event);
    }

    if (startsService) {
      busy++;
      const handle = handleTime.sample(serviceRng);
      events.push(now + handle, PRIORITY_DEPARTURE, startCounted ? DEPARTURE_COUNTED : DEPARTURE);
      if (startCounted) {
        countedInService++;
        const wait = now - startArrivalTime;
        answered++;
        answeredWaitSum += wait;
        queueWaitSum += wait;
        if (wait <= threshold) answeredWithin++;
        // Departs within the run, so it will be counted in `served`: its time in system is known now.
        if (now + handle <= horizon) sojournSum += wait + handle;
      }
    }
  }
  const from = Math.max(lastTime, warmup);
  busyArea += busy * (horizon - from);
  inSystemArea += inSystem * (horizon - from);

  let countedWaiting = 0;
  for (let ticket = line.head; ticket < line.tail; ticket++) {
    if (line.isWaiting(ticket) && line.isCounted(ticket)) countedWaiting++;
  }
  const window = horizon - warmup;
  const leftQueue = answered + abandoned;
  return {
    arrivals,
    served,
    abandoned,
    in_system_at_end: countedWaiting + countedInService,
    p_wait: delayed / arrivals,
    service_level: answeredWithin / leftQueue,
    asa_s: answeredWaitSum / answered,
    mean_wait_s: queueWaitSum / leftQueue,
    p_abandon: abandoned / leftQueue,
    occupancy: agents === Number.POSITIVE_INFINITY ? 0 : busyArea / (agents * window),
    mean_in_system: inSystemArea / window,
    arrival_rate_per_s: arrivals / window,
    mean_sojourn_s: sojournSum / departedCounted,
    events: eventCount,
  };
}

export interface Estimate {
  mean: number;
  /** Half-width of the 95% confidence interval for the mean (Student t, n − 1 degrees of freedom). */
  half_width: number;
  low: number;
  high: number;
}

export interface ReplicationSummary {
  replications: MmcStats[];
  estimates: Record<MmcMetric, Estimate>;
}

/** Two-sided 95% Student t quantiles t(0.975, df) for df = 1..30. */
const T_975 = [
  12.706205, 4.302653, 3.182446, 2.776445, 2.570582, 2.446912, 2.364624, 2.306004, 2.262157, 2.228139,
  2.200985, 2.178813, 2.160369, 2.144787, 2.13145, 2.119905, 2.109816, 2.100922, 2.093024, 2.085963, 2.079614,
  2.073873, 2.068658, 2.063899, 2.059539, 2.055529, 2.051831, 2.048407, 2.04523, 2.042272,
];

/**
 * t(0.975, df): the table up to 30, then the Cornish–Fisher expansion around the normal quantile
 * (error below 2e-6 from df = 31 on).
 */
export function studentT975(degreesOfFreedom: number): number {
  if (!(Number.isInteger(degreesOfFreedom) && degreesOfFreedom >= 1)) {
    throw new RangeError(`degreesOfFreedom must be a positive integer, got ${degreesOfFreedom}`);
  }
  if (degreesOfFreedom <= 30) return T_975[degreesOfFreedom - 1] as number;
  const z = 1.959963984540054;
  const d = degreesOfFreedom;
  return (
    z +
    (z ** 3 + z) / (4 * d) +
    (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d ** 2) +
    (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * d ** 3)
  );
}

/** Mean and 95% confidence interval of independent observations (n ≥ 2). */
export function estimate(values: readonly number[]): Estimate {
  const n = values.length;
  if (n < 2) throw new RangeError(`a confidence interval needs at least 2 values, got ${n}`);
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / n;
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const halfWidth = studentT975(n - 1) * Math.sqrt(squares / (n - 1) / n);
  return { mean, half_width: halfWidth, low: mean - halfWidth, high: mean + halfWidth };
}

/**
 * `count` independent replications (replication i uses `rng.fork("replication-i")`, so adding
 * replications never changes the earlier ones) with each metric's mean and 95% confidence interval.
 */
export function replicate(count: number, config: MmcConfig, rng: Rng): ReplicationSummary {
  if (!(Number.isInteger(count) && count >= 2)) {
    throw new RangeError(`count must be an integer of at least 2, got ${count}`);
  }
  const replications: MmcStats[] = [];
  for (let i = 0; i < count; i++) replications.push(simulateMmc(config, rng.fork(`replication-${i}`)));
  const metrics = Object.keys(replications[0] as MmcStats) as MmcMetric[];
  const estimates = {} as Record<MmcMetric, Estimate>;
  for (const metric of metrics) estimates[metric] = estimate(replications.map((stats) => stats[metric]));
  return { replications, estimates };
}
