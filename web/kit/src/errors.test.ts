import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { errorMessageKey, isUnauthorized, slotRefusal } from './errors';

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
});
