// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { mountInApp } from '../../testing/mount';
import CancelOrderDialog from './CancelOrderDialog.vue';

afterEach(() => {
  document.body.innerHTML = '';
});

/** The dialog teleports to <body>; its preview is read from there. */
function openDialog(preview: {
  refundFen: number;
  feeFen: number;
  free: boolean;
  freeUntil: string;
}) {
  mountInApp(CancelOrderDialog, {
    props: { orderId: 'o-1', preview, refreshing: false, show: true },
    attachTo: document.body,
  });
  const box = document.querySelector('[data-testid="cancel-preview"]');
  if (!box) throw new Error('the cancel preview did not render');
  const text = (selector: string) => (box.querySelector(selector)?.textContent ?? '').trim();
  return {
    headline: text('.cancel-preview__headline'),
    refund: text('[data-testid="cancel-refund"]'),
    fee: text('[data-testid="cancel-fee"]'),
    text: box.textContent ?? '',
  };
}

describe('<CancelOrderDialog>', () => {
  it('promises a full refund inside the free window, and says until when', () => {
    const shown = openDialog({
      refundFen: 10_000,
      feeFen: 0,
      free: true,
      freeUntil: '2026-12-01T01:00:00.000Z',
    });
    expect(shown.headline).toBe('现在取消，全额退款');
    expect(shown.refund).toBe('¥100.00');
    expect(shown.fee).toBe('¥0.00');
    expect(shown.text).toContain('免费取消截止');
  });

  it('shows the late fee and the smaller refund once the free window has passed', () => {
    const shown = openDialog({
      refundFen: 7_000,
      feeFen: 3_000,
      free: false,
      freeUntil: '2026-12-01T01:00:00.000Z',
    });
    expect(shown.headline).toMatch(/^已过免费取消时间（.+），将扣除违约金$/);
    expect(shown.refund).toBe('¥70.00');
    expect(shown.fee).toBe('¥30.00');
    expect(shown.text).not.toContain('免费取消截止');
  });
});
