import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { split } from './split';

const fen = fc.integer({ min: 0, max: 10 ** 11 });
const bps = fc.integer({ min: 0, max: 10_000 });

describe('split', () => {
  it('gives 70/30 by default with half-up rounding to the platform', () => {
    expect(split(10_000, 3000)).toEqual({ merchantFen: 7000, platformFen: 3000 });
    expect(split(5, 3000)).toEqual({ merchantFen: 3, platformFen: 2 }); // 1.5 → 2
    expect(split(1, 3000)).toEqual({ merchantFen: 1, platformFen: 0 }); // 0.3 → 0
    expect(split(0, 3000)).toEqual({ merchantFen: 0, platformFen: 0 });
  });

  it('always adds up to the net, never negative', () => {
    fc.assert(
      fc.property(fen, bps, (net, b) => {
        const s = split(net, b);
        expect(s.merchantFen + s.platformFen).toBe(net);
        expect(s.merchantFen).toBeGreaterThanOrEqual(0);
        expect(s.platformFen).toBeGreaterThanOrEqual(0);
        expect(Number.isInteger(s.merchantFen) && Number.isInteger(s.platformFen)).toBe(true);
      }),
    );
  });

  it('is monotone: more net never means less for either side', () => {
    fc.assert(
      fc.property(fen, bps, (net, b) => {
        const a = split(net, b);
        const more = split(net + 1, b);
        expect(more.platformFen).toBeGreaterThanOrEqual(a.platformFen);
        expect(more.merchantFen).toBeGreaterThanOrEqual(a.merchantFen);
      }),
    );
  });

  it('two partial refunds move the shares exactly as one refund of their sum', () => {
    fc.assert(
      fc.property(fen, fen, fen, bps, (total, r1raw, r2raw, b) => {
        const r1 = total ? r1raw % (total + 1) : 0;
        const r2 = total - r1 ? r2raw % (total - r1 + 1) : 0;
        // Shares are recomputed from the new net after each refund; deltas are posted.
        const before = split(total, b);
        const afterFirst = split(total - r1, b);
        const afterBoth = split(total - r1 - r2, b);
        const stepwiseDelta =
          before.merchantFen -
          afterFirst.merchantFen +
          (afterFirst.merchantFen - afterBoth.merchantFen);
        const oneShot = split(total - (r1 + r2), b);
        expect(afterBoth).toEqual(oneShot);
        expect(stepwiseDelta).toBe(before.merchantFen - oneShot.merchantFen);
        // Every refunded fen is taken from exactly one side.
        expect(
          before.merchantFen - afterBoth.merchantFen + (before.platformFen - afterBoth.platformFen),
        ).toBe(r1 + r2);
      }),
    );
  });
});
