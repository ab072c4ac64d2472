import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBps, bpsToPercentText, fenToYuanText } from './money';

describe('applyBps', () => {
  it('rounds half up', () => {
    expect(applyBps(1, 5000)).toBe(1); // 0.5 → 1
    expect(applyBps(1, 4999)).toBe(0);
    expect(applyBps(333, 3000)).toBe(100); // 99.9 → 100
    expect(applyBps(5, 3000)).toBe(2); // 1.5 → 2
    expect(applyBps(10_000, 2000)).toBe(2000);
  });

  it('stays within [0, amount] and is monotone in both arguments', () => {
    fc.assert(
      fc.property(fc.nat(10 ** 12), fc.integer({ min: 0, max: 10_000 }), (amount, bps) => {
        const share = applyBps(amount, bps);
        expect(Number.isInteger(share)).toBe(true);
        expect(share).toBeGreaterThanOrEqual(0);
        expect(share).toBeLessThanOrEqual(amount);
        expect(applyBps(amount + 1, bps)).toBeGreaterThanOrEqual(share);
        if (bps < 10_000) expect(applyBps(amount, bps + 1)).toBeGreaterThanOrEqual(share);
      }),
    );
  });

  it('refuses fractional, negative and unsafe amounts and out-of-range bps', () => {
    for (const [amount, bps] of [
      [1.5, 100],
      [-1, 100],
      [2 ** 53, 100],
      [100, -1],
      [100, 10_001],
      [100, 0.5],
    ]) {
      expect(() => applyBps(amount!, bps!)).toThrow(RangeError);
    }
  });
});

describe('fenToYuanText', () => {
  it('writes fen as exact yuan with two decimals', () => {
    expect(fenToYuanText(0)).toBe('0.00');
    expect(fenToYuanText(1)).toBe('0.01');
    expect(fenToYuanText(1250)).toBe('12.50');
    expect(fenToYuanText(-5)).toBe('-0.05');
    expect(fenToYuanText(-123_456)).toBe('-1234.56');
  });

  it('round-trips every integer amount exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 12), max: 10 ** 12 }), (fen) => {
        const [whole, cents] = fenToYuanText(fen).replace('-', '').split('.');
        const back = (Number(whole) * 100 + Number(cents)) * (fen < 0 ? -1 : 1);
        expect(back).toBe(fen);
      }),
    );
  });
});

describe('bpsToPercentText', () => {
  it('writes basis points as an exact percentage, without floating point', () => {
    expect(bpsToPercentText(3000)).toBe('30.00');
    expect(bpsToPercentText(1234)).toBe('12.34');
    expect(bpsToPercentText(5)).toBe('0.05');
    expect(bpsToPercentText(10_000)).toBe('100.00');
  });
});
