import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callbackQuota, drawCallbackSample, type ServedHousehold } from './callback-sample';

const uuidish = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** Households 0..n-1, each served one to three orders by merchants 0..m-1. */
const householdsArb = fc
  .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 400 }))
  .chain(([merchants, n]) =>
    fc.tuple(
      fc.constant(merchants),
      fc.array(
        fc.array(fc.integer({ min: 0, max: merchants - 1 }), { minLength: 1, maxLength: 3 }),
        {
          minLength: n,
          maxLength: n,
        },
      ),
    ),
  )
  .map(([, served]) =>
    served.map<ServedHousehold>((ms, i) => ({
      unitId: uuidish(i),
      orders: ms.map((m, j) => ({ orderId: uuidish(100_000 + i * 10 + j), merchantId: `m${m}` })),
    })),
  );

describe('drawCallbackSample', () => {
  it('picks ceil(15%) of the households, each once, and covers every merchant served', () => {
    fc.assert(
      fc.property(householdsArb, fc.integer(), (households, seed) => {
        const sample = drawCallbackSample(households, seed);
        const merchants = new Set(households.flatMap((h) => h.orders.map((o) => o.merchantId)));
        expect(new Set(sample.map((p) => p.unitId)).size).toBe(sample.length);
        const quota = callbackQuota(households.length);
        expect(sample.length).toBeGreaterThanOrEqual(quota);
        expect(sample.length).toBeLessThanOrEqual(Math.max(quota, merchants.size));
        for (const m of merchants) {
          const served = households.filter((h) => h.orders.some((o) => o.merchantId === m));
          expect(sample.some((p) => served.some((h) => h.unitId === p.unitId))).toBe(true);
        }
        for (const p of sample) {
          const h = households.find((x) => x.unitId === p.unitId)!;
          expect(h.orders).toContainEqual({ orderId: p.orderId, merchantId: p.merchantId });
        }
      }),
    );
  });

  it('is exactly ceil(15%) whenever the quota is at least the number of merchants', () => {
    fc.assert(
      fc.property(householdsArb, fc.integer(), (households, seed) => {
        const merchants = new Set(households.flatMap((h) => h.orders.map((o) => o.merchantId)));
        fc.pre(callbackQuota(households.length) >= merchants.size);
        expect(drawCallbackSample(households, seed)).toHaveLength(callbackQuota(households.length));
      }),
    );
  });

  it('draws the same sample from the same seed, whatever order the households come in', () => {
    fc.assert(
      fc.property(householdsArb, fc.integer(), (households, seed) => {
        const shuffled = [...households].reverse();
        expect(drawCallbackSample(shuffled, seed)).toEqual(drawCallbackSample(households, seed));
      }),
    );
  });

  it('draws different samples from different seeds', () => {
    const households = Array.from({ length: 1000 }, (_, i) => ({
      unitId: uuidish(i),
      orders: [{ orderId: uuidish(10_000 + i), merchantId: `m${i % 3}` }],
    }));
    const a = drawCallbackSample(households, 1).map((p) => p.unitId);
    const b = drawCallbackSample(households, 2).map((p) => p.unitId);
    expect(a).toHaveLength(150);
    expect(a).not.toEqual(b);
  });

  it('rounds the quota up, in integers', () => {
    expect([0, 1, 6, 7, 20, 100, 1000, 1001].map(callbackQuota)).toEqual([
      0, 1, 1, 2, 3, 15, 150, 151,
    ]);
  });
});
