/**
 * Krippendorff's alpha for one units × coders matrix, missing ratings allowed.
 *
 * Follows Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability":
 * - only units with at least 2 values are pairable; units with 0 or 1 value are ignored;
 * - the coincidence matrix o[c][k] counts, in each unit u with m_u values, every ordered pair of
 *   values (c, k) from different coders, weighted 1 / (m_u − 1), so each pairable value counts once;
 * - n_c = Σ_k o[c][k] are the marginals and n = Σ_c n_c the number of pairable values;
 * - alpha = 1 − D_o / D_e = 1 − (n − 1) · Σ o[c][k] δ²(c,k) / Σ n_c n_k δ²(c,k).
 *
 * Alpha is undefined, and returned as null with a reason rather than NaN, when there is no pairable
 * value, or when every pairable value is the same (expected disagreement 0: nothing to disagree on).
 */

/** One row per unit, one column per coder; null is a missing rating. Only the values per unit matter. */
export type RatingMatrix = ReadonlyArray<ReadonlyArray<number | null>>;

export type AlphaMetric = "nominal" | "ordinal" | "interval" | "ratio";

export type AlphaUndefinedReason = "no_pairable_values" | "zero_expected_disagreement";

export type AlphaResult =
  | {
      alpha: number;
      reason: null;
      /** n: values in units with at least 2 values. */
      pairableValues: number;
      observedDisagreement: number;
      expectedDisagreement: number;
    }
  | { alpha: null; reason: AlphaUndefinedReason; pairableValues: number };

export function krippendorffAlpha(ratings: RatingMatrix, metric: AlphaMetric): AlphaResult {
  const units = pairableUnits(ratings, metric);
  const values = distinctSorted(units);
  const coincidences = coincidenceMatrix(units, values);
  // n_c = Σ_k o[c][k] is exactly the count of c among pairable values; counting avoids summing
  // fractions like 1/3, so n and the marginals are exact integers.
  const marginals = valueCounts(units, values);
  const pairableValues = sum(marginals);

  if (pairableValues === 0) return { alpha: null, reason: "no_pairable_values", pairableValues };
  // A single distinct value makes every δ² zero, so D_e = 0 and alpha = 0/0.
  if (values.length < 2) return { alpha: null, reason: "zero_expected_disagreement", pairableValues };

  const delta2 = differenceFunction(metric, values, marginals);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < values.length; c++) {
    for (let k = 0; k < values.length; k++) {
      const d = delta2(c, k);
      observed += (coincidences[c]?.[k] ?? 0) * d;
      expected += (marginals[c] ?? 0) * (marginals[k] ?? 0) * d;
    }
  }
  const observedDisagreement = observed / pairableValues;
  const expectedDisagreement = expected / (pairableValues * (pairableValues - 1));
  return {
    alpha: 1 - observedDisagreement / expectedDisagreement,
    reason: null,
    pairableValues,
    observedDisagreement,
    expectedDisagreement,
  };
}

/** The non-missing values of each unit that has at least 2 of them; rejects values the metric cannot take. */
function pairableUnits(ratings: RatingMatrix, metric: AlphaMetric): number[][] {
  const units: number[][] = [];
  for (const [unitIndex, row] of ratings.entries()) {
    const present: number[] = [];
    for (const value of row) {
      if (value === null) continue;
      if (!Number.isFinite(value)) {
        throw new RangeError(
          `unit ${unitIndex}: rating ${value} is not a finite number (use null for missing)`,
        );
      }
      // Ratio distances (c − k)/(c + k) assume an absolute zero; negative values have no meaning there.
      if (metric === "ratio" && value < 0) {
        throw new RangeError(`unit ${unitIndex}: ratio metric needs values >= 0, got ${value}`);
      }
      present.push(value);
    }
    if (present.length >= 2) units.push(present);
  }
  return units;
}

function distinctSorted(units: readonly number[][]): number[] {
  return [...new Set(units.flat())].sort((a, b) => a - b);
}

function valueCounts(units: readonly number[][], values: readonly number[]): number[] {
  const indexOf = new Map(values.map((value, index) => [value, index]));
  const counts = values.map(() => 0);
  for (const value of units.flat()) {
    const index = indexOf.get(value) as number;
    counts[index] = (counts[index] ?? 0) + 1;
  }
  return counts;
}

function coincidenceMatrix(units: readonly number[][], values: readonly number[]): number[][] {
  const indexOf = new Map(values.map((value, index) => [value, index]));
  const matrix = values.map(() => values.map(() => 0));
  for (const unit of units) {
    const weight = 1 / (unit.length - 1);
    for (let i = 0; i < unit.length; i++) {
      for (let j = 0; j < unit.length; j++) {
        if (i === j) continue; // pairs of values from different coders only
        const row = matrix[indexOf.get(unit[i] as number) as number] as number[];
        const column = indexOf.get(unit[j] as number) as number;
        row[column] = (row[column] ?? 0) + weight;
      }
    }
  }
  return matrix;
}

/** δ²(c, k) over indices into the sorted distinct values, per Krippendorff (2011) section C. */
function differenceFunction(
  metric: AlphaMetric,
  values: readonly number[],
  marginals: readonly number[],
): (c: number, k: number) => number {
  const value = (index: number) => values[index] as number;
  switch (metric) {
    case "nominal":
      return (c, k) => (c === k ? 0 : 1);
    case "interval":
      return (c, k) => (value(c) - value(k)) ** 2;
    case "ratio":
      return (c, k) => {
        const total = value(c) + value(k);
        // Both values 0: identical, no disagreement (avoids 0/0).
        return total === 0 ? 0 : ((value(c) - value(k)) / total) ** 2;
      };
    case "ordinal": {
      // Ordinal distance depends on how many pairable values lie between c and k, not on the labels:
      // δ² = (Σ_{g=c..k} n_g − (n_c + n_k)/2)². Prefix sums make each lookup O(1).
      const cumulative = [0];
      for (const n of marginals) cumulative.push((cumulative.at(-1) as number) + n);
      return (c, k) => {
        const low = Math.min(c, k);
        const high = Math.max(c, k);
        const between = (cumulative[high + 1] as number) - (cumulative[low] as number);
        return (between - ((marginals[low] as number) + (marginals[high] as number)) / 2) ** 2;
      };
    }
  }
}

function sum(numbers: readonly number[]): number {
  let total = 0;
  for (const n of numbers) total += n;
  return total;
}
