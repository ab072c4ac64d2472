import type { RouterInputs } from '@cgp/api/client';
import { slotTemplateInput } from './schemas';
import { addDays } from '@cgp/kit/time';
import { invalidPaths } from './validation';

export type SlotTemplate = RouterInputs['merchant']['schedule']['applyTemplate'];

export interface TemplateForm {
  weekdays: number[];
  ranges: { start: string; end: string; capacity: number }[];
  weeks: number;
  startDate: string;
}

export function defaultTemplate(today: string): TemplateForm {
  return {
    weekdays: [1, 2, 3, 4, 5],
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
