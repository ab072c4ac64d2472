// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import type { OrderDetail } from '../../composables/useOrders';
import { mountInApp } from '../../testing/mount';
import OrderMoney from './OrderMoney.vue';

const order = (refunds: { status: string; statusLabel: string; amountFen: number }[]) =>
  ({
    lines: [],
    unitPriceFen: 39_900,
    quantity: 1,
    service: { pricingUnit: 'visit' },
    totalFen: 39_900,
    refundFen: refunds.filter((r) => r.status !== 'failed').reduce((s, r) => s + r.amountFen, 0),
    refunds: refunds.map((r, i) => ({ id: `r${i}`, cause: 'reject', createdAt: '', ...r })),
  }) as unknown as OrderDetail;

describe('OrderMoney', () => {
  it('shows a failed refund as 退款失败 in the warning colour, not the green of money returned', () => {
    const view = mountInApp(OrderMoney, {
      props: { order: order([{ status: 'failed', statusLabel: '退款失败', amountFen: 39_900 }]) },
    });
    const failed = view.get('[data-testid="order-refund-failed"]');
    expect(failed.text()).toContain('退款失败');
    expect(failed.text()).toContain('¥399.00');
    const amount = failed.get('.van-cell__value span');
    expect(amount.classes()).toEqual(['order-money__refund-failed']);
    expect(view.find('[data-testid="order-refunded"]').exists()).toBe(false);
  });

  it('shows money returned in green', () => {
    const view = mountInApp(OrderMoney, {
      props: { order: order([{ status: 'succeeded', statusLabel: '已退回', amountFen: 10_000 }]) },
    });
    const refunded = view.get('[data-testid="order-refunded"] .van-cell__value span');
    expect(refunded.classes()).toEqual(['order-money__refund']);
    expect(view.find('[data-testid="order-refund-failed"]').exists()).toBe(false);
  });
});
