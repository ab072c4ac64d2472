import { ORDER_STATUSES } from '@cgp/api/client';
import { describe, expect, it } from 'vitest';
import en from '../i18n/en';
import zhCN from '../i18n/zh-CN';
import {
  availableActions,
  paymentPollMs,
  paymentWait,
  shownReason,
  statusTones,
  timelineKey,
  refundState,
} from './orders';

describe('order statuses', () => {
  it('has a chip colour, a name and a hint in both languages for every status', () => {
    for (const status of ORDER_STATUSES) {
      expect(statusTones[status]).toBeDefined();
      for (const messages of [zhCN, en]) {
        expect(messages.status[status]).toBeTruthy();
        expect(messages.statusHint[status]).toBeTruthy();
      }
    }
  });
});

describe('timelineKey', () => {
  const event = (to: (typeof ORDER_STATUSES)[number], actorKind = 'resident' as const) => ({
    to,
    actorKind,
    reason: null,
  });

  it('names each step, telling who acted where it matters', () => {
    expect(timelineKey(event('paid'))).toBe('timeline.paid');
    expect(timelineKey({ ...event('cancelled'), actorKind: 'merchant' })).toBe(
      'timeline.merchantCancelled',
    );
    expect(timelineKey({ ...event('rejected'), actorKind: 'system' })).toBe('timeline.slaRejected');
    expect(timelineKey({ ...event('confirmed'), actorKind: 'system' })).toBe(
      'timeline.autoConfirmed',
    );
    expect(timelineKey({ ...event('confirmed'), actorKind: 'property_ops' })).toBe(
      'timeline.resolvedConfirmed',
    );
  });

  it('has words for every step in both languages', () => {
    for (const status of ORDER_STATUSES) {
      for (const actorKind of ['resident', 'merchant', 'property_ops', 'system'] as const) {
        const [, key] = timelineKey({ to: status, actorKind, reason: null }).split('.');
        expect(zhCN.timeline[key as keyof typeof zhCN.timeline]).toBeTruthy();
        expect(en.timeline[key as keyof typeof en.timeline]).toBeTruthy();
      }
    }
  });
});

describe('shownReason', () => {
  it('shows what people wrote and hides the system’s notes', () => {
    expect(shownReason({ to: 'cancelled', actorKind: 'resident', reason: '计划有变' })).toBe(
      '计划有变',
    );
    expect(shownReason({ to: 'rejected', actorKind: 'merchant', reason: '人手不足' })).toBe(
      '人手不足',
    );
    expect(shownReason({ to: 'paid', actorKind: 'system', reason: 'payment pi_1' })).toBe(null);
    expect(
      shownReason({ to: 'refunded', actorKind: 'property_ops', reason: '商家态度差，内部记一次' }),
    ).toBe(null);
    expect(
      shownReason({ to: 'confirmed', actorKind: 'resident', reason: 'confirmed by resident' }),
    ).toBe(null);
  });
});

describe('availableActions', () => {
  const base = {
    status: 'paid' as const,
    paymentDueAt: null,
    cancelPreview: null,
    canPay: true,
    canConfirm: false,
    canDispute: false,
  };
  const now = new Date('2025-11-28T01:00:00Z');

  it('offers payment only while the payment window is open', () => {
    const pending = { ...base, status: 'pending_payment' as const };
    expect(availableActions({ ...pending, paymentDueAt: '2025-11-28T01:10:00Z' }, now)).toEqual([
      'pay',
    ]);
    expect(availableActions({ ...pending, paymentDueAt: '2025-11-28T00:59:00Z' }, now)).toEqual([]);
  });

  it('leaves payment to the booker: the household a family member booked for only follows', () => {
    const pending = { ...base, status: 'pending_payment' as const, canPay: false };
    expect(availableActions(pending, now)).toEqual([]);
  });

  it('follows what the API says is possible', () => {
    expect(availableActions({ ...base, cancelPreview: { refundFen: 1 } }, now)).toEqual(['cancel']);
    expect(
      availableActions({ ...base, status: 'completed', canConfirm: true, canDispute: true }, now),
    ).toEqual(['dispute', 'confirm']);
  });
});

describe('waiting for the payment webhook', () => {
  it('confirms, then admits it is slow, and stops once the order moved on', () => {
    expect(paymentWait('pending_payment', false)).toBe('confirming');
    expect(paymentWait('pending_payment', true)).toBe('slow');
    expect(paymentWait('paid', false)).toBe(null);
    expect(paymentWait('paid', true)).toBe(null);
    expect(paymentWait(undefined, false)).toBe(null);
  });

  it('polls fast while confirming, slowly after, not at all when done', () => {
    expect(paymentPollMs('confirming')).toBeLessThan(paymentPollMs('slow') as number);
    expect(paymentPollMs(null)).toBe(false);
  });
});

describe('refundState', () => {
  const of = (...statuses: string[]) => refundState(statuses.map((status) => ({ status })));
  it('says a refused refund first, then one on its way, then money back', () => {
    expect(of()).toBeNull();
    expect(of('succeeded')).toBe('done');
    expect(of('succeeded', 'pending')).toBe('pending');
    expect(of('pending', 'failed', 'succeeded')).toBe('failed');
  });

  it('words every state on the order page in both languages', () => {
    for (const messages of [zhCN, en]) {
      for (const key of ['rejectedPending', 'slaRejectedPending', 'refundFailed'] as const) {
        expect(messages.statusHint[key]).toBeTruthy();
      }
    }
    expect(zhCN.statusHint.rejected).toContain('已原路退回');
    expect(zhCN.statusHint.rejectedPending).toContain('将原路退回');
  });
});
