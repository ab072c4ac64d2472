// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { mountInApp } from '../../testing/mount';
import OrderCountdown from './OrderCountdown.vue';

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const text = (order: {
  status: string;
  acceptDueAt: string | null;
  autoConfirmAt: string | null;
}) => mountInApp(OrderCountdown, { props: { order } }).text();

describe('OrderCountdown', () => {
  it('counts down to the acceptance deadline of a paid order', () => {
    expect(
      text({ status: 'paid', acceptDueAt: inMs(14 * 60_000 + 30_000), autoConfirmAt: null }),
    ).toMatch(/^14:(29|30) 内商家接单，超时自动全额退款$/);
  });

  it('counts down to auto-confirmation in hours and minutes', () => {
    expect(
      text({
        status: 'completed',
        acceptDueAt: null,
        autoConfirmAt: inMs(47 * 3_600_000 + 5 * 60_000 + 30_000),
      }),
    ).toBe('47 小时 5 分 后自动确认完成');
  });

  it('says nothing once the deadline has passed or the order moved on', () => {
    expect(text({ status: 'paid', acceptDueAt: inMs(-1000), autoConfirmAt: null })).toBe('');
    expect(text({ status: 'accepted', acceptDueAt: inMs(60_000), autoConfirmAt: null })).toBe('');
  });
});
