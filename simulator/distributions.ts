/**
 * Sampling distributions for the simulator: plain objects `{ name, mean, sample(rng) }`.
 *
 * The random source is passed to `sample` rather than captured, so one distribution object can be
 * shared by every stream and replication, and a distribution holds no state between draws (no cached
 * Box–Muller spare): the same rng state always gives the same value. Every distribution here is over
 * non-negative values (durations, patience, counts), so a negative parameter or value is rejected with
 * a RangeError naming the parameter.
 */
import { z } from "zod";
import { standardExponential } from "./exponential-ziggurat.ts";
import type { Rng } from "./rng.ts";

export interface Distribution {
  /** Human-readable, with parameters, e.g. `lognormal(mean=300, sd=120)`. */
  readonly name: string;
  /** The theoretical mean (not a sample mean). */
  readonly mean: number;
  sample(rng: Rng): number;
}

/** A rejected parameter; `path` locates it (e.g. `["values", 3]`) so a scenario error can point at it. */
export class DistributionParameterError extends RangeError {
  constructor(
    readonly path: (string | number)[],
    message: string,
  ) {
    super(message);
    this.name = "DistributionParameterError";
  }
}

function requireFinite(path: (string | number)[], value: number, { positive }: { positive: boolean }): void {
  if (Number.isFinite(value) && (positive ? value > 0 : value >= 0)) return;
  const name = path.map((part) => (typeof part === "number" ? `[${part}]` : part)).join("");
  const rule = positive ? "positive" : "non-negative";
  throw new DistributionParameterError(path, `${name} must be a finite ${rule} number, got ${value}`);
}

/** A standard normal from two uniforms (Box–Muller, one value per pair: no cached state, see above). */
function standardNormal(rng: Rng): number {
  const radius = Math.sqrt(-2 * Math.log(1 - rng.next())); // 1 - u is in (0, 1]: log never sees 0
  return radius * Math.cos(2 * Math.PI * rng.next());
}

export function exponential(mean: number): Distribution {
  requireFinite(["mean"], mean, { positive: true });
  return {
    name: `exponential(mean=${mean})`,
    mean,
    sample: (rng) => mean * standardExponential(rng),
  };
}

/**
 * Lognormal given by the mean and standard deviation of the values themselves (what a planner reads
 * off a handle-time report), not by mu/sigma of the underlying normal; those are derived:
 * sigma² = ln(1 + sd²/mean²), mu = ln(mean) − sigma²/2. sd = 0 degenerates to the constant `mean`.
 */
export function lognormal(mean: number, sd: number): Distribution {
  requireFinite(["mean"], mean, { positive: true });
  requireFinite(["sd"], sd, { positive: false });
  const sigma2 = Math.log1p((sd * sd) / (mean * mean));
  const sigma = Math.sqrt(sigma2);
  const mu = Math.log(mean) - sigma2 / 2;
  return {
    name: `lognormal(mean=${mean}, sd=${sd})`,
    mean,
    sample: (rng) => Math.exp(mu + sigma * standardNormal(rng)),
  };
}

