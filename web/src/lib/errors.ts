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

/** Why a booking found no room: the slot filled up, closed, or passed its cut-off meanwhile. */
export type SlotRefusal = 'slot_full' | 'booking_closed' | 'slot_closed';

export function slotRefusal(error: unknown): SlotRefusal | null {
  if (!isApiError(error) || error.data?.code !== 'CONFLICT') return null;
  const reason = error.data.reason;
  return reason === 'slot_full' || reason === 'booking_closed' || reason === 'slot_closed'
    ? reason
    : null;
}

/**
 * The i18n key (and its parameters) that says what went wrong in a resident's words. The API's
 * `data.reason` is the stable word to translate; the tRPC code is the fallback.
 */
export function errorMessageKey(error: unknown): { key: string; params?: Record<string, unknown> } {
  if (isNetworkError(error)) return { key: 'errors.network' };
  if (!isApiError(error)) return { key: 'errors.unknown' };
  const data = error.data;
  switch (data?.reason) {
    case 'invalid_credentials':
      return { key: 'errors.invalidCredentials' };
    case 'rate_limited': {
      const seconds = Number(data.details?.retryAfterSeconds);
      if (!Number.isFinite(seconds) || seconds <= 0) return { key: 'errors.rateLimitedSoon' };
      return seconds < 60
        ? { key: 'errors.rateLimitedSeconds', params: { n: Math.ceil(seconds) } }
        : { key: 'errors.rateLimitedMinutes', params: { n: Math.ceil(seconds / 60) } };
    }
    case 'slot_full':
      return { key: 'errors.slotFull' };
    case 'slot_closed':
    case 'booking_closed':
      return { key: 'errors.bookingClosed' };
    case 'quantity_out_of_range':
      return { key: 'errors.quantityOutOfRange', params: data.details };
    case 'care_recipient_required':
      return { key: 'errors.careRecipientRequired' };
    case 'idempotency_key_reused':
      return { key: 'errors.bookingChanged' };
    case 'not_payable':
      return { key: 'errors.notPayable' };
    case 'payment_window_closed':
      return { key: 'errors.paymentWindowClosed' };
    case 'payment_processing':
      return { key: 'errors.paymentProcessing' };
    case 'amount_too_small':
      return { key: 'errors.amountTooSmall' };
    case 'invalid_transition':
      return { key: 'errors.orderChanged' };
    case 'deadline':
      return { key: 'errors.deadlinePassed' };
    case 'not_reviewable':
      return { key: 'errors.notReviewable' };
    case 'already_reviewed':
      return { key: 'errors.alreadyReviewed' };
    case 'invalid_input':
      return data.fieldErrors?.some((f) => f.path[0] === 'phone')
        ? { key: 'errors.invalidPhone' }
        : { key: 'errors.invalidInput' };
  }
  switch (data?.code) {
    case 'UNAUTHORIZED':
      return { key: 'errors.signedOut' };
    case 'FORBIDDEN':
      return { key: 'errors.forbidden' };
    case 'NOT_FOUND':
      return { key: 'errors.notFound' };
    case 'TOO_MANY_REQUESTS':
      return { key: 'errors.rateLimitedSoon' };
    case 'BAD_REQUEST':
      return { key: 'errors.invalidInput' };
    default:
      return { key: 'errors.server' };
  }
}
