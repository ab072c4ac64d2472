import type { AppRouter } from '@cgp/api/client';
import { TRPCClientError } from '@trpc/client';

export type ApiError = TRPCClientError<AppRouter>;

export function isApiError(error: unknown): error is ApiError {
  return error instanceof TRPCClientError;
}

/** A call that never got an answer from the API (offline, server down). */
export function isNetworkError(error: unknown): boolean {
  return isApiError(error) ? !error.data && !error.shape : error instanceof TypeError;
}

export function isUnauthorized(error: unknown): boolean {
  return isApiError(error) && error.data?.code === 'UNAUTHORIZED';
}

/** API reasons the portal explains in its own words (`errors.<reason>`). */
const KNOWN_REASONS = [
  'invalid_credentials',
  'capacity_below_booked',
  'community_not_served',
  'start_date_out_of_range',
  'invalid_transition',
  'deadline',
  'session_ended',
] as const;

/**
 * The i18n key (and parameters) saying what went wrong. The API's `data.reason` is the stable
 * word to translate; the tRPC code is the fallback.
 */
export function errorMessageKey(error: unknown): { key: string; params?: Record<string, unknown> } {
  if (isNetworkError(error)) return { key: 'errors.network' };
  if (!isApiError(error)) return { key: 'errors.unknown' };
  const data = error.data;
  const reason = data?.reason;
  if (reason === 'rate_limited') {
    const seconds = Number(data?.details?.retryAfterSeconds);
    return Number.isFinite(seconds) && seconds > 0
      ? { key: 'errors.rateLimited', params: { n: Math.ceil(seconds) } }
      : { key: 'errors.rateLimitedSoon' };
  }
  if ((KNOWN_REASONS as readonly (string | undefined)[]).includes(reason)) {
    return { key: `errors.${reason}`, params: data?.details };
  }
  switch (data?.code) {
    case 'UNAUTHORIZED':
      return { key: 'errors.signedOut' };
    case 'FORBIDDEN':
      return { key: 'errors.forbidden' };
    case 'NOT_FOUND':
      return { key: 'errors.notFound' };
    case 'CONFLICT':
      return { key: 'errors.conflict' };
    case 'TOO_MANY_REQUESTS':
      return { key: 'errors.rateLimitedSoon' };
    case 'BAD_REQUEST':
      return { key: 'errors.invalidInput' };
    default:
      return { key: 'errors.server' };
  }
}
