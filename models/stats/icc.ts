/**
 * Intraclass correlations of Shrout & Fleiss (1979) for a targets × judges matrix.
 *
 * Two-way ANOVA of n targets (rows) by k judges (columns), one rating per cell:
 * - BMS (between targets)  = k Σ_i (mean_i − grand)² / (n − 1)
 * - JMS (between judges)   = n Σ_j (mean_j − grand)² / (k − 1)
 * - EMS (residual / error) = (SS_total − SS_targets − SS_judges) / ((n − 1)(k − 1))
 * - WMS (within targets)   = (SS_total − SS_targets) / (n (k − 1))
 * and the six forms: ICC(1,1), ICC(2,1), ICC(3,1) for one judge's rating, ICC(1,k), ICC(2,k),
 * ICC(3,k) for the mean of the k judges. ICC(2,1) (judges a random sample, absolute agreement) is
 * the one the qa_calibration mart reports.
 *
 * Incomplete data rule (calibration sessions can miss ratings): the ANOVA needs a full matrix, so
 * 1. judges who rated no target at all are dropped first (an absent reviewer should not erase the
 *    session), then
 * 2. every target with any missing rating is dropped (listwise deletion).
 * With fewer than 2 targets or 2 judges left the ICCs are undefined: null with a reason.
 */

/** One row per target, one column per judge; null is a missing rating. */
export type RatingMatrix = ReadonlyArray<ReadonlyArray<number | null>>;

export interface MeanSquares {
  targets: number;
  judges: number;
  /** Between targets. */
  bms: number;
  /** Between judges. */
  jms: number;
  /** Residual (error). */
  ems: number;
  /** Within targets. */
  wms: number;
}

/** Each form is null when its denominator is zero (no variance of the kind it divides by). */
export interface IccForms {
  icc1_1: number | null;
  icc2_1: number | null;
  icc3_1: number | null;
  icc1_k: number | null;
  icc2_k: number | null;
  icc3_k: number | null;
}

export type IccUndefinedReason = "fewer_than_2_targets" | "fewer_than_2_judges";

interface CompleteCasesCounts {
  targetsUsed: number;
  targetsDropped: number;
  judgesUsed: number;
  judgesDropped: number;
}

export type IccResult =
  | ({ icc: IccForms; meanSquares: MeanSquares; reason: null } & CompleteCasesCounts)
  | ({ icc: null; meanSquares: null; reason: IccUndefinedReason } & CompleteCasesCounts);

export type Icc21Result =
  | { value: number; reason: null }
  | { value: null; reason: IccUndefinedReason | "zero_denominator" };

/** All six forms after applying the incomplete-data rule above. */
export function intraclassCorrelations(ratings: RatingMatrix): IccResult {
  const { complete, ...counts } = completeCases(ratings);
  // Judges first: the rule drops judges before targets, and with no judges every target is vacuously complete.
  if (counts.judgesUsed < 2)
    return { icc: null, meanSquares: null, reason: "fewer_than_2_judges", ...counts };
  if (counts.targetsUsed < 2)
    return { icc: null, meanSquares: null, reason: "fewer_than_2_targets", ...counts };
  const meanSquares = twoWayMeanSquares(complete);
  return { icc: iccFromMeanSquares(meanSquares), meanSquares, reason: null, ...counts };
}

/** ICC(2,1) alone, with the reason when it is undefined, as the qa_calibration mart stores it. */
export function icc21(ratings: RatingMatrix): Icc21Result {
  const result = intraclassCorrelations(ratings);
  if (result.reason !== null) return { value: null, reason: result.reason };
  const value = result.icc.icc2_1;
  return value === null ? { value: null, reason: "zero_denominator" } : { value, reason: null };
}

