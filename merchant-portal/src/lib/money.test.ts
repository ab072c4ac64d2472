import { describe, expect, it } from 'vitest';
import { bpsToPercentText, fenToYuanText, formatFen, parsePercent, parseYuan } from './money';

describe('money', () => {
  it('formats integer fen as yuan', () => {
    expect(formatFen(0)).toBe('¥0.00');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(39_900)).toBe('¥399.00');
    expect(formatFen(123_456_789)).toBe('¥1,234,567.89');
    expect(formatFen(-300)).toBe('-¥3.00');
    expect(() => formatFen(1.5)).toThrow(RangeError);
  });

  it('reads yuan typed in a form without float rounding', () => {
    expect(parseYuan('50')).toBe(5000);
    expect(parseYuan(' 12.5 ')).toBe(1250);
    expect(parseYuan('0.07')).toBe(7);
    expect(parseYuan('19.99')).toBe(1999); // 19.99 * 100 is 1998.9999… in floating point
    for (const bad of ['', '-1', '1.234', '1e3', '¥5', 'abc', '1,000']) {
      expect(parseYuan(bad)).toBeNull();
    }
    expect(parseYuan(fenToYuanText(123_456))).toBe(123_456);
  });

  it('converts between basis points and a percentage', () => {
    expect(bpsToPercentText(2000)).toBe('20');
    expect(bpsToPercentText(1250)).toBe('12.5');
    expect(bpsToPercentText(5)).toBe('0.05');
    expect(parsePercent('20')).toBe(2000);
    expect(parsePercent('0.05')).toBe(5);
    expect(parsePercent('100')).toBe(10_000);
    expect(parsePercent('12.345')).toBeNull();
    for (const bps of [0, 1, 99, 2500, 10_000])
      expect(parsePercent(bpsToPercentText(bps))).toBe(bps);
  });
});
