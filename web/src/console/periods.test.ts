import { describe, expect, it } from 'vitest';
import { periodShortcuts } from './useConsole';

describe('periodShortcuts', () => {
  it('counts business days in Shanghai, weeks from Monday', () => {
    // Sunday 2026-11-29 17:30 UTC is already Monday 2026-11-30 01:30 in Shanghai.
    expect(periodShortcuts(new Date('2026-11-29T17:30:00Z'))).toEqual({
      today: ['2026-11-30', '2026-11-30'],
      week: ['2026-11-30', '2026-11-30'],
      month: ['2026-11-01', '2026-11-30'],
      lastMonth: ['2026-10-01', '2026-10-31'],
      last30: ['2026-11-01', '2026-11-30'],
    });
  });

  it('takes last month across a year end and a short February', () => {
    expect(periodShortcuts(new Date('2027-01-15T04:00:00Z')).lastMonth).toEqual([
      '2026-12-01',
      '2026-12-31',
    ]);
    expect(periodShortcuts(new Date('2028-03-02T04:00:00Z')).lastMonth).toEqual([
      '2028-02-01',
      '2028-02-29',
    ]);
    // Thursday 2026-11-26: the week began on Monday the 23rd.
    expect(periodShortcuts(new Date('2026-11-26T04:00:00Z')).week).toEqual([
      '2026-11-23',
      '2026-11-26',
    ]);
  });
});
