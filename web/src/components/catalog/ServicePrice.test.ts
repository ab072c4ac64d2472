// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mountInApp } from '../../testing/mount';
import ServicePrice from './ServicePrice.vue';

describe('<ServicePrice>', () => {
  it('shows integer fen as yuan with the pricing unit, in Chinese and in English', () => {
    expect(mountInApp(ServicePrice, { props: { priceFen: 5000, unit: 'per_hour' } }).text()).toBe(
      '¥50.00/小时',
    );
    expect(
      mountInApp(ServicePrice, { props: { priceFen: 1, unit: 'per_meal' }, locale: 'en' }).text(),
    ).toBe('¥0.01/meal');
    expect(
      mountInApp(ServicePrice, { props: { priceFen: 123_456, unit: 'per_visit' } }).text(),
    ).toBe('¥1,234.56/次');
  });

  it('shows a menu service from its cheapest dish', () => {
    const props = { priceFen: 2800, unit: 'per_meal' as const, fromFen: 600 };
    expect(mountInApp(ServicePrice, { props }).text()).toBe('¥6.00起');
    expect(mountInApp(ServicePrice, { props, locale: 'en' }).text()).toBe('from ¥6.00');
  });
});
