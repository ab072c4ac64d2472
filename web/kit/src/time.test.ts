import { describe, expect, it } from 'vitest';
import {
  addDays,
  businessDay,
  businessDayRange,
  describeDay,
  formatClock,
  formatCountdown,
  formatDay,
  formatFullDateTime,
  formatShortDateTime,
  isoWeekday,
  formatDateTime,
  formatSlot,
  nextBusinessDays,
} from './time';

describe('business time (Asia/Shanghai) on a phone set to New York', () => {
  it('bounds a Shanghai day by its local midnights', () => {
    expect(businessDayRange('2025-11-28')).toEqual({
      from: '2025-11-27T16:00:00.000Z',
      to: '2025-11-28T16:00:00.000Z',
    });
  });

  it('puts an instant on its Shanghai calendar day', () => {
    expect(businessDay('2025-11-27T15:59:59Z')).toBe('2025-11-27');
    expect(businessDay('2025-11-27T16:00:00Z')).toBe('2025-11-28');
  });

  it('counts days from Shanghai today, across a month end', () => {
    // 01:00 on 30 Nov in Shanghai is still 29 Nov in New York.
    expect(nextBusinessDays(3, new Date('2025-11-29T17:00:00Z'))).toEqual([
      '2025-11-30',
      '2025-12-01',
      '2025-12-02',
    ]);
  });

  it('shows clock times in Shanghai', () => {
    expect(formatClock('2025-11-28T01:00:00Z')).toBe('09:00');
    expect(formatClock('2025-11-28T16:30:00Z')).toBe('00:30');
  });

  it('names the day in the reader’s language', () => {
    expect(describeDay('2025-11-28', 'zh-CN')).toEqual({ weekday: '周五', date: '11月28日' });
    expect(describeDay('2025-11-28', 'en')).toEqual({ weekday: 'Fri', date: 'Nov 28' });
  });

  it('writes a slot and an instant with their Shanghai day', () => {
    expect(formatSlot('2025-11-28T01:00:00Z', '2025-11-28T03:00:00Z', 'zh-CN')).toBe(
      '11月28日 周五 09:00–11:00',
    );
    expect(formatSlot('2025-11-28T01:00:00Z', '2025-11-28T03:00:00Z', 'en')).toBe(
      'Fri, Nov 28 09:00–11:00',
    );
    // 17:05 on 27 Nov in New York is already 06:05 on 28 Nov in Shanghai.
    expect(formatDateTime('2025-11-27T22:05:00Z', 'zh-CN')).toBe('11月28日 06:05');
  });
});

describe('back-office time (the test runs in New York)', () => {
  it('reads stamps in Shanghai', () => {
    // 2025-05-19 17:30 UTC is 2025-05-20 01:30 in Shanghai and 13:30 the day before in New York.
    expect(formatFullDateTime('2025-05-19T17:30:00Z')).toBe('2025/05/20 01:30');
    expect(formatFullDateTime(null)).toBe('—');
    expect(formatShortDateTime('2025-05-19T17:30:00Z')).toBe('05/20 01:30');
    expect(formatDay('2025-05-20', 'zh-CN')).toBe('5月20日周二');
  });

  it('bounds several business days for the API', () => {
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