/** Gamma(shape k, scale θ): mean kθ. Marsaglia & Tsang (2000); shape < 1 by the U^(1/k) boost. */
export function gamma(shape: number, scale: number): Distribution {
  requireFinite(["shape"], shape, { positive: true });
  requireFinite(["scale"], scale, { positive: true });
  const boosted = shape < 1;
  const d = (boosted ? shape + 1 : shape) - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  const sampleShapeAtLeastOne = (rng: Rng): number => {
    for (;;) {
      const x = standardNormal(rng);
      const t = 1 + c * x;
      if (t <= 0) continue;
      const v = t * t * t;
      const u = 1 - rng.next(); // (0, 1]
      if (u < 1 - 0.0331 * x * x * x * x) return d * v;
      if (Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
    }
  };
  return {
    name: `gamma(shape=${shape}, scale=${scale})`,
    mean: shape * scale,
    sample: boosted
      ? (rng) => sampleShapeAtLeastOne(rng) * (1 - rng.next()) ** (1 / shape) * scale
      : (rng) => sampleShapeAtLeastOne(rng) * scale,
  };
}

/**
 * Resamples observed values (a bootstrap of, say, last month's handle times), each with probability
 * proportional to its weight (equal weights when none are given). O(log n) per draw by binary search
 * over the cumulative weights.
 */
export function empirical(values: readonly number[], weights?: readonly number[]): Distribution {
  if (values.length === 0) throw new DistributionParameterError(["values"], "values must not be empty");
  values.forEach((value, i) => {
    requireFinite(["values", i], value, { positive: false });
  });
  if (weights !== undefined && weights.length !== values.length) {
    throw new DistributionParameterError(
      ["weights"],
      `weights must have one weight per value (${values.length}), got ${weights.length}`,
    );
  }
  const cumulative = new Float64Array(values.length);
  let total = 0;
  let weightedSum = 0;
  for (let i = 0; i < values.length; i++) {
    const weight = weights === undefined ? 1 : (weights[i] as number);
    requireFinite(["weights", i], weight, { positive: false });
    total += weight;
    weightedSum += weight * (values[i] as number);
    cumulative[i] = total;
  }
  if (!(total > 0)) throw new DistributionParameterError(["weights"], "weights must not all be zero");
  const observed = Float64Array.from(values);
  const last = values.length - 1;
  return {
    name: `empirical(n=${values.length})`,
    mean: weightedSum / total,
    sample: (rng) => {
      const target = rng.next() * total;
      // First index whose cumulative weight exceeds the target; zero-weight values are never chosen.
      let lo = 0;
      let hi = last;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((cumulative[mid] as number) > target) hi = mid;
        else lo = mid + 1;
      }
      return observed[lo] as number;
    },
  };
}

/** Always `value`; consumes no randomness, so adding one does not shift other streams. */
export function deterministic(value: number): Distribution {
  requireFinite(["value"], value, { positive: false });
  return { name: `deterministic(value=${value})`, mean: value, sample: () => value };
}

/**
 * How a scenario file names a distribution, e.g. `{ kind: "lognormal", mean: 300, sd: 120 }`.
 * The shape is checked here (strict: a misspelt key is an error); the parameter ranges are checked
 * once, by the factory, whose error becomes a zod issue at the parameter's path, so the rules live in
 * one place.
 */
export const DistributionSpec = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("exponential"), mean: z.number() }),
    z.strictObject({ kind: z.literal("lognormal"), mean: z.number(), sd: z.number() }),
    z.strictObject({ kind: z.literal("gamma"), shape: z.number(), scale: z.number() }),
    z.strictObject({
      kind: z.literal("empirical"),
      values: z.array(z.number()),
      weights: z.array(z.number()).optional(),
    }),
    z.strictObject({ kind: z.literal("deterministic"), value: z.number() }),
  ])
  .superRefine((spec, ctx) => {
    try {
      distributionFromSpec(spec);
    } catch (error) {
      if (!(error instanceof DistributionParameterError)) throw error;
      ctx.addIssue({ code: "custom", message: error.message, path: error.path });
    }
  });
export type DistributionSpec = z.infer<typeof DistributionSpec>;

/** Builds the distribution an already-validated spec describes. */
export function distributionFromSpec(spec: DistributionSpec): Distribution {
  switch (spec.kind) {
    case "exponential":
      return exponential(spec.mean);
    case "lognormal":
      return lognormal(spec.mean, spec.sd);
    case "gamma":
      return gamma(spec.shape, spec.scale);
    case "empirical":
      return empirical(spec.values, spec.weights);
    case "deterministic":
      return deterministic(spec.value);
  }
}

/** Validates a plain object (from YAML/JSON) and builds it; throws a ZodError listing every problem. */
export function parseDistribution(spec: unknown): Distribution {
  return distributionFromSpec(DistributionSpec.parse(spec));
}
