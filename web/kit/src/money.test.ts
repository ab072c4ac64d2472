import { describe, expect, it } from 'vitest';
import {
  bpsToPercentText,
  fenToYuanText,
  formatBps,
  formatChange,
  formatFen,
  multiplyFen,
  parsePercent,
  parseYuan,
} from './money';

describe('formatFen', () => {
  it.each([
    [1250, '¥12.50'],
    [5000, '¥50.00'],
    [39_900, '¥399.00'],
    [5, '¥0.05'],
    [0, '¥0.00'],
    [123_456_789, '¥1,234,567.89'],
    [-1250, '-¥12.50'],
  ])('%i fen is %s', (fen, text) => {
    expect(formatFen(fen)).toBe(text);
  });

  it('refuses amounts that are not whole fen', () => {
    expect(() => formatFen(12.5)).toThrow(RangeError);
  });
});

describe('multiplyFen', () => {
  it('multiplies exactly', () => {
    expect(multiplyFen(2800, 3)).toBe(8400);
  });

  it('refuses totals beyond safe integers', () => {
    expect(() => multiplyFen(Number.MAX_SAFE_INTEGER, 2)).toThrow(RangeError);
  });
});

describe('yuan and percentages in forms', () => {
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

  it('reads a trailing % sign', () => {
    expect(parsePercent('30%')).toBe(3000);
    expect(formatBps(1250)).toBe('12.5%');
    expect(fenToYuanText(-300)).toBe('-3.00');
  });

  it('says a month-on-month change with one decimal', () => {
    expect(formatChange(11_250, 10_000)).toBe('+12.5%');
    expect(formatChange(9_000, 10_000)).toBe('-10.0%');
    expect(formatChange(10_000, 10_000)).toBe('0.0%');
    expect(formatChange(5_000, 0)).toBeNull();
  });
});

describe('formatBps', () => {
  it.each([
    [2000, '20%'],
    [2550, '25.5%'],
    [2505, '25.05%'],
    [5, '0.05%'],
    [0, '0%'],
    [10_000, '100%'],
  ])('%i bps is %s', (bps, text) => {
    expect(formatBps(bps)).toBe(text);
  });
});
