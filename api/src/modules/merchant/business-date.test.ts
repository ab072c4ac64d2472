import { describe, expect, it } from 'vitest';
import { addDays, businessDateOf, businessDayStart } from './business-date';

describe('business dates', () => {
  it('reads the calendar day in the business zone, not the machine zone', () => {
    // 16:30 UTC is already past midnight in Shanghai.
    const instant = new Date('2025-03-09T16:30:00Z');
    expect(businessDateOf(instant, 'Asia/Shanghai')).toBe('2025-03-10');
    expect(businessDateOf(instant, 'America/New_York')).toBe('2025-03-09');
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-10', -10)).toBe('2025-02-28');
    expect(() => addDays('tomorrow', 1)).toThrow(RangeError);
  });
});

describe('businessDayStart', () => {
  it('is local midnight of the day, in UTC', () => {
    expect(businessDayStart('2026-11-30', 'Asia/Shanghai').toISOString()).toBe(
      '2026-11-29T16:00:00.000Z',
    );
    expect(businessDayStart('2026-03-29', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-28T23:00:00.000Z',
    );
    expect(businessDayStart('2026-03-30', 'Europe/Berlin').toISOString()).toBe(
      '2026-03-29T22:00:00.000Z',
    );
    expect(businessDateOf(businessDayStart('2026-01-01', 'Asia/Shanghai'), 'Asia/Shanghai')).toBe(
      '2026-01-01',
    );
  });
});
