import { describe, expect, it } from 'vitest';
import { formatFen, multiplyFen } from './money';

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