/** The incomplete-data rule: drop judges with no rating, then targets with any missing rating. */
export function completeCases(ratings: RatingMatrix): { complete: number[][] } & CompleteCasesCounts {
  const judgeCount = columnCount(ratings);
  const ratedJudges: number[] = [];
  for (let judge = 0; judge < judgeCount; judge++) {
    if (ratings.some((row) => row[judge] !== null)) ratedJudges.push(judge);
  }
  const complete: number[][] = [];
  for (const row of ratings) {
    const kept = ratedJudges.map((judge) => row[judge] as number | null);
    if (kept.every((value) => value !== null)) complete.push(kept as number[]);
  }
  return {
    complete,
    targetsUsed: complete.length,
    targetsDropped: ratings.length - complete.length,
    judgesUsed: ratedJudges.length,
    judgesDropped: judgeCount - ratedJudges.length,
  };
}

/** Mean squares of the two-way ANOVA; needs a complete matrix of at least 2 targets × 2 judges. */
export function twoWayMeanSquares(ratings: ReadonlyArray<ReadonlyArray<number>>): MeanSquares {
  const n = ratings.length;
  const k = ratings[0]?.length ?? 0;
  if (n < 2 || k < 2) throw new RangeError(`need at least 2 targets and 2 judges, got ${n} × ${k}`);
  for (const [target, row] of ratings.entries()) {
    if (row.length !== k) throw new RangeError(`target ${target} has ${row.length} ratings, expected ${k}`);
    if (!row.every(Number.isFinite)) throw new RangeError(`target ${target} has a rating that is not finite`);
  }
  // Centre on one rating so that identical ratings give exactly zero sums of squares, not rounding dust.
  const origin = ratings[0]?.[0] as number;
  const centred = ratings.map((row) => row.map((value) => value - origin));

  const grand = mean(centred.flat());
  const targetMeans = centred.map((row) => mean(row));
  const judgeMeans = Array.from({ length: k }, (_, judge) =>
    mean(centred.map((row) => row[judge] as number)),
  );

  const ssTotal = sumOfSquares(centred.flat(), grand);
  const ssTargets = k * sumOfSquares(targetMeans, grand);
  const ssJudges = n * sumOfSquares(judgeMeans, grand);
  // Clamp: the residual is a difference of sums and can come out a hair below zero.
  const ssError = Math.max(0, ssTotal - ssTargets - ssJudges);
  const ssWithin = Math.max(0, ssTotal - ssTargets);

  return {
    targets: n,
    judges: k,
    bms: ssTargets / (n - 1),
    jms: ssJudges / (k - 1),
    ems: ssError / ((n - 1) * (k - 1)),
    wms: ssWithin / (n * (k - 1)),
  };
}

/** Shrout & Fleiss (1979) Table 2 formulas (k judges, n targets). */
export function iccFromMeanSquares(meanSquares: MeanSquares): IccForms {
  const { targets: n, judges: k, bms, jms, ems, wms } = meanSquares;
  // Denominators are sums of mean squares; treat as zero anything within rounding of their scale.
  const scale = bms + jms + ems + wms;
  const ratio = (numerator: number, denominator: number): number | null =>
    Math.abs(denominator) <= 1e-12 * scale ? null : numerator / denominator;
  return {
    icc1_1: ratio(bms - wms, bms + (k - 1) * wms),
    icc2_1: ratio(bms - ems, bms + (k - 1) * ems + (k * (jms - ems)) / n),
    icc3_1: ratio(bms - ems, bms + (k - 1) * ems),
    icc1_k: ratio(bms - wms, bms),
    icc2_k: ratio(bms - ems, bms + (jms - ems) / n),
    icc3_k: ratio(bms - ems, bms),
  };
}

function columnCount(ratings: RatingMatrix): number {
  const count = ratings[0]?.length ?? 0;
  for (const [target, row] of ratings.entries()) {
    if (row.length !== count)
      throw new RangeError(`target ${target} has ${row.length} ratings, expected ${count}`);
    for (const value of row) {
      if (value !== null && !Number.isFinite(value)) {
        throw new RangeError(
          `target ${target}: rating ${value} is not a finite number (use null for missing)`,
        );
      }
    }
  }
  return count;
}

function mean(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total / values.length;
}

function sumOfSquares(values: readonly number[], centre: number): number {
  let total = 0;
  for (const value of values) total += (value - centre) ** 2;
  return total;
}
