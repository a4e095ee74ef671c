/**
 * Fitting distributions to observed durations, and the goodness of fit reported beside them.
 *
 * Lognormal by maximum likelihood: mu and sigma are the mean and the standard deviation (divided by
 * n, the MLE) of the logs of the values; the scenario's lognormal is written by the mean and standard
 * deviation of the values themselves, mean = exp(mu + sigma²/2) and sd = mean·sqrt(exp(sigma²) − 1).
 * MLE rather than moments because a handful of very long handlings (an agent who left a case open
 * over lunch) move the sample variance a lot and the log-variance little.
 */

/** Values at or below this (seconds) are taken as this, so that a zero duration has a logarithm. */
const FLOOR_S = 1;

export interface LognormalFit {
  kind: "lognormal";
  /** Mean and sd of the values (what the scenario file takes). */
  mean: number;
  sd: number;
  /** Parameters of the underlying normal. */
  mu: number;
  sigma: number;
  n: number;
  /** Kolmogorov–Smirnov distance between the sample and the fitted distribution (0 = perfect). */
  ks: number;
}

export function fitLognormal(values: readonly number[]): LognormalFit | undefined {
  const logs = values.filter((v) => Number.isFinite(v)).map((v) => Math.log(Math.max(FLOOR_S, v)));
  const n = logs.length;
  if (n < 2) return undefined;
  const mu = logs.reduce((a, b) => a + b, 0) / n;
  const sigma2 = logs.reduce((a, b) => a + (b - mu) ** 2, 0) / n;
  const sigma = Math.sqrt(sigma2);
  const mean = Math.exp(mu + sigma2 / 2);
  const sd = mean * Math.sqrt(Math.expm1(sigma2));
  // KS distance on the logs against Normal(mu, sigma).
  const sorted = [...logs].sort((a, b) => a - b);
  let ks = 0;
  if (sigma > 0) {
    sorted.forEach((x, i) => {
      const cdf = normalCdf((x - mu) / sigma);
      ks = Math.max(ks, Math.abs(cdf - i / n), Math.abs((i + 1) / n - cdf));
    });
  }
  return { kind: "lognormal", mean, sd, mu, sigma, n, ks };
}

/** Standard normal CDF (Abramowitz & Stegun 7.1.26 for erf; absolute error below 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Rounds to `digits` significant decimals for a readable file (0.123456 → 0.1235). */
export function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
