import type { RouterInputs } from '@cgp/api/client';
import { slotTemplateInput } from './schemas';
import { addDays, businessDay, formatClock, isoWeekday } from '@cgp/kit/time';
import { invalidPaths } from './validation';

export type SlotTemplate = RouterInputs['merchant']['schedule']['applyTemplate'];

export interface TemplateForm {
  weekdays: number[];
  ranges: { start: string; end: string; capacity: number }[];
  weeks: number;
  startDate: string;
}

/** A shop with no slots yet: every day of the week (small shops work weekends too), two windows. */
export function defaultTemplate(today: string): TemplateForm {
  return {
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    ranges: [
      { start: '09:00', end: '11:00', capacity: 2 },
      { start: '14:00', end: '16:00', capacity: 2 },
    ],
    weeks: 2,
    startDate: addDays(today, 1),
  };
}

/**
 * The template the form describes, checked by the API's schema; or the invalid paths
 * (`weekdays`, `ranges` for overlaps, `ranges.1.end` …).
 */
export function readTemplateForm(
  serviceId: string,
  form: TemplateForm,
): { input: SlotTemplate; invalid?: undefined } | { input?: undefined; invalid: Set<string> } {
  const input: SlotTemplate = {
    serviceId,
    weekdays: [...form.weekdays].sort(),
    ranges: form.ranges.map((r) => ({ ...r })),
    weeks: form.weeks,
    startDate: form.startDate,
  };
  const invalid = invalidPaths(slotTemplateInput, input);
  return invalid.size ? { invalid } : { input };
}

/** Slots a template makes before any already there are skipped: a quick count for the form. */
export function slotsPerWeek(form: TemplateForm): number {
  return form.weekdays.length * form.ranges.length;
}

type Range = TemplateForm['ranges'][number];

/** The value seen most often (the first seen on a tie). */
function mostCommon<T>(values: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/**
 * The template that repeats the shop's existing pattern: the weekdays its slots fall on and its
 * time windows (in business time), each with the capacity it usually has. Windows that overlap a
 * more frequent one are left out, as a template may not overlap. Null when there are no slots.
 */
export function templateFromSlots(
  slots: readonly { startsAt: string; endsAt: string; capacity: number }[],
  today: string,
): TemplateForm | null {
  if (slots.length === 0) return null;
  const weekdays = [...new Set(slots.map((s) => isoWeekday(businessDay(s.startsAt))))].sort();
  const byWindow = new Map<string, number[]>();
  for (const s of slots) {
    const end = formatClock(s.endsAt);
    // A window running past midnight cannot be a template range (it must end after it starts).
    const start = formatClock(s.startsAt);
    if (end <= start) continue;
    const key = `${start}-${end}`;
    byWindow.set(key, [...(byWindow.get(key) ?? []), s.capacity]);
  }
  const ranges: Range[] = [];
  const frequent = [...byWindow].sort((a, b) => b[1].length - a[1].length);
  for (const [key, capacities] of frequent) {
    const [start, end] = key.split('-') as [string, string];
    if (ranges.some((r) => start < r.end && r.start < end)) continue;
    ranges.push({ start, end, capacity: mostCommon(capacities) ?? 1 });
  }
  if (ranges.length === 0) return null;
  ranges.sort((a, b) => a.start.localeCompare(b.start));
  return { ...defaultTemplate(today), weekdays, ranges: ranges.slice(0, 24) };
}
