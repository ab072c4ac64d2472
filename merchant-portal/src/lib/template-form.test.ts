import { describe, expect, it } from 'vitest';
import {
  defaultTemplate,
  readTemplateForm,
  slotsPerWeek,
  templateFromSlots,
} from './template-form';

const SERVICE = '6f1c2a3b-1111-4222-8333-444455556666';

describe('the weekly template form', () => {
  it('starts tomorrow with every day and two windows, and reads as the API input', () => {
    const form = defaultTemplate('2025-05-20');
    expect(form.startDate).toBe('2025-05-21');
    expect(form.weekdays).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(slotsPerWeek(form)).toBe(14);
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

  it("repeats the shop's existing days and windows, in Shanghai time", () => {
    // 2025-05-24 is a Saturday, 2025-05-26 a Monday; 01:00Z is 09:00 in Shanghai.
    const slot = (day: string, start: string, end: string, capacity: number) => ({
      startsAt: new Date(`${day}T${start}:00+08:00`).toISOString(),
      endsAt: new Date(`${day}T${end}:00+08:00`).toISOString(),
      capacity,
    });
    const form = templateFromSlots(
      [
        slot('2025-05-24', '09:00', '11:00', 3),
        slot('2025-05-26', '09:00', '11:00', 3),
        slot('2025-05-31', '09:00', '11:00', 2),
        slot('2025-05-26', '14:00', '17:00', 1),
        // Overlaps the more frequent 09:00–11:00: left out.
        slot('2025-05-26', '10:00', '12:00', 1),
      ],
      '2025-05-20',
    );
    expect(form).toMatchObject({
      weekdays: [1, 6],
      ranges: [
        { start: '09:00', end: '11:00', capacity: 3 },
        { start: '14:00', end: '17:00', capacity: 1 },
      ],
      startDate: '2025-05-21',
    });
    expect(readTemplateForm(SERVICE, form!).invalid).toBeUndefined();
    expect(templateFromSlots([], '2025-05-20')).toBeNull();
  });
});
