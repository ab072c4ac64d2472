import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessageKey, isUnauthorized, slotRefusal } from './errors';
import { kitMessages } from './messages';

function apiError(code: string, data: Record<string, unknown> = {}) {
  return TRPCClientError.from({
    error: { code: -32001, message: 'x', data: { code, httpStatus: 400, ...data } },
  });
}

describe('errorMessageKey', () => {
  it('translates the API reason first', () => {
    expect(errorMessageKey(apiError('UNAUTHORIZED', { reason: 'invalid_credentials' }))).toEqual({
      key: 'kit.errors.invalidCredentials',
    });
  });

  it('says how long to wait when rate limited', () => {
    const wait = (s: number) =>
      errorMessageKey(
        apiError('TOO_MANY_REQUESTS', {
          reason: 'rate_limited',
          details: { retryAfterSeconds: s },
        }),
      );
    expect(wait(42)).toEqual({ key: 'kit.errors.rateLimitedSeconds', params: { n: 42 } });
    expect(wait(61)).toEqual({ key: 'kit.errors.rateLimitedMinutes', params: { n: 2 } });
  });

  it('points at the phone number when that is what was invalid', () => {
    const error = apiError('BAD_REQUEST', {
      reason: 'invalid_input',
      fieldErrors: [{ path: ['phone'], message: 'bad' }],
    });
    expect(errorMessageKey(error)).toEqual({ key: 'kit.errors.invalidPhone' });
  });

  it('falls back to the tRPC code, then to a network or unknown failure', () => {
    expect(errorMessageKey(apiError('NOT_FOUND'))).toEqual({ key: 'kit.errors.notFound' });
    expect(errorMessageKey(TRPCClientError.from(new TypeError('Failed to fetch')))).toEqual({
      key: 'kit.errors.network',
    });
    expect(errorMessageKey('?')).toEqual({ key: 'kit.errors.unknown' });
  });

  it('recognises an ended session', () => {
    expect(isUnauthorized(apiError('UNAUTHORIZED'))).toBe(true);
    expect(isUnauthorized(apiError('FORBIDDEN'))).toBe(false);
  });

  it('tells a booking that lost its place from other conflicts', () => {
    expect(slotRefusal(apiError('CONFLICT', { reason: 'slot_full' }))).toBe('slot_full');
    expect(slotRefusal(apiError('CONFLICT', { reason: 'booking_closed' }))).toBe('booking_closed');
    expect(slotRefusal(apiError('CONFLICT', { reason: 'invalid_transition' }))).toBe(null);
    expect(slotRefusal(apiError('BAD_REQUEST', { reason: 'slot_full' }))).toBe(null);
    expect(errorMessageKey(apiError('CONFLICT', { reason: 'slot_full' }))).toEqual({
      key: 'kit.errors.slotFull',
    });
  });

  it('explains refused order actions', () => {
    expect(errorMessageKey(apiError('CONFLICT', { reason: 'invalid_transition' }))).toEqual({
      key: 'kit.errors.orderChanged',
    });
    expect(errorMessageKey(apiError('CONFLICT', { reason: 'payment_window_closed' }))).toEqual({
      key: 'kit.errors.paymentWindowClosed',
    });
  });

  it('says how early a service may start when it is started too soon', () => {
    const details = { minutes: 30, earliestStartAt: '2026-12-01T01:30:00.000Z' };
    const { key, params } = errorMessageKey(
      apiError('CONFLICT', { reason: 'too_early_to_start', details }),
    );
    expect(key).toBe('kit.errors.tooEarlyToStart');
    const zh = kitMessages['zh-CN'].errors.tooEarlyToStart.replace(
      '{minutes}',
      String(params?.minutes),
    );
    expect(zh).toBe('还没到服务时间：预约时段开始前 30 分钟内才能开始服务');
  });
});
