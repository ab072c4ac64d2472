import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { satisfactionOf } from './satisfaction';

const rating = fc.record({ rating: fc.integer({ min: 1, max: 5 }), automatic: fc.boolean() });

describe('satisfactionOf', () => {
  it('is the mean of residents’ own ratings to two decimals; default ratings are only counted', () => {
    fc.assert(
      fc.property(fc.array(rating, { maxLength: 300 }), (ratings) => {
        const own = ratings.filter((r) => !r.automatic).map((r) => r.rating);
        const result = satisfactionOf(ratings);
        expect(result.count).toBe(own.length);
        expect(result.defaultCount).toBe(ratings.length - own.length);
        if (own.length === 0) {
          expect(result.score).toBeNull();
        } else {
          const mean = own.reduce((a, b) => a + b, 0) / own.length;
          expect(Math.abs(result.score! - mean)).toBeLessThanOrEqual(0.005 + 1e-9);
          expect(result.score).toBeGreaterThanOrEqual(1);
          expect(result.score).toBeLessThanOrEqual(5);
        }
      }),
    );
  });

  it('does not move when default ratings are added', () => {
    fc.assert(
      fc.property(fc.array(rating), fc.array(fc.integer({ min: 1, max: 5 })), (ratings, extra) => {
        const withDefaults = [...ratings, ...extra.map((r) => ({ rating: r, automatic: true }))];
        expect(satisfactionOf(withDefaults).score).toBe(satisfactionOf(ratings).score);
      }),
    );
  });

  it('has no score for an empty month, even one with only default ratings', () => {
    expect(satisfactionOf([])).toEqual({ score: null, count: 0, defaultCount: 0 });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1 }), (stars) => {
        const only = satisfactionOf(stars.map((r) => ({ rating: r, automatic: true })));
        expect(only).toEqual({ score: null, count: 0, defaultCount: stars.length });
      }),
    );
  });

  it('is the rating itself for a single rating', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), (r) => {
        expect(satisfactionOf([{ rating: r, automatic: false }])).toEqual({
          score: r,
          count: 1,
          defaultCount: 0,
        });
      }),
    );
  });

  it('rounds half up at the second decimal', () => {
    // 4 + 5 + 5 + 5 + 5 + 5 + 5 + 5 = 39 over 8 = 4.875 → 4.88
    const r = [4, 5, 5, 5, 5, 5, 5, 5].map((x) => ({ rating: x, automatic: false }));
    expect(satisfactionOf(r).score).toBe(4.88);
  });
});
