/**
 * Satisfaction (SPEC §12): the mean of residents' own ratings. Default ratings (系统默认好评) are
 * counted apart and never enter the mean. Pure, so the KPI query and the tests share one rule.
 */

/** The seed's target, on a 1–5 scale. */
export const SATISFACTION_TARGET = 4.8;

/** The formula shown beside every satisfaction figure. */
export const SATISFACTION_FORMULA =
  '满意度 = 住户本人评分之和 ÷ 住户本人评分条数（系统默认好评不计入）';

export interface RatingRow {
  rating: number;
  automatic: boolean;
}

export interface Satisfaction {
  /** Mean of residents' own ratings to two decimals; null when there is none. */
  score: number | null;
  /** How many residents' own ratings the score is the mean of. */
  count: number;
  /** Default ratings in the same period, counted apart. */
  defaultCount: number;
}

/** Two decimals, half up, from the exact sum and count (no float drift from adding means). */
export function roundedMean(sum: number, count: number): number | null {
  if (count === 0) return null;
  return Math.round((sum * 100) / count) / 100;
}

export function satisfactionOf(ratings: readonly RatingRow[]): Satisfaction {
  let sum = 0;
  let count = 0;
  let defaultCount = 0;
  for (const r of ratings) {
    if (r.automatic) defaultCount++;
    else {
      sum += r.rating;
      count++;
    }
  }
  return { score: roundedMean(sum, count), count, defaultCount };
}
