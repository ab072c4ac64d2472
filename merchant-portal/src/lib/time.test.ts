import { describe, expect, it } from 'vitest';
import {
  addDays,
  businessDay,
  businessDayRange,
  formatClock,
  formatCountdown,
  formatDateTime,
  formatDay,
  formatShortDateTime,
  formatSlot,
  isoWeekday,
} from './time';

describe('business time (the test runs in New York)', () => {
  it('reads days and clocks in Shanghai', () => {
    // 2025-05-19 17:30 UTC is 2025-05-20 01:30 in Shanghai and 13:30 the day before in New York.
    expect(businessDay('2025-05-19T17:30:00Z')).toBe('2025-05-20');
    expect(formatClock('2025-05-19T17:30:00Z')).toBe('01:30');
    expect(formatDateTime('2025-05-19T17:30:00Z')).toBe('2025/05/20 01:30');
    expect(formatShortDateTime('2025-05-19T17:30:00Z')).toBe('05/20 01:30');
    expect(formatDay('2025-05-20', 'zh-CN')).toBe('5月20日周二');
    expect(formatSlot('2025-05-20T01:00:00Z', '2025-05-20T03:00:00Z', 'en')).toBe(
      'Tue, May 20 09:00–11:00',
    );
  });

  it('bounds business days for the API', () => {
    expect(businessDayRange('2025-05-20')).toEqual({
      from: '2025-05-19T16:00:00.000Z',
      to: '2025-05-20T16:00:00.000Z',
    });
    expect(businessDayRange('2025-05-20', '2025-05-26').to).toBe('2025-05-26T16:00:00.000Z');
    expect(() => businessDayRange('soon')).toThrow(RangeError);
  });

  it('does calendar arithmetic and ISO weekdays', () => {
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(isoWeekday('2025-05-19')).toBe(1);
    expect(isoWeekday('2025-05-25')).toBe(7);
  });

  it('counts down in minutes and seconds, hours when long', () => {
    expect(formatCountdown(14 * 60_000 + 5_400)).toBe('14:05');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(-5_000)).toBe('0:00');
  });
});
