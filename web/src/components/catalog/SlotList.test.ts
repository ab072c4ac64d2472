// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { Slot } from '../../composables/useCatalog';
import { mountInApp } from '../../testing/mount';
import SlotList from './SlotList.vue';

const slot = (id: string, hour: number, remaining: number, bookable: boolean): Slot =>
  ({
    id,
    startsAt: `2026-12-01T${String(hour - 8).padStart(2, '0')}:00:00.000Z`,
    endsAt: `2026-12-01T${String(hour - 6).padStart(2, '0')}:00:00.000Z`,
    capacity: 2,
    remaining,
    bookable,
  }) as Slot;

const slots = [slot('open', 9, 2, true), slot('full', 11, 0, false), slot('closed', 14, 1, false)];

describe('<SlotList>', () => {
  it('disables sold-out and closed slots and says why; an open one shows what is left', () => {
    const wrapper = mountInApp(SlotList, { props: { slots, modelValue: null } });
    const [open, full, closed] = wrapper.findAll('[data-testid="slot"]');
    expect(open!.attributes('disabled')).toBeUndefined();
    expect(open!.text()).toBe('09:00–11:00剩余 2');
    expect(full!.attributes('disabled')).toBeDefined();
    expect(full!.text()).toContain('已约满');
    expect(full!.attributes('aria-label')).toBe('11:00–13:00，已约满');
    expect(closed!.attributes('disabled')).toBeDefined();
    expect(closed!.text()).toContain('已截止');
  });

  it('selects an open slot and ignores taps on a disabled one', async () => {
    const wrapper = mountInApp(SlotList, { props: { slots, modelValue: null } });
    const [open, full] = wrapper.findAll('[data-testid="slot"]');
    await full!.trigger('click');
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    await open!.trigger('click');
    expect(wrapper.emitted('update:modelValue')).toEqual([['open']]);
    await wrapper.setProps({ modelValue: 'open' });
    expect(open!.attributes('aria-checked')).toBe('true');
    expect(full!.attributes('aria-checked')).toBe('false');
  });
});
