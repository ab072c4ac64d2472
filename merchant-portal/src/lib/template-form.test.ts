import { describe, expect, it } from 'vitest';
import { defaultTemplate, readTemplateForm, slotsPerWeek } from './template-form';

const SERVICE = '6f1c2a3b-1111-4222-8333-444455556666';

describe('the weekly template form', () => {
  it('starts tomorrow with weekdays and two windows, and reads as the API input', () => {
    const form = defaultTemplate('2025-05-20');
    expect(form.startDate).toBe('2025-05-21');
    expect(slotsPerWeek(form)).toBe(10);
    expect(readTemplateForm(SERVICE, { ...form, weekdays: [5, 1] }).input).toMatchObject({
      serviceId: SERVICE,
      weekdays: [1, 5],
      weeks: 2,
    });
  });

  it('points at the range that is wrong, and at overlapping ranges', () => {
    const form = defaultTemplate('2025-05-20');
    const reversed = readTemplateForm(SERVICE, {
      ...form,
      ranges: [form.ranges[0]!, { start: '16:00', end: '15:00', capacity: 0 }],
    });
    expect([...(reversed.invalid ?? [])].sort()).toEqual(['ranges.1.capacity', 'ranges.1.end']);
    const overlap = readTemplateForm(SERVICE, {
      ...form,
      ranges: [
        { start: '09:00', end: '11:00', capacity: 1 },
        { start: '10:30', end: '12:00', capacity: 1 },
      ],
    });
    expect([...(overlap.invalid ?? [])]).toEqual(['ranges']);
    expect(readTemplateForm(SERVICE, { ...form, weekdays: [], weeks: 9 }).invalid).toEqual(
      new Set(['weekdays', 'weeks']),
    );
  });
});
