import { describe, expect, it } from 'vitest';
import { formatBps, splitMinutes } from './policy';

describe('splitMinutes', () => {
  it('uses hours when they are whole', () => {
    expect(splitMinutes(240)).toEqual({ unit: 'hours', n: 4 });
    expect(splitMinutes(24 * 60)).toEqual({ unit: 'hours', n: 24 });
  });

  it('keeps minutes otherwise', () => {
    expect(splitMinutes(90)).toEqual({ unit: 'minutes', n: 90 });
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
